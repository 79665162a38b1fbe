#pragma once
// What the parts of the `rampart-gen scenario` generator share (scenario.cc, scenario_common.cc,
// scenario_background.cc, scenario_amplification.cc, scenario_attack.cc), over what all three
// generators share (capture_common.h). Not a public API.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ip_address.h"
#include "scenario/capture_common.h"
#include "scenario/packet_builder.h"
#include "scenario/scenario.h"

namespace rampart::scenario::internal {

inline constexpr uint64_t kRouterMac = 0x02000000fe01;  // the upstream router
inline constexpr uint64_t kServerMac = 0x02000000fe02;  // the protected side

//! Hands out 0..n-1 in a random order that covers every index once a round.
class Shuffler {
 public:
  explicit Shuffler(size_t n) : order_(n) { std::iota(order_.begin(), order_.end(), size_t{0}); }
  size_t size() const { return order_.size(); }
  size_t Next(Rng& rng) {
    if (pos_ == 0) {
      Shuffle(order_, rng);
    }
    const size_t value = order_[pos_];
    pos_ = (pos_ + 1) % order_.size();
    return value;
  }

 private:
  std::vector<size_t> order_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Addresses (scenario_common.cc).

IpAddress RandomPublicV4(Rng& rng);
//! Global unicast (2000::/4) outside 2001::/32 (Teredo and documentation) and 2002::/16.
IpAddress RandomPublicV6(Rng& rng);
IpAddress RandomPublic(Rng& rng, bool v6);
int AddressBits(const IpAddress& a);
//! `base` with the bits after `len` replaced by `random` bytes' bits (or cleared).
IpAddress MixHost(const IpAddress& base, uint8_t len, const uint8_t* random);
//! A random host of the prefix: never the network address, nor an IPv4 broadcast address.
IpAddress RandomHost(const IpAddress& base, uint8_t len, Rng& rng);
//! The prefix's first host (the background server of a carpet-bombed prefix).
IpAddress FirstHost(const IpAddress& base, uint8_t len);

// ---------------------------------------------------------------------------------------------
// Frames (scenario_common.cc).

//! The MACs of a frame toward the protected side (`inbound`) or away from it.
inline Macs Toward(bool inbound) {
  return inbound ? Macs{kRouterMac, kServerMac} : Macs{kServerMac, kRouterMac};
}
//! An Ethernet frame toward the protected side (`inbound`) or away from it.
inline PacketBuilder Start(bool v6, bool inbound) {
  return EthernetIp(Toward(inbound), v6);
}
//! A client's SYN options: Linux (MSS, SACK-permitted, timestamps, NOP, window scale 7) or
//! Windows (MSS, NOP, window scale 8, NOP, NOP, SACK-permitted).
Bytes ClientSynOptions(bool windows, uint16_t mss, uint32_t tsval);
//! A Linux server's SYN-ACK options, with timestamps when the client offered them.
Bytes ServerSynAckOptions(bool timestamps, uint16_t mss, uint32_t tsval, uint32_t tsecr);
inline Frame UdpFrame(bool inbound, const IpSpec& spec, uint16_t sport, uint16_t dport,
                      const Bytes& payload) {
  return EthernetUdp(Toward(inbound), spec, sport, dport, payload);
}
//! A UDP datagram, IP fragments when it does not fit a 1500-byte MTU (EthernetUdpDatagram()).
inline std::vector<Frame> UdpDatagram(bool inbound, const IpSpec& spec, uint16_t sport,
                                      uint16_t dport, const Bytes& payload, uint32_t fragment_id) {
  return EthernetUdpDatagram(Toward(inbound), spec, sport, dport, payload, fragment_id);
}

//! One end of a conversation.
struct Host {
  IpAddress addr;
  uint8_t ttl = 64;
  bool windows = false;  // TCP option layout, TTL family, ephemeral port range
};

//! A TCP connection whose sequence numbers, IP IDs and timestamps stay consistent. The server
//! is on the protected side.
class TcpConversation {
 public:
  TcpConversation(const Host& client, uint16_t client_port, const Host& server,
                  uint16_t server_port, Rng& rng)
      : v6_(client.addr.IsV6()), windows_(client.windows), timestamps_(!client.windows) {
    client_ = {client.addr,
               client_port,
               client.ttl,
               rng.U16(),
               rng.U32(),
               rng.U32(),
               static_cast<uint16_t>(windows_ ? 65535 : 64240),
               static_cast<uint16_t>(rng.Range(256, 2053))};
    server_ = {server.addr, server_port, server.ttl, rng.U16(),
               rng.U32(),   rng.U32(),   65160,      static_cast<uint16_t>(rng.Range(235, 509))};
  }

