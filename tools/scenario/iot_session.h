#pragma once
// Internals of `rampart-gen iot` (scenario/iot_scenario.h), over what all three generators share
// (capture_common.h): the link-layer addressing of the site, TCP connections
// whose handshake, sequence and acknowledgement numbers, timestamps and teardown are consistent
// in both directions, and the writers of the behaviours. Nothing here sends anything: frames go
// to a file.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "scenario/capture_common.h"
#include "scenario/iot_scenario.h"
#include "scenario/packet_builder.h"

namespace rampart::scenario::iot {

//! The browser of the site's users (HTTP requests).
inline constexpr std::string_view kFirefoxUserAgent =
    "Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101 Firefox/102.0";

//! True for the inside LAN, 192.168.1.0/24.
bool OnLan(const IpAddress& a);
//! A LAN host's MAC, 02:00:00:00:01:<last octet> (192.168.1.50 has 02:00:00:00:01:32); the
//! gateway 192.168.1.1 has 02:00:00:00:01:01. Other addresses have 02:00:<four octets>.
uint64_t MacOf(const IpAddress& a);
//! The MACs of an IPv4 frame from `src` to `dst`: a LAN host's own MAC, the gateway's for what
//! is behind it, and per-host MACs when neither end is on the LAN (the upstream link).
Macs LanMacs(const IpAddress& src, const IpAddress& dst);
inline PacketBuilder EthernetFor(const IpAddress& src, const IpAddress& dst) {
  return EthernetIp(LanMacs(src, dst), false);
}

//! A UDP datagram frame.
inline Bytes UdpFrame(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t id,
                      uint16_t sport, uint16_t dport, const Bytes& payload, bool df = true) {
  return EthernetUdp(LanMacs(src, dst), Spec(src, dst, ttl, id, df), sport, dport, payload);
}

//! One end of a TCP connection, as a Linux stack (MSS, SACK-permitted, timestamps, window
//! scaling in the SYN). `ttl` is the TTL seen at the capture point.
struct Peer {
  IpAddress addr;
  uint8_t ttl = 64;
  uint16_t mss = 1460;
  uint16_t syn_window = 64240;
  uint16_t synack_window = 65160;
  uint8_t wscale = 7;
  uint16_t window = 502;  // in scaled units, after the handshake
};

//! An embedded Linux device (older kernel: smaller windows).
Peer EmbeddedPeer(const IpAddress& addr, uint8_t ttl);
//! A current Linux host.
Peer LinuxPeer(const IpAddress& addr, uint8_t ttl);

//! A TCP connection written frame by frame at given times. Data is cut into MSS-sized
//! segments; the receiver acknowledges it with a pure ACK `ack_delay` later unless it sends
//! data of its own before then (the ACK rides on it). Times must not go backwards.
class TcpFlow {
 public:
  TcpFlow(FrameLog& log, Rng& rng, const Peer& client, uint16_t client_port, const Peer& server,
          uint16_t server_port, int64_t rtt_ns);

  //! SYN at `at`, SYN-ACK half an RTT later, the client's ACK one RTT later. Returns the time
  //! of the ACK.
  int64_t Connect(int64_t at);
  //! A SYN nobody answers; each call sends it again (same sequence number, newer TSval), as
  //! the kernel's retransmissions do.
  void SynOnly(int64_t at);
  //! Data from one side at `at`; returns the time of its last segment.
  int64_t Send(bool from_client, int64_t at, const Bytes& data);
  int64_t Send(bool from_client, int64_t at, std::string_view text) {
    return Send(from_client, at, FromText(text));
  }
  //! FIN/ACK from one side at `at`, the other's FIN/ACK and the last ACK after it. Returns the
  //! time of the last ACK.
  int64_t Close(bool client_first, int64_t at);
  //! Writes the ACKs still owed (a connection left open at the end of the capture).
  void Flush();

  int64_t rtt() const { return rtt_; }
  uint16_t client_port() const { return client_.port; }

 private:
  struct Side {
    Peer peer;
    uint16_t port = 0;
    uint32_t seq = 0;
    uint16_t ip_id = 0;
    uint32_t ts_base = 0;
    uint32_t ts_seen = 0;  // the peer's last TSval, echoed
    int64_t ack_due = -1;  // a pure ACK owed at this time, -1 for none
    bool syn_sent = false;
  };

  void FlushBefore(int64_t at);
  void Emit(Side& from, Side& to, int64_t at, uint8_t flags, const uint8_t* data, size_t len);

