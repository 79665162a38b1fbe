#pragma once
// Internals of `rampart-gen iot` (scenario/iot_scenario.h): a seeded random source, the frame
// log that sorts and writes the capture, the link-layer addressing of the site, TCP connections
// whose handshake, sequence and acknowledgement numbers, timestamps and teardown are consistent
// in both directions, and the writers of the behaviours. Nothing here sends anything: frames go
// to a file.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "scenario/iot_scenario.h"
#include "scenario/packet_builder.h"

namespace rampart::scenario::iot {

using Bytes = std::vector<uint8_t>;

inline constexpr int64_t kNsPerS = 1000000000;
inline constexpr int64_t kNsPerMs = 1000000;
inline constexpr uint8_t kFin = 0x01;
inline constexpr uint8_t kSyn = 0x02;
inline constexpr uint8_t kRst = 0x04;
inline constexpr uint8_t kPsh = 0x08;
inline constexpr uint8_t kAck = 0x10;

inline constexpr int64_t Ms(double ms) {
  return static_cast<int64_t>(ms * static_cast<double>(kNsPerMs));
}
inline constexpr int64_t Sec(double s) {
  return static_cast<int64_t>(s * static_cast<double>(kNsPerS));
}

//! mt19937_64 with only modulo arithmetic on its output, so that a seed gives the same file
//! with every standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  uint32_t U32() { return static_cast<uint32_t>(engine_() >> 32); }
  uint16_t U16() { return static_cast<uint16_t>(engine_() >> 48); }
  //! Uniform in [0, n).
  uint64_t Below(uint64_t n) { return n <= 1 ? 0 : engine_() % n; }
  //! Uniform in [lo, hi].
  uint64_t Range(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }
  uint16_t Port(uint16_t lo, uint16_t hi) { return static_cast<uint16_t>(Range(lo, hi)); }
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  //! Nanoseconds uniform in [lo_ms, hi_ms].
  int64_t Millis(double lo_ms, double hi_ms) { return Ms(lo_ms + (hi_ms - lo_ms) * Unit()); }
  Bytes RandomBytes(size_t len);

 private:
  std::mt19937_64 engine_;
};

void Put16(Bytes& out, uint16_t v);
void Put32(Bytes& out, uint32_t v);
void Append(Bytes& out, std::string_view text);
void Append(Bytes& out, const Bytes& more);
Bytes FromText(std::string_view text);
uint32_t V4Value(const IpAddress& a);
IpAddress V4(const char* text);

//! Every frame of the capture, in one arena; written in timestamp order (frames with the same
//! timestamp in the order they were added).
class FrameLog {
 public:
  void Add(int64_t ts, const Bytes& frame);
  size_t packets() const { return records_.size(); }
  //! Writes a nanosecond pcap of Ethernet frames; false with `error` on failure.
  bool Write(const std::string& path, std::string* error);

 private:
  struct Record {
    int64_t ts;
    uint64_t offset;
    uint32_t len;
  };
  std::vector<Record> records_;
  std::vector<uint8_t> arena_;
};

//! A Linux ephemeral port (32768-60999), skipping the few that tshark decodes as a server's
//! (it tries the lower port of a connection first, then the higher).
uint16_t EphemeralPort(Rng& rng);
//! The port a client's next connection gets: 1-4 above `port`, wrapping within the range.
uint16_t NextPort(uint16_t port, Rng& rng);

//! True for the inside LAN, 192.168.1.0/24.
bool OnLan(const IpAddress& a);
//! A LAN host's MAC, 02:00:00:00:01:<last octet> (192.168.1.50 has 02:00:00:00:01:32); the
//! gateway 192.168.1.1 has 02:00:00:00:01:01. Other addresses have 02:00:<four octets>.
uint64_t MacOf(const IpAddress& a);
//! An IPv4 Ethernet frame from `src` to `dst`: a LAN host's own MAC, the gateway's for what is
//! behind it, and per-host MACs when neither end is on the LAN (the upstream link).
PacketBuilder EthernetFor(const IpAddress& src, const IpAddress& dst);

IpSpec Ipv4(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t id, bool df);

//! A UDP datagram frame.
Bytes UdpFrame(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t id, uint16_t sport,
               uint16_t dport, const Bytes& payload, bool df = true);

//! The answer to a DnsQuery(): QR, RA, the question and one A record.
Bytes DnsAnswer(const Bytes& query, uint32_t address, uint32_t ttl);

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
  Bytes SynOptions(const Side& from, int64_t at) const;

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

inline IpAddress Addr(uint32_t v) {
  return IpAddress::V4(v);
}

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
