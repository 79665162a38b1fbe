#pragma once
// What the parts of the `rampart-gen scenario` generator share (scenario.cc, scenario_common.cc,
// scenario_background.cc, scenario_amplification.cc, scenario_attack.cc). Not a public API.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ip_address.h"
#include "scenario/packet_builder.h"
#include "scenario/scenario.h"

namespace rampart::scenario::internal {

using Bytes = std::vector<uint8_t>;

inline constexpr int64_t kNsPerS = 1000000000;
inline constexpr uint64_t kRouterMac = 0x02000000fe01;  // the upstream router
inline constexpr uint64_t kServerMac = 0x02000000fe02;  // the protected side
inline constexpr uint8_t kFin = 0x01;
inline constexpr uint8_t kSyn = 0x02;
inline constexpr uint8_t kRst = 0x04;
inline constexpr uint8_t kPsh = 0x08;
inline constexpr uint8_t kAck = 0x10;

// ---------------------------------------------------------------------------------------------
// Randomness: one mt19937_64 per stream, and only modulo arithmetic on its output, so that a
// seed gives the same file with every standard library.

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  uint32_t U32() { return static_cast<uint32_t>(engine_() >> 32); }
  uint16_t U16() { return static_cast<uint16_t>(engine_() >> 48); }
  uint8_t U8() { return static_cast<uint8_t>(engine_() >> 56); }
  //! Uniform in [0, n).
  uint64_t Below(uint64_t n) { return n <= 1 ? 0 : engine_() % n; }
  //! Uniform in [lo, hi].
  uint64_t Range(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }
  uint16_t Port(uint16_t lo, uint16_t hi) { return static_cast<uint16_t>(Range(lo, hi)); }
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  void Fill(uint8_t* out, size_t len) {
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
      uint64_t v = engine_();
      for (size_t b = 0; b < 8; ++b) {
        out[i + b] = static_cast<uint8_t>(v >> (8 * b));
      }
    }
    if (i < len) {
      uint64_t v = engine_();
      for (; i < len; ++i, v >>= 8) {
        out[i] = static_cast<uint8_t>(v);
      }
    }
  }
  Bytes RandomBytes(size_t len) {
    Bytes out(len);
    Fill(out.data(), len);
    return out;
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  std::mt19937_64 engine_;
};

//! Hands out 0..n-1 in a random order that covers every index once a round.
class Shuffler {
 public:
  explicit Shuffler(size_t n) : order_(n) { std::iota(order_.begin(), order_.end(), size_t{0}); }
  size_t size() const { return order_.size(); }
  size_t Next(Rng& rng) {
    if (pos_ == 0) {
      for (size_t i = order_.size(); i > 1; --i) {
        std::swap(order_[i - 1], order_[rng.Below(i)]);
      }
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
// Byte helpers (scenario_common.cc).

void Put16(Bytes& out, uint16_t v);
void Put32(Bytes& out, uint32_t v);
void Set16(Bytes& out, size_t at, uint16_t v);
void Append(Bytes& out, std::string_view text);
void Append(Bytes& out, const Bytes& more);
Bytes FromText(std::string_view text);
std::string RandomText(Rng& rng, size_t len, std::string_view alphabet);

// ---------------------------------------------------------------------------------------------
// Addresses (scenario_common.cc).

IpAddress RandomPublicV4(Rng& rng);
//! Global unicast (2000::/4) outside 2001::/32 (Teredo and documentation) and 2002::/16.
IpAddress RandomPublicV6(Rng& rng);
IpAddress RandomPublic(Rng& rng, bool v6);
IpAddress ParseAddress(const char* text);
uint32_t V4Value(const IpAddress& a);
int AddressBits(const IpAddress& a);
//! `base` with the bits after `len` replaced by `random` bytes' bits (or cleared).
IpAddress MixHost(const IpAddress& base, uint8_t len, const uint8_t* random);
//! A random host of the prefix: never the network address, nor an IPv4 broadcast address.
IpAddress RandomHost(const IpAddress& base, uint8_t len, Rng& rng);
//! The prefix's first host (the background server of a carpet-bombed prefix).
IpAddress FirstHost(const IpAddress& base, uint8_t len);

// ---------------------------------------------------------------------------------------------
// Frames (scenario_common.cc).

using Frame = std::vector<uint8_t>;

//! An Ethernet frame toward the protected side (`inbound`) or away from it.
PacketBuilder Start(bool v6, bool inbound);
IpSpec Spec(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t id, bool df);
void PutTimestamps(Bytes& o, uint32_t value, uint32_t echo);
//! A client's SYN options: Linux (MSS, SACK-permitted, timestamps, NOP, window scale 7) or
//! Windows (MSS, NOP, window scale 8, NOP, NOP, SACK-permitted).
Bytes ClientSynOptions(bool windows, uint16_t mss, uint32_t tsval);
//! A Linux server's SYN-ACK options, with timestamps when the client offered them.
Bytes ServerSynAckOptions(bool timestamps, uint16_t mss, uint32_t tsval, uint32_t tsecr);
Frame UdpFrame(bool inbound, const IpSpec& spec, uint16_t sport, uint16_t dport,
               const Bytes& payload);
//! A UDP datagram, cut into IP fragments when it does not fit a 1500-byte MTU (the first
//! fragment carries the UDP header; checksums cover the whole datagram).
std::vector<Frame> UdpDatagram(bool inbound, const IpSpec& spec, uint16_t sport, uint16_t dport,
                               const Bytes& payload, uint32_t fragment_id);

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
    TcpSpec tcp;
    tcp.src_port = from.port;
    tcp.dst_port = to.port;
    tcp.seq = from.seq;
    tcp.ack = (flags & kAck) != 0 ? to.seq : 0;
    tcp.flags = flags;
    tcp.window = from.window;
    return tcp;
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
    const int64_t t =
        begin_ + std::llround(static_cast<double>(tick_) * static_cast<double>(kNsPerS) / pps_);
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
