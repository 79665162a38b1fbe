// The attack streams: stateless floods of every vector, and bots after real handshakes
// (tcp_stomp, http_flood).
#include <array>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario/scenario_internal.h"

namespace rampart::scenario::internal {
namespace {

// Mirai's five HTTP flood User-Agents (table.c TABLE_HTTP_ONE..FIVE).
constexpr std::array<std::string_view, 5> kMiraiUserAgents = {
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/51.0.2704.103 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/52.0.2743.116 Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/51.0.2704.103 Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/52.0.2743.116 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/601.7.7 (KHTML, like Gecko) "
    "Version/9.1.2 Safari/601.7.7",
};

uint16_t Swap16(uint16_t v) {
  return static_cast<uint16_t>((v >> 8) | (v << 8));
}

//! What every attack stream shares: its sources and targets.
class AttackBase {
 public:
  AttackBase(const ScenarioOptions& options, bool spoofed, Rng& rng)
      : options_(options), v6_(options.target.IsV6()) {
    const int bits = AddressBits(options.target);
    carpet_ = options.target_prefix_len < bits;
    base_ = MixHost(options.target, options.target_prefix_len, nullptr);
    single_ = carpet_ ? base_ : options.target;
    if (!spoofed) {
      std::set<IpAddress> seen;
      while (sources_.size() < options.sources) {
        const IpAddress a = RandomPublic(rng, v6_);
        if (a != single_ && seen.insert(a).second) {
          sources_.push_back(a);
        }
      }
    }
  }

 protected:
  //! A source index (into the pool), or the pool size for a spoofed source.
  size_t PickSource(Rng& rng) {
    if (sources_.empty()) {
      return 0;
    }
    if (!picker_) {
      picker_ = std::make_unique<Shuffler>(sources_.size());
    }
    return picker_->Next(rng);
  }
  IpAddress SourceAddress(size_t index, Rng& rng) const {
    return sources_.empty() ? RandomPublic(rng, v6_) : sources_[index];
  }
  IpAddress TargetHost(Rng& rng) const {
    return carpet_ ? RandomHost(base_, options_.target_prefix_len, rng) : single_;
  }
  //! A real server's TTL at the sensor (Linux, Windows or network gear) for a reflector.
  static uint8_t ServerTtl(Rng& rng) {
    const uint64_t kind = rng.Below(10);
    if (kind < 6) {
      return static_cast<uint8_t>(rng.Range(44, 60));
    }
    if (kind < 9) {
      return static_cast<uint8_t>(rng.Range(105, 122));
    }
    return static_cast<uint8_t>(rng.Range(230, 250));
  }

  ScenarioOptions options_;
  bool v6_;
  bool carpet_ = false;
  IpAddress base_;
  IpAddress single_;
  std::vector<IpAddress> sources_;
  std::unique_ptr<Shuffler> picker_;
};

//! The stateless vectors: every packet stands alone (fragmented datagrams aside).
class FloodStream : public Stream, private AttackBase {
 public:
  FloodStream(int64_t begin_ns, int64_t end_ns, const ScenarioOptions& options, uint64_t seed)
      : Stream(begin_ns, end_ns, options.attack_pps, seed),
        AttackBase(options, options.spoofed, rng_),
        vector_(*options.vector) {
    // Fixed for the attack ("per target" in Mirai): MSS and TSval of syn, ACK window, udpplain's
    // source port, greip's inner source.
    mss_ = static_cast<uint16_t>(1400 + rng_.Below(16));
    tsval_ = rng_.U32();
    window_ = rng_.U16();
    plain_sport_ = rng_.U16();
    gre_inner_src_ = rng_.U32();
    for (size_t i = 0; i < sources_.size(); ++i) {
      per_source_.push_back({TargetHost(rng_), rng_.U16(), rng_.U16(), ServerTtl(rng_),
                             rng_.Chance(0.5), rng_.Chance(0.3) ? uint16_t{443} : uint16_t{80}});
    }
  }

 protected:
  bool Produce(int64_t /*ts*/, bool open, Frame* frame) override {
    if (pending_.empty()) {
      if (!open) {
        return false;
      }
      Make();
    }
    *frame = std::move(pending_.front());
    pending_.pop_front();
    return true;
  }

 private:
  struct PerSource {
    IpAddress host;      // udpplain's connected destination
    uint16_t port;       // udpplain's / stomp's destination port
    uint16_t ip_id;      // kernel-style IP ID counter
    uint8_t ttl;         // reflectors' and resolvers' TTL
    bool little_endian;  // the bot's byte order (greip's inner ID)
    uint16_t service;    // tcp_reflection: 80 or 443
  };