  FrameLog& log_;
  Rng& rng_;
  Side client_;
  Side server_;
  int64_t rtt_;
  int64_t last_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The behaviours (iot_scenario.h has the addresses and the timeline). Each writer adds its frames
// to the log with its own random source, so a behaviour is the same whatever else is in the
// capture. Logins are written by iot_session.cc, the rest by iot_scenario.cc.

struct Context {
  FrameLog& log;
  int64_t begin = 0;  // start, ns since the epoch
  int64_t end = 0;    // start + duration
  double scan_pps = 160;
  int64_t scan_end = 0;  // mirai_scan's last probe before this time
  int64_t flood_ns = 0;  // outgoing_flood's length
  double background_pps = 0;
};

// Fixed roles (host byte order).
inline constexpr uint32_t kGateway = 0xc0a80101;         // 192.168.1.1, also the router telnet
inline constexpr uint32_t kResolver = 0xc0a80102;        // 192.168.1.2
inline constexpr uint32_t kLanClient = 0xc0a8010a;       // 192.168.1.10
inline constexpr uint32_t kBot = 0xc0a80117;             // 192.168.1.23
inline constexpr uint32_t kDeadC2Bot = 0xc0a80118;       // 192.168.1.24
inline constexpr uint32_t kCamera = 0xc0a80132;          // 192.168.1.50 (telnet)
inline constexpr uint32_t kCameraWeb = 0xc0a80133;       // 192.168.1.51 (HTTP)
inline constexpr uint32_t kNas = 0xc0a8013c;             // 192.168.1.60 (FTP)
inline constexpr uint32_t kSshServer = 0xc0a80146;       // 192.168.1.70
inline constexpr uint32_t kVictimServer = 0xc633640a;    // 198.51.100.10
inline constexpr uint32_t kMailServer = 0xc6336419;      // 198.51.100.25
inline constexpr uint32_t kC2 = 0xc6336442;              // 198.51.100.66
inline constexpr uint32_t kDeadC2 = 0xc6336443;          // 198.51.100.67
inline constexpr uint32_t kReportServer = 0xc63364c8;    // 198.51.100.200
inline constexpr uint32_t kTelnetAttacker = 0xcb007132;  // 203.0.113.50
inline constexpr uint32_t kSshAttacker = 0xcb007133;     // 203.0.113.51
inline constexpr uint32_t kScanner = 0xcb007142;         // 203.0.113.66
inline constexpr uint32_t kReportedVictim = 0xcb00714d;  // 203.0.113.77
inline constexpr uint32_t kFtpClient = 0xcb007150;       // 203.0.113.80
inline constexpr uint32_t kHttpClient = 0xcb00715a;      // 203.0.113.90
inline constexpr uint32_t kGoogleDns = 0x08080808;       // 8.8.8.8

//! A telnet login as Mirai's scanner does it (§1.4) against a BusyBox telnetd, on a new
//! connection from `bot_port` at `at`: negotiation, "login: ", user, "Password: ", password, then
//! either "Login incorrect" (`success` false) or the shell escape and "/bin/busybox MIRAI". The
//! client closes. Returns the time of the last packet.
int64_t MiraiTelnetLogin(FrameLog& log, Rng& rng, const Peer& bot, uint16_t bot_port,
                         const Peer& device, int64_t at, std::string_view user,
                         std::string_view pass, bool success);

//! The report of a working login to the scan listener (§1.6), on a new connection at `at`.
int64_t MiraiReport(FrameLog& log, Rng& rng, const Peer& reporter, int64_t at, uint32_t victim,
                    uint16_t port, std::string_view user, std::string_view pass);

//! One Mirai credential (§1.5) drawn by weight.
void MiraiCredential(Rng& rng, std::string_view* user, std::string_view* pass);

void WriteBackground(const Context& ctx, Rng& rng);
void WriteMiraiScan(const Context& ctx, Rng& rng);
void WriteGenericScan(const Context& ctx, Rng& rng);
void WriteTelnetBruteforce(const Context& ctx, Rng& rng);
void WriteInfectedReportback(const Context& ctx, Rng& rng);
void WriteFtpDefault(const Context& ctx, Rng& rng);
void WriteTelnetNondefault(const Context& ctx, Rng& rng);
void WriteHttpBasicDefault(const Context& ctx, Rng& rng);
void WritePop3Login(const Context& ctx, Rng& rng);
void WriteImapLogin(const Context& ctx, Rng& rng);
void WriteSshBruteforce(const Context& ctx, Rng& rng);
void WriteC2Beacon(const Context& ctx, Rng& rng);
void WritePublicDns(const Context& ctx, Rng& rng);
void WriteOutgoingFlood(const Context& ctx, Rng& rng);

}  // namespace rampart::scenario::iot