  uint16_t Mss() const { return v6_ ? 1440 : 1460; }

  Frame Syn() {
    TcpSpec tcp = Base(client_, server_, kSyn);
    tcp.ack = 0;
    tcp.window = client_.syn_window;
    tcp.options = ClientSynOptions(windows_, Mss(), client_.ts);
    client_.seq += 1;
    return Build(client_, server_, true, tcp, nullptr, 0);
  }
  Frame SynAck() {
    TcpSpec tcp = Base(server_, client_, kSyn | kAck);
    tcp.window = server_.syn_window;
    tcp.options = ServerSynAckOptions(timestamps_, Mss(), server_.ts, client_.ts);
    server_.seq += 1;
    return Build(server_, client_, false, tcp, nullptr, 0);
  }
  //! Any later segment; SYN and FIN count one sequence number.
  Frame Segment(bool from_client, uint8_t flags, const Bytes& payload = {}) {
    Side& from = from_client ? client_ : server_;
    Side& to = from_client ? server_ : client_;
    TcpSpec tcp = Base(from, to, flags);
    if (timestamps_) {
      from.ts += 1 + static_cast<uint32_t>(payload.size() % 7);
      tcp.options = {1, 1};
      PutTimestamps(tcp.options, from.ts, to.ts);
    }
    from.seq += static_cast<uint32_t>(payload.size()) + ((flags & (kSyn | kFin)) != 0 ? 1 : 0);
    return Build(from, to, from_client, tcp, payload.data(), payload.size());
  }
  uint32_t client_seq() const { return client_.seq; }
  uint32_t server_seq() const { return server_.seq; }
  uint16_t client_port() const { return client_.port; }

 private:
  struct Side {
    IpAddress addr;
    uint16_t port;
    uint8_t ttl;
    uint16_t ip_id;
    uint32_t seq;
    uint32_t ts;
    uint16_t syn_window;
    uint16_t window;
  };

  static TcpSpec Base(const Side& from, const Side& to, uint8_t flags) {
    return {.src_port = from.port,
            .dst_port = to.port,
            .seq = from.seq,
            .ack = (flags & kAck) != 0 ? to.seq : 0,
            .flags = flags,
            .window = from.window};
  }
  Frame Build(Side& from, const Side& to, bool inbound, const TcpSpec& tcp, const uint8_t* data,
              size_t len) {
    PacketBuilder b = Start(v6_, inbound);
    b.Ip(Spec(from.addr, to.addr, from.ttl, from.ip_id++, true), 6).Tcp(tcp);
    if (len > 0) {
      b.Payload(data, len);
    }
    return b.Finish();
  }

  bool v6_;
  bool windows_;
  bool timestamps_;
  Side client_{};
  Side server_{};
};

// ---------------------------------------------------------------------------------------------
// Application payloads.

//! An HTTP/1.1 200 response of exactly `total` bytes (headers and HTML body)
//! (scenario_background.cc).
Bytes HttpResponse(size_t total, int64_t ts, bool keep_alive);
//! The reflector's answer for the amplification vector (scenario_amplification.cc).
Bytes AmplificationPayload(AmplificationService service, Rng& rng, std::string_view zone);

// ---------------------------------------------------------------------------------------------
// Streams: each makes packets at its own even rate; WriteScenario merges them by time.

class Stream {
 public:
  Stream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed)
      : rng_(seed), begin_(begin_ns), end_(end_ns), pps_(pps) {}
  virtual ~Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  //! The next packet and its time; false once the stream has ended. After its end time a
  //! stream may still finish what is under way (open sessions, the rest of a datagram).
  bool Next(int64_t* ts, Frame* frame) {
    if (!(pps_ > 0) || begin_ >= end_) {
      return false;
    }
    const int64_t t = Tick(begin_, pps_, tick_);
    frame->clear();
    if (!Produce(t, t < end_, frame)) {
      return false;
    }
    ++tick_;
    *ts = t;
    return true;
  }