  void Make() {
    const size_t index = PickSource(rng_);
    const IpAddress src = SourceAddress(index, rng_);
    PerSource spoof{};
    if (sources_.empty()) {
      spoof = {TargetHost(rng_), rng_.U16(),       rng_.U16(),
               ServerTtl(rng_),  rng_.Chance(0.5), rng_.Chance(0.3) ? uint16_t{443} : uint16_t{80}};
    }
    PerSource& me = sources_.empty() ? spoof : per_source_[index];
    const IpAddress dst = TargetHost(rng_);
    switch (vector_) {
      case Vector::kSynFlood: {
        TcpSpec tcp{
            .src_port = rng_.U16(), .dst_port = rng_.U16(), .seq = rng_.U32(), .flags = kSyn};
        tcp.options = {2, 4, static_cast<uint8_t>(mss_ >> 8), static_cast<uint8_t>(mss_), 4, 2};
        PutTimestamps(tcp.options, tsval_, 0);
        const Bytes rest = {1, 3, 3, 6};
        Append(tcp.options, rest);
        Push(Start(v6_, true).Ip(Spec(src, dst, 64, rng_.U16(), true), 6).Tcp(tcp).Finish());
        return;
      }
      case Vector::kAckFlood: {
        const TcpSpec tcp{.src_port = rng_.U16(),
                          .dst_port = rng_.U16(),
                          .seq = rng_.U32(),
                          .ack = rng_.U32(),
                          .flags = kAck,
                          .window = window_};
        const Bytes payload = rng_.RandomBytes(512);
        Push(Start(v6_, true)
                 .Ip(Spec(src, dst, 64, rng_.U16(), false), 6)
                 .Tcp(tcp)
                 .Payload(payload.data(), payload.size())
                 .Finish());
        return;
      }
      case Vector::kRstFlood: {
        const TcpSpec tcp{
            .src_port = rng_.U16(), .dst_port = rng_.U16(), .seq = rng_.U32(), .flags = kRst};
        Push(Start(v6_, true).Ip(Spec(src, dst, 64, rng_.U16(), false), 6).Tcp(tcp).Finish());
        return;
      }
      case Vector::kTcpReflection: {
        // Servers answering SYNs that carried the target's address: SYN-ACKs from open
        // ports, RST-ACKs from closed ones.
        TcpSpec tcp;
        tcp.src_port = me.service;
        tcp.dst_port = rng_.Port(1024, 65535);
        tcp.ack = rng_.U32();
        if (rng_.Chance(0.85)) {
          tcp.seq = rng_.U32();
          tcp.flags = kSyn | kAck;
          tcp.window = me.ttl > 100 && me.ttl < 200 ? 65535 : 65160;
          tcp.options = ServerSynAckOptions(true, v6_ ? 1440 : 1460, rng_.U32(), rng_.U32());
        } else {
          tcp.flags = kRst | kAck;
        }
        Push(Start(v6_, true).Ip(Spec(src, dst, me.ttl, rng_.U16(), true), 6).Tcp(tcp).Finish());
        return;
      }
      case Vector::kUdpFlood: {
        Push(UdpFrame(true, Spec(src, dst, 64, rng_.U16(), false), rng_.U16(), rng_.U16(),
                      rng_.RandomBytes(512)));
        return;
      }
      case Vector::kUdpPlainFlood: {
        // A connected datagram socket per target: fixed 5-tuple, kernel-built headers.
        Push(UdpFrame(true, Spec(src, me.host, 64, me.ip_id++, true), plain_sport_, me.port,
                      rng_.RandomBytes(512)));
        return;
      }
      case Vector::kVseFlood: {
        static const Bytes kQuery = [] {
          Bytes q = {0xff, 0xff, 0xff, 0xff};
          Append(q, std::string_view("TSource Engine Query"));
          q.push_back(0);
          return q;
        }();
        Push(UdpFrame(true, Spec(src, dst, 64, rng_.U16(), false), rng_.U16(), 27015, kQuery));
        return;
      }
      case Vector::kGreIpFlood:
      case Vector::kGreEthFlood: {
        const uint16_t outer_id = rng_.U16();
        // Mirai writes ~(id - 1000) over the raw header field, in the bot's byte order.
        const uint16_t inner_id = me.little_endian
                                      ? Swap16(static_cast<uint16_t>(~(Swap16(outer_id) - 1000)))
                                      : static_cast<uint16_t>(~(outer_id - 1000));
        PacketBuilder b = Start(v6_, true);
        b.Ip(Spec(src, dst, 64, outer_id, true), 47);
        if (vector_ == Vector::kGreEthFlood) {
          b.Gre(0x6558).Ethernet(0x0800, rng_.Next() & 0xffffffffffff,
                                 rng_.Next() & 0xffffffffffff);
        } else {
          b.Gre(0x0800);
        }
        const Bytes payload = rng_.RandomBytes(512);
        b.Ip(Spec(IpAddress::V4(gre_inner_src_), IpAddress::V4(rng_.U32()), 64, inner_id, true), 17)
            .Udp(rng_.U16(), rng_.U16())
            .Payload(payload.data(), payload.size());
        Push(b.Finish());
        return;
      }
      case Vector::kIcmpFlood: {
        Bytes payload(56);
        const uint16_t seq = me.ip_id++;
        for (size_t i = 0; i < payload.size(); ++i) {
          payload[i] = static_cast<uint8_t>(i < 8 ? rng_.U8() : i);
        }
        Push(Start(v6_, true)
                 .Ip(Spec(src, dst, 64, rng_.U16(), false), v6_ ? 58 : 1)
                 .Icmp(v6_ ? 128 : 8, 0, me.port, seq)
                 .Payload(payload.data(), payload.size())
                 .Finish());
        return;
      }
      case Vector::kIpFragmentFlood: {
        // Later fragments of big UDP datagrams whose first fragment never comes.
        const size_t chunk = v6_ ? 1448 : 1480;
        const auto offset = static_cast<uint16_t>(chunk * rng_.Range(1, 4));
        const bool more = rng_.Chance(0.8);
        const size_t len = more ? chunk : 8 * rng_.Range(1, chunk / 8);
        const Bytes data = rng_.RandomBytes(len);
        if (v6_) {
          Bytes fragment = {17, 0};
          Put16(fragment, static_cast<uint16_t>((offset / 8) << 3 | (more ? 1 : 0)));
          Put32(fragment, rng_.U32());
          Push(Start(true, true)
                   .Ip(Spec(src, dst, 64, 0, false), 44)
                   .Payload(fragment.data(), fragment.size())
                   .Payload(data.data(), data.size())
                   .Finish());
        } else {
          IpSpec spec = Spec(src, dst, 64, rng_.U16(), false);
          spec.more_fragments = more;
          spec.fragment_offset = offset;
          Push(Start(false, true).Ip(spec, 17).Payload(data.data(), data.size()).Finish());
        }
        return;
      }
      case Vector::kDnsWaterTorture: {
        // Mirai's dns vector as the target (an authoritative server) sees it: recursive
        // resolvers forwarding random 12-character labels of the zone.
        const std::string name =
            RandomText(rng_, 12, "abcdefghijklmnopqrstuvw012345678") + "." + options_.zone;
        Push(UdpFrame(true, Spec(src, dst, me.ttl, rng_.U16(), false), rng_.Port(1024, 65535), 53,
                      DnsQuery(rng_.U16(), name, 1)));
        return;
      }
      case Vector::kAmplification: {
        const Bytes payload = AmplificationPayload(options_.service, rng_, options_.zone);
        for (Frame& f : UdpDatagram(true, Spec(src, dst, me.ttl, rng_.U16(), false),
                                    AmplificationServicePort(options_.service),
                                    rng_.Port(1024, 65535), payload, rng_.U32())) {
          Push(std::move(f));
        }
        return;
      }
      case Vector::kTcpStomp:
      case Vector::kHttpFlood:
      case Vector::kCount:
        break;
    }
  }

  void Push(Frame frame) { pending_.push_back(std::move(frame)); }

  Vector vector_;
  uint16_t mss_ = 1400;
  uint32_t tsval_ = 0;
  uint16_t window_ = 0;
  uint16_t plain_sport_ = 0;
  uint32_t gre_inner_src_ = 0;
  std::vector<PerSource> per_source_;
  std::deque<Frame> pending_;
};

//! A bot after a real handshake (tcp_stomp's ACK+PSH flood, http_flood's GETs).
class BotSession : public Session {
 public:
  BotSession(Vector vector, const Host& bot, const Host& server, uint16_t dport,
             const ScenarioOptions& options, Rng& rng)
      : vector_(vector),
        options_(options),
        rng_(rng),
        conn_(bot, rng.Port(32768, 60999), server, dport, rng),
        little_endian_(rng.Chance(0.5)),
        window_(rng.U16()),
        user_agent_(kMiraiUserAgents[rng.Below(kMiraiUserAgents.size())]),
        requests_(rng.Range(5, 20)),
        v6_(bot.addr.IsV6()),
        bot_(bot),
        server_(server),
        dport_(dport) {
    queue_.push_back(conn_.Syn());
    queue_.push_back(conn_.SynAck());
    queue_.push_back(conn_.Segment(true, kAck));
    stomp_seq_ = conn_.server_seq() - 1;
    stomp_ack_ = conn_.client_seq();
  }