 protected:
  //! Appends the packet for time `ts`; `open` is false once the end time has passed.
  virtual bool Produce(int64_t ts, bool open, Frame* frame) = 0;

  Rng rng_;

 private:
  int64_t begin_;
  int64_t end_;
  double pps_;
  uint64_t tick_ = 0;
};

//! A conversation that hands out its packets one at a time.
class Session {
 public:
  virtual ~Session() = default;
  //! The next packet; `open` false asks the session to wind down. False when it is over.
  virtual bool Next(int64_t ts, bool open, Frame* frame) = 0;
};

class ScriptedSession : public Session {
 public:
  explicit ScriptedSession(std::vector<Frame> frames) : frames_(std::move(frames)) {}
  bool Next(int64_t /*ts*/, bool /*open*/, Frame* frame) override {
    if (next_ >= frames_.size()) {
      return false;
    }
    *frame = std::move(frames_[next_++]);
    return true;
  }

 private:
  std::vector<Frame> frames_;
  size_t next_ = 0;
};

//! Interleaves concurrent sessions, one per slot, each packet from a slot picked in a random
//! order that visits every slot once a round. A finished session is replaced while the stream
//! is open; afterwards the sessions under way are drained.
class SessionStream : public Stream {
 public:
  SessionStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed, size_t slots)
      : Stream(begin_ns, end_ns, pps, seed),
        slots_(std::max<size_t>(slots, 1)),
        order_(std::max<size_t>(slots, 1)) {}

 protected:
  virtual std::unique_ptr<Session> NewSession(size_t slot, int64_t ts) = 0;

  bool Produce(int64_t ts, bool open, Frame* frame) override {
    if (open) {
      const size_t slot = order_.Next(rng_);
      std::unique_ptr<Session>& session = slots_[slot];
      if (session && session->Next(ts, open, frame)) {
        return true;
      }
      session = NewSession(slot, ts);
      return session->Next(ts, open, frame);
    }
    for (size_t tried = 0; tried < slots_.size(); ++tried) {
      std::unique_ptr<Session>& session = slots_[drain_];
      drain_ = (drain_ + 1) % slots_.size();
      if (session && session->Next(ts, open, frame)) {
        return true;
      }
      session.reset();
    }
    return false;
  }

 private:
  std::vector<std::unique_ptr<Session>> slots_;
  Shuffler order_;
  size_t drain_ = 0;
};

//! Where the scenario happens.
struct Scene {
  Host server;         // the background server (the target, or its prefix's first host)
  IpAddress resolver;  // the target's DNS resolver
  IpAddress ntp_server;
};

// Background traffic (scenario_background.cc).

//! Background clients: 203.0.113.1-254 (then random public addresses) or random interface IDs
//! in 2001:db8:c::/64.
std::vector<Host> MakeClients(size_t count, bool v6, Rng& rng);
//! Web sessions: handshake, one request (HTTP GET on 80, a TLS record on 443), a 1000-1400
//! byte answer, and the FIN/ACK exchange.
std::unique_ptr<Stream> MakeWebStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed,
                                      const Scene& scene, std::vector<Host> clients);
//! The target's DNS lookups through its resolver, answered with one A record.
std::unique_ptr<Stream> MakeDnsStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed,
                                      const Scene& scene);
//! The target's NTP client polling its server.
std::unique_ptr<Stream> MakeNtpStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed,
                                      const Scene& scene);

// The attack (scenario_attack.cc).

//! The stream of `options.vector`: bots after real handshakes for http_flood and tcp_stomp,
//! stateless packets for the others.
std::unique_ptr<Stream> MakeAttackStream(int64_t begin_ns, int64_t end_ns,
                                         const ScenarioOptions& options, uint64_t seed);

}  // namespace rampart::scenario::internal