  bool Next(int64_t ts, bool open, Frame* frame) override {
    if (queue_.empty()) {
      if (vector_ == Vector::kTcpStomp) {
        if (!open) {
          return false;
        }
        queue_.push_back(Stomp());
      } else if (open && requests_ > 0) {
        --requests_;
        queue_.push_back(conn_.Segment(true, kPsh | kAck, Request()));
        queue_.push_back(
            conn_.Segment(false, kPsh | kAck, HttpResponse(rng_.Range(600, 1300), ts, true)));
        queue_.push_back(conn_.Segment(true, kAck));
      } else if (!closed_) {
        closed_ = true;
        queue_.push_back(conn_.Segment(true, kFin | kAck));
        queue_.push_back(conn_.Segment(false, kFin | kAck));
        queue_.push_back(conn_.Segment(true, kAck));
      } else {
        return false;
      }
    }
    *frame = std::move(queue_.front());
    queue_.pop_front();
    return true;
  }

 private:
  Bytes Request() const {
    std::string text = "GET / HTTP/1.1\r\nUser-Agent: " + std::string(user_agent_) +
                       "\r\nHost: " + options_.zone +
                       "\r\nConnection: keep-alive\r\nAccept: text/html,application/xhtml+xml,"
                       "application/xml;q=0.9,image/webp,*/*;q=0.8\r\nAccept-Language: "
                       "en-US,en;q=0.8\r\n\r\n";
    return FromText(text);
  }

  //! ACK+PSH with a data offset of 8 over 768 random bytes. Mirai builds only 20 header bytes;
  //! the 12 "option" bytes are its payload's first bytes, written here as NOP, NOP and a
  //! timestamp option of random values so that decoders see well-formed options. seq and ack
  //! pass through a 16-bit htons, so half of each is zero (which half: the bot's byte order).
  Frame Stomp() {
    TcpSpec tcp;
    tcp.src_port = conn_.client_port();
    tcp.dst_port = dport_;
    const auto half = [this](uint32_t v) {
      const auto low = static_cast<uint16_t>(v);
      return little_endian_ ? static_cast<uint32_t>(low) << 16 : static_cast<uint32_t>(low);
    };
    tcp.seq = half(stomp_seq_++);
    tcp.ack = half(stomp_ack_);
    tcp.flags = kAck | kPsh;
    tcp.window = window_;
    tcp.options = {1, 1};
    PutTimestamps(tcp.options, rng_.U32(), rng_.U32());
    const Bytes payload = rng_.RandomBytes(768 - 12);
    return Start(v6_, true)
        .Ip(Spec(bot_.addr, server_.addr, 64, rng_.U16(), true), 6)
        .Tcp(tcp)
        .Payload(payload.data(), payload.size())
        .Finish();
  }

  Vector vector_;
  const ScenarioOptions& options_;
  Rng& rng_;
  TcpConversation conn_;
  bool little_endian_;
  uint16_t window_;
  std::string_view user_agent_;
  uint64_t requests_;
  bool v6_;
  Host bot_;
  Host server_;
  uint16_t dport_;
  std::deque<Frame> queue_;
  uint32_t stomp_seq_ = 0;
  uint32_t stomp_ack_ = 0;
  bool closed_ = false;
};

class BotStream : public SessionStream, private AttackBase {
 public:
  BotStream(int64_t begin_ns, int64_t end_ns, const ScenarioOptions& options, uint64_t seed)
      : SessionStream(begin_ns, end_ns, options.attack_pps, seed, options.sources),
        AttackBase(options, false, rng_),
        vector_(*options.vector) {
    for (size_t i = 0; i < sources_.size(); ++i) {
      bots_.push_back({sources_[i], 64, false});
      hosts_.push_back(TargetHost(rng_));
      ports_.push_back(vector_ == Vector::kHttpFlood ? uint16_t{80} : rng_.Port(1, 65535));
    }
  }

 protected:
  std::unique_ptr<Session> NewSession(size_t slot, int64_t /*ts*/) override {
    Host server;
    server.addr = hosts_[slot];
    server.ttl = 64;
    return std::make_unique<BotSession>(vector_, bots_[slot], server, ports_[slot], options_, rng_);
  }

 private:
  Vector vector_;
  std::vector<Host> bots_;
  std::vector<IpAddress> hosts_;
  std::vector<uint16_t> ports_;
};

}  // namespace

std::unique_ptr<Stream> MakeAttackStream(int64_t begin_ns, int64_t end_ns,
                                         const ScenarioOptions& options, uint64_t seed) {
  if (*options.vector == Vector::kHttpFlood || *options.vector == Vector::kTcpStomp) {
    return std::make_unique<BotStream>(begin_ns, end_ns, options, seed);
  }
  return std::make_unique<FloodStream>(begin_ns, end_ns, options, seed);
}

}  // namespace rampart::scenario::internal
