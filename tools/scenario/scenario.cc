#include "scenario/scenario.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <numeric>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "capture/link_type.h"
#include "capture/pcap_writer.h"
#include "scenario/packet_builder.h"

namespace rampart::scenario {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr int64_t kNsPerS = 1000000000;
constexpr uint64_t kRouterMac = 0x02000000fe01;  // the upstream router
constexpr uint64_t kServerMac = 0x02000000fe02;  // the protected side
constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kPsh = 0x08;
constexpr uint8_t kAck = 0x10;

constexpr std::array<std::string_view, static_cast<size_t>(AmplificationService::kCount)>
    kServiceNames = {"dns",  "ntp",     "ssdp",   "memcached",    "cldap",
                     "snmp", "chargen", "bacnet", "ws_discovery", "isakmp"};
constexpr std::array<uint16_t, static_cast<size_t>(AmplificationService::kCount)> kServicePorts = {
    53, 123, 1900, 11211, 389, 161, 19, 47808, 3702, 500};

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
// Byte helpers.

void Put16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void Put32(Bytes& out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v));
}
void Set16(Bytes& out, size_t at, uint16_t v) {
  out[at] = static_cast<uint8_t>(v >> 8);
  out[at + 1] = static_cast<uint8_t>(v);
}
void Append(Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}
void Append(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}
Bytes FromText(std::string_view text) {
  return Bytes(text.begin(), text.end());
}
uint16_t Swap16(uint16_t v) {
  return static_cast<uint16_t>((v >> 8) | (v << 8));
}

std::string RandomText(Rng& rng, size_t len, std::string_view alphabet) {
  std::string out(len, ' ');
  for (char& c : out) {
    c = alphabet[rng.Below(alphabet.size())];
  }
  return out;
}
constexpr std::string_view kAlnum =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kHex = "0123456789abcdef";

std::string Uuid(Rng& rng) {
  std::string s = RandomText(rng, 32, kHex);
  return s.substr(0, 8) + "-" + s.substr(8, 4) + "-" + s.substr(12, 4) + "-" + s.substr(16, 4) +
         "-" + s.substr(20);
}

std::string HttpDate(int64_t ts_ns) {
  const std::time_t seconds = static_cast<std::time_t>(ts_ns / kNsPerS);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  const size_t n = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buffer, n);
}

// ---------------------------------------------------------------------------------------------
// Addresses.

bool IsPublicV4(uint32_t a) {
  const uint32_t o1 = a >> 24;
  const uint32_t o2 = (a >> 16) & 0xff;
  const uint32_t p24 = a >> 8;
  if (o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224) {
    return false;
  }
  if ((o1 == 100 && (o2 & 0xc0) == 64) || (o1 == 169 && o2 == 254) ||
      (o1 == 172 && (o2 & 0xf0) == 16) || (o1 == 192 && o2 == 168) ||
      (o1 == 198 && (o2 & 0xfe) == 18)) {
    return false;
  }
  // 192.0.0/24 and the documentation ranges (our own background and target addresses).
  return p24 != 0xc00000 && p24 != 0xc00002 && p24 != 0xc63364 && p24 != 0xcb0071;
}

IpAddress RandomPublicV4(Rng& rng) {
  while (true) {
    const uint32_t a = rng.U32();
    if (IsPublicV4(a)) {
      return IpAddress::V4(a);
    }
  }
}

//! Global unicast (2000::/4) outside 2001::/32 (Teredo and documentation) and 2002::/16.
IpAddress RandomPublicV6(Rng& rng) {
  std::array<uint8_t, 16> b{};
  while (true) {
    rng.Fill(b.data(), b.size());
    b[0] = static_cast<uint8_t>(0x20 | (b[0] & 0x0f));
    if (b[0] == 0x20 && (b[1] == 0x01 || b[1] == 0x02)) {
      continue;
    }
    return IpAddress::V6(b.data());
  }
}

IpAddress RandomPublic(Rng& rng, bool v6) {
  return v6 ? RandomPublicV6(rng) : RandomPublicV4(rng);
}

IpAddress ParseAddress(const char* text) {
  return *IpAddress::Parse(text);
}

uint32_t V4Value(const IpAddress& a) {
  return static_cast<uint32_t>(a.bytes[0]) << 24 | static_cast<uint32_t>(a.bytes[1]) << 16 |
         static_cast<uint32_t>(a.bytes[2]) << 8 | a.bytes[3];
}

int AddressBits(const IpAddress& a) {
  return a.IsV4() ? 32 : 128;
}

//! `base` with the bits after `len` replaced by `random` bytes' bits (or cleared).
IpAddress MixHost(const IpAddress& base, uint8_t len, const uint8_t* random) {
  IpAddress out = base;
  const int bytes = AddressBits(base) / 8;
  for (int k = 0; k < bytes; ++k) {
    const int net_bits = std::clamp(static_cast<int>(len) - 8 * k, 0, 8);
    const auto keep = static_cast<uint8_t>(net_bits == 0 ? 0 : 0xff << (8 - net_bits));
    const uint8_t host = random == nullptr ? 0 : random[k];
    out.bytes[static_cast<size_t>(k)] =
        static_cast<uint8_t>((base.bytes[static_cast<size_t>(k)] & keep) | (host & ~keep));
  }
  return out;
}

bool HostBitsAre(const IpAddress& a, uint8_t len, bool ones) {
  const IpAddress masked = MixHost(a, len, nullptr);
  if (!ones) {
    return masked == a;
  }
  std::array<uint8_t, 16> all{};
  all.fill(0xff);
  return MixHost(a, len, all.data()) == a;
}

//! A random host of the prefix: never the network address, nor an IPv4 broadcast address.
IpAddress RandomHost(const IpAddress& base, uint8_t len, Rng& rng) {
  const int bits = AddressBits(base);
  if (len >= bits) {
    return base;
  }
  std::array<uint8_t, 16> random{};
  for (int attempt = 0; attempt < 64; ++attempt) {
    rng.Fill(random.data(), random.size());
    IpAddress host = MixHost(base, len, random.data());
    if (bits - len < 2 ||
        (!HostBitsAre(host, len, false) && (base.IsV6() || !HostBitsAre(host, len, true)))) {
      return host;
    }
  }
  return base;
}

//! The prefix's first host (the background server of a carpet-bombed prefix).
IpAddress FirstHost(const IpAddress& base, uint8_t len) {
  IpAddress out = MixHost(base, len, nullptr);
  if (len < AddressBits(base)) {
    out.bytes[static_cast<size_t>(AddressBits(base) / 8 - 1)] |= 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Frames.

using Frame = std::vector<uint8_t>;

//! An Ethernet frame toward the protected side (`inbound`) or away from it.
PacketBuilder Start(bool v6, bool inbound) {
  PacketBuilder b;
  b.Ethernet(v6 ? 0x86dd : 0x0800, inbound ? kRouterMac : kServerMac,
             inbound ? kServerMac : kRouterMac);
  return b;
}

IpSpec Spec(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t id, bool df) {
  IpSpec spec;
  spec.src = src;
  spec.dst = dst;
  spec.ttl = ttl;
  spec.id = id;
  spec.dont_fragment = df;
  return spec;
}

void PutTimestamps(Bytes& o, uint32_t value, uint32_t echo) {
  o.push_back(8);
  o.push_back(10);
  Put32(o, value);
  Put32(o, echo);
}

//! A client's SYN options: Linux (MSS, SACK-permitted, timestamps, NOP, window scale 7) or
//! Windows (MSS, NOP, window scale 8, NOP, NOP, SACK-permitted).
Bytes ClientSynOptions(bool windows, uint16_t mss, uint32_t tsval) {
  Bytes o = {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss)};
  if (windows) {
    const Bytes rest = {1, 3, 3, 8, 1, 1, 4, 2};
    Append(o, rest);
    return o;
  }
  o.push_back(4);
  o.push_back(2);
  PutTimestamps(o, tsval, 0);
  const Bytes rest = {1, 3, 3, 7};
  Append(o, rest);
  return o;
}

//! A Linux server's SYN-ACK options, with timestamps when the client offered them.
Bytes ServerSynAckOptions(bool timestamps, uint16_t mss, uint32_t tsval, uint32_t tsecr) {
  Bytes o = {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss)};
  if (timestamps) {
    o.push_back(4);
    o.push_back(2);
    PutTimestamps(o, tsval, tsecr);
    const Bytes rest = {1, 3, 3, 7};
    Append(o, rest);
  } else {
    const Bytes rest = {1, 1, 4, 2, 1, 3, 3, 7};
    Append(o, rest);
  }
  return o;
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

Frame UdpFrame(bool inbound, const IpSpec& spec, uint16_t sport, uint16_t dport,
               const Bytes& payload) {
  return Start(spec.src.IsV6(), inbound)
      .Ip(spec, 17)
      .Udp(sport, dport)
      .Payload(payload.data(), payload.size())
      .Finish();
}

//! A UDP datagram, cut into IP fragments when it does not fit a 1500-byte MTU (the first
//! fragment carries the UDP header; checksums cover the whole datagram).
std::vector<Frame> UdpDatagram(bool inbound, const IpSpec& spec, uint16_t sport, uint16_t dport,
                               const Bytes& payload, uint32_t fragment_id) {
  const bool v6 = spec.src.IsV6();
  const size_t max_l4 = v6 ? 1452 : 1480;
  if (payload.size() + 8 <= max_l4) {
    return {UdpFrame(inbound, spec, sport, dport, payload)};
  }
  const Frame whole = PacketBuilder()
                          .Ip(spec, 17)
                          .Udp(sport, dport)
                          .Payload(payload.data(), payload.size())
                          .Finish();
  const size_t header = v6 ? 40 : 20;
  const size_t l4_len = whole.size() - header;
  const size_t chunk = v6 ? 1448 : 1480;
  std::vector<Frame> frames;
  for (size_t offset = 0; offset < l4_len; offset += chunk) {
    const size_t n = std::min(chunk, l4_len - offset);
    const bool more = offset + n < l4_len;
    const uint8_t* data = whole.data() + header + offset;
    if (v6) {
      Bytes fragment = {17, 0};
      Put16(fragment, static_cast<uint16_t>((offset / 8) << 3 | (more ? 1 : 0)));
      Put32(fragment, fragment_id);
      frames.push_back(Start(true, inbound)
                           .Ip(spec, 44)
                           .Payload(fragment.data(), fragment.size())
                           .Payload(data, n)
                           .Finish());
    } else {
      IpSpec part = spec;
      part.dont_fragment = false;
      part.more_fragments = more;
      part.fragment_offset = static_cast<uint16_t>(offset);
      frames.push_back(Start(false, inbound).Ip(part, 17).Payload(data, n).Finish());
    }
  }
  return frames;
}

// ---------------------------------------------------------------------------------------------
// Application payloads.

constexpr std::string_view kLorem =
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua.</p>\n";

//! An HTTP/1.1 200 response of exactly `total` bytes (headers and HTML body).
Bytes HttpResponse(size_t total, int64_t ts, bool keep_alive) {
  std::string body_length = "0";
  std::string head;
  for (int pass = 0; pass < 3; ++pass) {
    head = "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: " + HttpDate(ts) +
           "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + body_length +
           "\r\nConnection: " + (keep_alive ? "keep-alive" : "close") + "\r\n\r\n";
    body_length = std::to_string(total > head.size() ? total - head.size() : 0);
  }
  const size_t body_size = total > head.size() ? total - head.size() : 0;
  std::string body = "<!DOCTYPE html>\n<html><head><title>Example</title></head><body>\n";
  while (body.size() < body_size) {
    body += kLorem;
  }
  body.resize(body_size);
  if (body_size >= 15) {
    body.replace(body_size - 15, 15, "</body></html>\n");
  }
  Bytes out = FromText(head);
  Append(out, body);
  return out;
}

//! A TLS 1.2 application-data record of `total` bytes (random "ciphertext").
Bytes TlsRecord(size_t total, Rng& rng) {
  Bytes out = {0x17, 0x03, 0x03};
  Put16(out, static_cast<uint16_t>(total - 5));
  Append(out, rng.RandomBytes(total - 5));
  return out;
}

//! The resolver's answer to `query`: QR, RA and one A record.
Bytes DnsAnswer(const Bytes& query, uint32_t address, uint32_t ttl) {
  Bytes out = query;
  Set16(out, 2, 0x8180);
  Set16(out, 6, 1);
  const Bytes answer = {0xc0, 0x0c, 0, 1, 0, 1};
  Append(out, answer);
  Put32(out, ttl);
  Put16(out, 4);
  Put32(out, address);
  return out;
}

uint64_t NtpTime(int64_t ts_ns) {
  const auto seconds = static_cast<uint64_t>(ts_ns / kNsPerS) + 2208988800ULL;
  // Below 2^30 nanoseconds times 2^32: fits 64 bits.
  const uint64_t fraction =
      (static_cast<uint64_t>(ts_ns % kNsPerS) << 32) / static_cast<uint64_t>(kNsPerS);
  return seconds << 32 | fraction;
}

void Put64(Bytes& out, uint64_t v) {
  Put32(out, static_cast<uint32_t>(v >> 32));
  Put32(out, static_cast<uint32_t>(v));
}

//! A 48-byte NTPv4 client request (mode 3).
Bytes NtpRequest(int64_t ts) {
  Bytes out = {0x23, 0, 6, 0xe9};
  out.resize(40, 0);
  Put64(out, NtpTime(ts));
  return out;
}

//! The server's mode-4 answer.
Bytes NtpReply(int64_t request_ts, int64_t ts) {
  Bytes out = {0x24, 2, 6, 0xe9};
  Put32(out, 0x00000210);  // root delay
  Put32(out, 0x00000350);  // root dispersion
  Put32(out, 0xc0000201);  // reference id: upstream 192.0.2.1
  Put64(out, NtpTime(ts - 30 * kNsPerS));
  Put64(out, NtpTime(request_ts));
  Put64(out, NtpTime(ts - 20000));
  Put64(out, NtpTime(ts - 10000));
  return out;
}

// Minimal BER for LDAP and SNMP.
Bytes Tlv(uint8_t tag, const Bytes& content) {
  Bytes out = {tag};
  const size_t n = content.size();
  if (n < 128) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n < 256) {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(n));
  } else {
    out.push_back(0x82);
    Put16(out, static_cast<uint16_t>(n));
  }
  Append(out, content);
  return out;
}
Bytes BerInt(uint64_t v, uint8_t tag = 0x02) {
  Bytes digits;
  do {
    digits.insert(digits.begin(), static_cast<uint8_t>(v));
    v >>= 8;
  } while (v != 0);
  if ((digits.front() & 0x80) != 0) {
    digits.insert(digits.begin(), 0);
  }
  return Tlv(tag, digits);
}
Bytes BerText(std::string_view text) {
  return Tlv(0x04, FromText(text));
}
Bytes BerOid(const std::vector<uint32_t>& arcs) {
  Bytes out = {static_cast<uint8_t>(arcs[0] * 40 + arcs[1])};
  for (size_t i = 2; i < arcs.size(); ++i) {
    Bytes group;
    uint32_t v = arcs[i];
    group.insert(group.begin(), static_cast<uint8_t>(v & 0x7f));
    while ((v >>= 7) != 0) {
      group.insert(group.begin(), static_cast<uint8_t>(0x80 | (v & 0x7f)));
    }
    Append(out, group);
  }
  return Tlv(0x06, out);
}
Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) {
    Append(out, part);
  }
  return out;
}

//! Calls `build(pad)` until it returns exactly `target` bytes (or as near as BER's length
//! encodings allow).
Bytes FitTo(size_t target, const std::function<Bytes(size_t)>& build) {
  size_t pad = 0;
  Bytes out = build(pad);
  for (int i = 0; i < 8 && out.size() != target; ++i) {
    const auto next =
        static_cast<int64_t>(pad) + static_cast<int64_t>(target) - static_cast<int64_t>(out.size());
    pad = static_cast<size_t>(std::max<int64_t>(next, 0));
    out = build(pad);
  }
  return out;
}

//! An ANY answer of `total` bytes: the question, TXT records (DKIM keys, SPF) and EDNS0.
Bytes DnsAnyResponse(Rng& rng, std::string_view zone, size_t total) {
  Bytes out = DnsQuery(rng.U16(), zone, 255);
  Set16(out, 2, 0x8180);
  constexpr size_t kOpt = 11;
  size_t remaining = total - out.size() - kOpt;
  uint16_t answers = 0;
  while (remaining >= 13) {
    size_t len = std::min<size_t>(255, remaining - 13);
    const size_t rest = remaining - 13 - len;
    if (rest > 0 && rest < 13) {
      len -= 13 - rest;
    }
    std::string text = answers % 4 == 0 ? "v=spf1 include:_spf." + std::string(zone) + " ~all "
                                        : "v=DKIM1; k=rsa; p=";
    text += RandomText(rng, 255, kAlnum);
    text.resize(len);
    const Bytes head = {0xc0, 0x0c, 0, 16, 0, 1};
    Append(out, head);
    Put32(out, 3600);
    Put16(out, static_cast<uint16_t>(len + 1));
    out.push_back(static_cast<uint8_t>(len));
    Append(out, text);
    remaining -= 13 + len;
    ++answers;
  }
  Set16(out, 6, answers);
  Set16(out, 10, 1);
  const Bytes opt = {0, 0, 41, 0x10, 0x00, 0, 0, 0x80, 0, 0, 0};
  Append(out, opt);
  return out;
}

//! ntpd's mode-7 MON_GETLIST_1 (monlist) response: 6 items of 72 bytes, 440 bytes (a 468-byte
//! IPv4 packet).
Bytes NtpMonlist(Rng& rng) {
  const auto seq = static_cast<uint8_t>(rng.Below(100));
  Bytes out = {static_cast<uint8_t>(seq == 99 ? 0x97 : 0xd7), seq, 3, 42};
  Put16(out, 6);
  Put16(out, 72);
  for (int i = 0; i < 6; ++i) {
    Put32(out, static_cast<uint32_t>(rng.Range(1, 5000)));    // avg_int
    Put32(out, static_cast<uint32_t>(rng.Range(0, 86400)));   // last_int
    Put32(out, 0);                                            // restr
    Put32(out, static_cast<uint32_t>(rng.Range(1, 100000)));  // count
    Put32(out, V4Value(RandomPublicV4(rng)));
    Put32(out, 0xc0a80102);  // daddr
    Put32(out, 0);           // flags
    Put16(out, static_cast<uint16_t>(rng.Range(1024, 65535)));
    out.push_back(static_cast<uint8_t>(rng.Chance(0.7) ? 7 : 3));  // mode
    out.push_back(2);                                              // version
    Put32(out, 0);                                                 // v6 flag
    Put32(out, 0);                                                 // unused
    out.resize(out.size() + 32, 0);                                // addr6, daddr6
  }
  return out;
}

Bytes SsdpResponse(Rng& rng) {
  const std::string uuid = Uuid(rng);
  const std::string head =
      "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\nUSN: uuid:" + uuid +
      "::upnp:rootdevice\r\nEXT:\r\nSERVER: Linux/2.6.36 UPnP/1.0 miniupnpd/1.9\r\nLOCATION: "
      "http://192.168.1.1:" +
      std::to_string(rng.Range(1024, 65000)) + "/rootDesc.xml\r\n";
  const std::string tail = "\r\nBOOTID.UPNP.ORG: 1\r\nCONFIGID.UPNP.ORG: 1337\r\n\r\n";
  const std::string nls = "01-NLS: ";
  const size_t used = head.size() + nls.size() + tail.size();
  const size_t pad = used < 300 ? 300 - used : 0;
  return FromText(head + nls + RandomText(rng, pad, kHex) + tail);
}

//! A memcached "stats" reply of 1400 bytes (8-byte UDP frame header included).
Bytes MemcachedStats(Rng& rng) {
  Bytes out;
  // Request id (kept below 0x8000: tshark takes a leading 0x80/0x81 for the binary protocol).
  Put16(out, static_cast<uint16_t>(rng.U16() & 0x7fff));
  Put16(out, 0);  // sequence
  Put16(out, 1);  // datagrams
  Put16(out, 0);
  const std::vector<std::pair<std::string, std::string>> stats = {
      {"pid", std::to_string(rng.Range(300, 30000))},
      {"uptime", std::to_string(rng.Range(1000, 9000000))},
      {"time", "1477040400"},
      {"version", "1.4.25"},
      {"libevent", "2.0.21-stable"},
      {"pointer_size", "64"},
      {"rusage_user", "1216.341000"},
      {"rusage_system", "2741.812000"},
      {"curr_connections", "10"},
      {"total_connections", std::to_string(rng.Range(100, 90000))},
      {"connection_structures", "12"},
      {"reserved_fds", "20"},
      {"cmd_get", std::to_string(rng.Range(1000, 90000000))},
      {"cmd_set", std::to_string(rng.Range(1000, 9000000))},
      {"cmd_flush", "0"},
      {"cmd_touch", "0"},
      {"get_hits", std::to_string(rng.Range(1000, 90000000))},
      {"get_misses", std::to_string(rng.Range(1000, 9000000))},
      {"delete_misses", "0"},
      {"delete_hits", "0"},
      {"incr_misses", "0"},
      {"incr_hits", "0"},
      {"decr_misses", "0"},
      {"decr_hits", "0"},
      {"cas_misses", "0"},
      {"cas_hits", "0"},
      {"cas_badval", "0"},
      {"touch_hits", "0"},
      {"touch_misses", "0"},
      {"auth_cmds", "0"},
      {"auth_errors", "0"},
      {"bytes_read", std::to_string(rng.Range(1000000, 9000000000))},
      {"bytes_written", std::to_string(rng.Range(1000000, 9000000000))},
      {"limit_maxbytes", "67108864"},
      {"accepting_conns", "1"},
      {"listen_disabled_num", "0"},
      {"threads", "4"},
      {"conn_yields", "0"},
      {"hash_power_level", "16"},
      {"hash_bytes", "524288"},
      {"hash_is_expanding", "0"},
      {"malloc_fails", "0"},
      {"bytes", std::to_string(rng.Range(100000, 60000000))},
      {"curr_items", std::to_string(rng.Range(100, 900000))},
      {"total_items", std::to_string(rng.Range(1000, 9000000))},
      {"expired_unfetched", "0"},
      {"evicted_unfetched", "0"},
      {"evictions", "0"},
      {"reclaimed", "0"},
      {"crawler_reclaimed", "0"},
      {"crawler_items_checked", "0"},
      {"lrutail_reflocked", "0"},
  };
  constexpr size_t kTotal = 1400;
  const std::string end = "END\r\n";
  for (size_t i = 0; true; ++i) {
    std::string line;
    if (i < stats.size()) {
      line = "STAT " + stats[i].first + " " + stats[i].second + "\r\n";
    } else {
      line = "STAT items:" + std::to_string(i - stats.size() + 1) + ":number " +
             std::to_string(rng.Range(1, 99999)) + "\r\n";
    }
    const size_t left = kTotal - out.size() - end.size();
    // Stop while the last line can still absorb what is left (as a longer number).
    const std::string last_head = "STAT malloc_fails_total ";
    if (left < line.size() + last_head.size() + 3) {
      const size_t digits = left - last_head.size() - 2;
      std::string value = "1" + std::string(digits > 1 ? digits - 1 : 0, '0');
      Append(out, last_head + value + "\r\n");
      break;
    }
    Append(out, line);
  }
  Append(out, end);
  return out;
}

//! A connectionless LDAP rootDSE answer of an Active Directory domain controller: a
//! searchResEntry and a searchResDone, about 3000 bytes.
Bytes CldapRootDse(Rng& rng) {
  const std::string dc = "DC=corp,DC=example,DC=com";
  const std::string config = "CN=Configuration," + dc;
  const std::string server = "CN=DC" + std::to_string(rng.Range(1, 9)) +
                             ",CN=Servers,CN=Default-First-Site-Name,CN=Sites," + config;
  const auto attr = [](std::string_view type, const std::vector<std::string>& values) {
    Bytes set;
    for (const std::string& v : values) {
      Append(set, BerText(v));
    }
    return Tlv(0x30, Cat({BerText(type), Tlv(0x31, set)}));
  };
  std::vector<std::string> controls;
  for (uint32_t arc : {319u,  801u,  473u,  528u,  417u,  619u,  841u,  529u,  805u,  521u,
                       970u,  1338u, 474u,  1339u, 1340u, 1413u, 2064u, 2065u, 2066u, 2090u,
                       2205u, 2204u, 2206u, 2211u, 2239u, 2255u, 2256u, 2309u, 2330u, 2354u,
                       1504u, 1852u, 802u,  1907u, 1948u, 1974u, 1341u, 2026u, 2341u, 2197u}) {
    controls.push_back("1.2.840.113556.1.4." + std::to_string(arc));
  }
  controls.push_back("2.16.840.1.113730.3.4.9");
  controls.push_back("2.16.840.1.113730.3.4.10");
  controls.push_back("2.16.840.1.113730.3.4.18");
  const std::vector<std::string> policies = {"MaxPoolThreads",
                                             "MaxPercentDirSyncRequests",
                                             "MaxDatagramRecv",
                                             "MaxReceiveBuffer",
                                             "InitRecvTimeout",
                                             "MaxConnections",
                                             "MaxConnIdleTime",
                                             "MaxPageSize",
                                             "MaxBatchReturnMessages",
                                             "MaxQueryDuration",
                                             "MaxDirSyncDuration",
                                             "MaxTempTableSize",
                                             "MaxResultSetSize",
                                             "MinResultSets",
                                             "MaxResultSetsPerConn",
                                             "MaxNotificationPerConn",
                                             "MaxValRange",
                                             "MaxValRangeTransitive",
                                             "ThreadMemoryLimit",
                                             "SystemMemoryLimitPercent"};
  Bytes attrs = Cat({
      attr("currentTime", {"20161021090000.0Z"}),
      attr("subschemaSubentry", {"CN=Aggregate,CN=Schema," + config}),
      attr("dsServiceName", {"CN=NTDS Settings," + server}),
      attr("namingContexts", {dc, config, "CN=Schema," + config, "DC=DomainDnsZones," + dc,
                              "DC=ForestDnsZones," + dc}),
      attr("defaultNamingContext", {dc}),
      attr("schemaNamingContext", {"CN=Schema," + config}),
      attr("configurationNamingContext", {config}),
      attr("rootDomainNamingContext", {dc}),
      attr("supportedControl", controls),
      attr("supportedLDAPVersion", {"3", "2"}),
      attr("supportedLDAPPolicies", policies),
      attr("highestCommittedUSN", {std::to_string(rng.Range(10000, 9999999))}),
      attr("supportedSASLMechanisms", {"GSSAPI", "GSS-SPNEGO", "EXTERNAL", "DIGEST-MD5"}),
      attr("dnsHostName", {"dc1.corp.example.com"}),
      attr("ldapServiceName", {"corp.example.com:dc1$@CORP.EXAMPLE.COM"}),
      attr("serverName", {server}),
      attr("supportedCapabilities",
           {"1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1670", "1.2.840.113556.1.4.1791",
            "1.2.840.113556.1.4.1935", "1.2.840.113556.1.4.2080", "1.2.840.113556.1.4.2237"}),
      attr("isSynchronized", {"TRUE"}),
      attr("isGlobalCatalogReady", {"TRUE"}),
      attr("domainFunctionality", {"7"}),
      attr("forestFunctionality", {"7"}),
      attr("domainControllerFunctionality", {"7"}),
  });
  const uint64_t id = rng.Range(1, 0x7fff);
  const Bytes entry = Tlv(0x30, Cat({BerInt(id), Tlv(0x64, Cat({BerText(""), Tlv(0x30, attrs)}))}));
  const Bytes done =
      Tlv(0x30, Cat({BerInt(id), Tlv(0x65, Cat({Tlv(0x0a, {0}), BerText(""), BerText("")}))}));
  return Cat({entry, done});
}

//! An SNMPv2c GetResponse to a GetBulk walk of the interface table, exactly 1400 bytes.
Bytes SnmpBulkResponse(Rng& rng) {
  const uint64_t request_id = rng.Range(1, 0x7fffffff);
  Bytes rows;
  uint32_t index = 1;
  while (rows.size() < 1250) {
    const auto column = [&](uint32_t col, const Bytes& value) {
      Append(rows, Tlv(0x30, Cat({BerOid({1, 3, 6, 1, 2, 1, 2, 2, 1, col, index}), value})));
    };
    column(2, BerText("GigabitEthernet0/" + std::to_string(index)));
    column(3, BerInt(6));
    column(4, BerInt(1500));
    column(5, BerInt(1000000000, 0x42));
    column(6, Tlv(0x04, rng.RandomBytes(6)));
    column(7, BerInt(1));
    column(8, BerInt(rng.Chance(0.8) ? 1 : 2));
    column(10, BerInt(rng.U32(), 0x41));
    column(16, BerInt(rng.U32(), 0x41));
    ++index;
  }
  return FitTo(1400, [&](size_t pad) {
    Bytes varbinds = rows;
    Append(varbinds, Tlv(0x30, Cat({BerOid({1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18, index}),
                                    BerText("uplink " + std::string(pad, '-'))})));
    return Tlv(
        0x30,
        Cat({BerInt(1), BerText("public"),
             Tlv(0xa2, Cat({BerInt(request_id), BerInt(0), BerInt(0), Tlv(0x30, varbinds)}))}));
  });
}

//! 1000 bytes of the RFC 864 rotating character pattern.
Bytes ChargenData(Rng& rng) {
  Bytes out;
  size_t line = rng.Below(95);
  while (out.size() < 1000) {
    for (size_t i = 0; i < 72; ++i) {
      out.push_back(static_cast<uint8_t>(' ' + (line + i) % 95));
    }
    out.push_back('\r');
    out.push_back('\n');
    ++line;
  }
  out.resize(1000);
  return out;
}

//! A BACnet/IP ReadProperty ACK of a device's object-list.
Bytes BacnetObjectList(Rng& rng) {
  Bytes apdu = {0x30, rng.U8(), 0x0c, 0x0c};
  const auto device = static_cast<uint32_t>(8u << 22 | rng.Below(4194303));
  Put32(apdu, device);
  const Bytes property = {0x19, 76, 0x3e};  // object-list, opening tag 3
  Append(apdu, property);
  const uint64_t objects = rng.Range(60, 120);
  constexpr std::array<uint32_t, 8> kTypes = {0, 1, 2, 3, 4, 5, 13, 19};
  for (uint64_t i = 0; i < objects; ++i) {
    apdu.push_back(0xc4);
    const uint32_t type = i == 0 ? 8 : kTypes[rng.Below(kTypes.size())];
    Put32(apdu, i == 0 ? device : (type << 22 | static_cast<uint32_t>(i)));
  }
  apdu.push_back(0x3f);
  Bytes out = {0x81, 0x0a};
  Put16(out, static_cast<uint16_t>(apdu.size() + 6));
  out.push_back(0x01);  // NPDU version
  out.push_back(0x00);
  Append(out, apdu);
  return out;
}

//! An ONVIF camera's WS-Discovery ProbeMatches.
Bytes WsDiscoveryProbeMatches(Rng& rng) {
  const std::string text =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://www.w3.org/2003/05/soap-envelope\" "
      "xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
      "xmlns:wsd=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "
      "xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\" "
      "xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\">"
      "<SOAP-ENV:Header><wsa:MessageID>uuid:" +
      Uuid(rng) + "</wsa:MessageID><wsa:RelatesTo>uuid:" + Uuid(rng) +
      "</wsa:RelatesTo><wsa:To SOAP-ENV:mustUnderstand=\"true\">"
      "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>"
      "<wsa:Action SOAP-ENV:mustUnderstand=\"true\">"
      "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>"
      "</SOAP-ENV:Header><SOAP-ENV:Body><wsd:ProbeMatches><wsd:ProbeMatch>"
      "<wsa:EndpointReference><wsa:Address>urn:uuid:" +
      Uuid(rng) +
      "</wsa:Address></wsa:EndpointReference>"
      "<wsd:Types>dn:NetworkVideoTransmitter tds:Device</wsd:Types>"
      "<wsd:Scopes>onvif://www.onvif.org/type/video_encoder "
      "onvif://www.onvif.org/type/audio_encoder onvif://www.onvif.org/hardware/IPC-HDW" +
      std::to_string(rng.Range(1000, 9999)) +
      " onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/NVT "
      "onvif://www.onvif.org/Profile/Streaming</wsd:Scopes>"
      "<wsd:XAddrs>http://192.168.1.108/onvif/device_service</wsd:XAddrs>"
      "<wsd:MetadataVersion>1</wsd:MetadataVersion></wsd:ProbeMatch></wsd:ProbeMatches>"
      "</SOAP-ENV:Body></SOAP-ENV:Envelope>";
  return FromText(text);
}

//! An IKEv1 main-mode responder packet: SA (AES-256, SHA-256, group 14, PSK) and vendor IDs.
Bytes IsakmpResponse(Rng& rng) {
  Bytes attrs = {0x80, 0x01, 0x00, 0x07, 0x80, 0x0e, 0x01, 0x00, 0x80, 0x02, 0x00,
                 0x04, 0x80, 0x04, 0x00, 0x0e, 0x80, 0x03, 0x00, 0x01, 0x80, 0x0b,
                 0x00, 0x01, 0x00, 0x0c, 0x00, 0x04, 0x00, 0x00, 0x70, 0x80};
  Bytes transform = {0, 0};
  Put16(transform, static_cast<uint16_t>(8 + attrs.size()));
  const Bytes transform_head = {1, 1, 0, 0};
  Append(transform, transform_head);
  Append(transform, attrs);
  Bytes proposal = {0, 0};
  Put16(proposal, static_cast<uint16_t>(8 + transform.size()));
  const Bytes proposal_head = {1, 1, 0, 1};
  Append(proposal, proposal_head);
  Append(proposal, transform);
  const std::vector<std::string> vendor_ids = {
      "4a131c81070358455c5728f20e95452f",  // RFC 3947 NAT-T
      "90cb80913ebb696e086381b5ec427b1f",  // draft-ietf-ipsec-nat-t-ike-02
      "afcad71368a1f1c96b8696fc77570100",  // Dead Peer Detection
      "09002689dfd6b712",                  // XAUTH
      "12f5f28c457168a9702d9fe274cc0100",  // Cisco Unity
  };
  Bytes body = {13, 0};
  Put16(body, static_cast<uint16_t>(12 + proposal.size()));
  Put32(body, 1);  // DOI IPsec
  Put32(body, 1);  // situation identity only
  Append(body, proposal);
  for (size_t i = 0; i < vendor_ids.size(); ++i) {
    Bytes id;
    for (size_t c = 0; c + 1 < vendor_ids[i].size(); c += 2) {
      id.push_back(static_cast<uint8_t>(std::stoi(vendor_ids[i].substr(c, 2), nullptr, 16)));
    }
    body.push_back(i + 1 < vendor_ids.size() ? 13 : 0);
    body.push_back(0);
    Put16(body, static_cast<uint16_t>(4 + id.size()));
    Append(body, id);
  }
  Bytes out = rng.RandomBytes(16);  // initiator and responder cookies
  const Bytes head = {1, 0x10, 2, 0};
  Append(out, head);
  Put32(out, 0);
  Put32(out, static_cast<uint32_t>(28 + body.size()));
  Append(out, body);
  return out;
}

Bytes AmplificationPayload(AmplificationService service, Rng& rng, std::string_view zone) {
  switch (service) {
    case AmplificationService::kDns:
      return DnsAnyResponse(rng, zone, rng.Range(3000, 4000));
    case AmplificationService::kNtp:
      return NtpMonlist(rng);
    case AmplificationService::kSsdp:
      return SsdpResponse(rng);
    case AmplificationService::kMemcached:
      return MemcachedStats(rng);
    case AmplificationService::kCldap:
      return CldapRootDse(rng);
    case AmplificationService::kSnmp:
      return SnmpBulkResponse(rng);
    case AmplificationService::kChargen:
      return ChargenData(rng);
    case AmplificationService::kBacnet:
      return BacnetObjectList(rng);
    case AmplificationService::kWsDiscovery:
      return WsDiscoveryProbeMatches(rng);
    case AmplificationService::kIsakmp:
    case AmplificationService::kCount:
      break;
  }
  return IsakmpResponse(rng);
}

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

Host MakeClient(const IpAddress& addr, Rng& rng) {
  Host h;
  h.addr = addr;
  h.windows = rng.Chance(0.45);
  h.ttl = static_cast<uint8_t>(h.windows ? rng.Range(110, 128) : rng.Range(48, 64));
  return h;
}

//! Background clients: 203.0.113.1-254 (then random public addresses) or random interface IDs
//! in 2001:db8:c::/64.
std::vector<Host> MakeClients(size_t count, bool v6, Rng& rng) {
  std::vector<Host> clients;
  std::set<IpAddress> seen;
  const IpAddress v6_base = ParseAddress("2001:db8:c::");
  for (size_t i = 0; clients.size() < count; ++i) {
    IpAddress addr;
    if (v6) {
      std::array<uint8_t, 16> random{};
      rng.Fill(random.data(), random.size());
      addr = MixHost(v6_base, 64, random.data());
    } else if (i < 254) {
      addr = IpAddress::V4(0xcb007100u + static_cast<uint32_t>(i + 1));
    } else {
      addr = RandomPublicV4(rng);
    }
    if (seen.insert(addr).second) {
      clients.push_back(MakeClient(addr, rng));
    }
  }
  return clients;
}

//! Web sessions: handshake, one request (HTTP GET on 80, a TLS record on 443), a 1000-1400
//! byte answer, and the FIN/ACK exchange.
class WebStream : public SessionStream {
 public:
  WebStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed, const Scene& scene,
            std::vector<Host> clients)
      : SessionStream(begin_ns, end_ns, pps, seed,
                      static_cast<size_t>(std::max(1.0, std::round(pps / 50)))),
        scene_(scene),
        clients_(std::move(clients)),
        picker_(clients_.size()) {}

 protected:
  std::unique_ptr<Session> NewSession(size_t /*slot*/, int64_t ts) override {
    const Host& client = clients_[picker_.Next(rng_)];
    const bool https = rng_.Chance(0.6);
    const uint16_t port = client.windows ? rng_.Port(49152, 65535) : rng_.Port(32768, 60999);
    TcpConversation conn(client, port, scene_.server, https ? 443 : 80, rng_);
    const size_t answer = rng_.Range(1000, 1400);
    const Bytes request =
        https ? TlsRecord(200, rng_) : FromText("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
    const Bytes response = https ? TlsRecord(answer, rng_) : HttpResponse(answer, ts, false);
    std::vector<Frame> frames;
    frames.push_back(conn.Syn());
    frames.push_back(conn.SynAck());
    frames.push_back(conn.Segment(true, kAck));
    frames.push_back(conn.Segment(true, kPsh | kAck, request));
    frames.push_back(conn.Segment(false, kPsh | kAck, response));
    frames.push_back(conn.Segment(true, kAck));
    frames.push_back(conn.Segment(true, kFin | kAck));
    frames.push_back(conn.Segment(false, kFin | kAck));
    frames.push_back(conn.Segment(true, kAck));
    return std::make_unique<ScriptedSession>(std::move(frames));
  }

 private:
  Scene scene_;
  std::vector<Host> clients_;
  Shuffler picker_;
};

//! The target's DNS lookups through its resolver, answered with one A record.
class DnsStream : public SessionStream {
 public:
  DnsStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed, const Scene& scene)
      : SessionStream(begin_ns, end_ns, pps, seed,
                      static_cast<size_t>(std::max(1.0, std::round(pps / 100)))),
        scene_(scene) {}

 protected:
  std::unique_ptr<Session> NewSession(size_t /*slot*/, int64_t /*ts*/) override {
    static const std::vector<std::string> kNames = {
        "www.example.com",     "api.example.net",    "cdn.example.org",   "mail.example.com",
        "updates.example.net", "time.example.org",   "login.example.com", "static.example.net",
        "www.example.org",     "images.example.com", "db1.example.net",   "ocsp.example.org"};
    const Bytes query = DnsQuery(rng_.U16(), rng_.Pick(kNames), 1);
    const uint16_t port = rng_.Port(32768, 60999);
    const Bytes answer = DnsAnswer(query, V4Value(RandomPublicV4(rng_)),
                                   static_cast<uint32_t>(rng_.Range(30, 3600)));
    std::vector<Frame> frames;
    frames.push_back(UdpFrame(
        false, Spec(scene_.server.addr, scene_.resolver, 64, rng_.U16(), false), port, 53, query));
    frames.push_back(UdpFrame(
        true, Spec(scene_.resolver, scene_.server.addr, 61, rng_.U16(), false), 53, port, answer));
    return std::make_unique<ScriptedSession>(std::move(frames));
  }

 private:
  Scene scene_;
};

//! The target's NTP client polling its server.
class NtpStream : public SessionStream {
 public:
  NtpStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed, const Scene& scene)
      : SessionStream(begin_ns, end_ns, pps, seed,
                      static_cast<size_t>(std::max(1.0, std::round(pps / 100)))),
        scene_(scene) {}

 protected:
  std::unique_ptr<Session> NewSession(size_t /*slot*/, int64_t ts) override {
    const uint16_t port = rng_.Port(32768, 60999);
    std::vector<Frame> frames;
    frames.push_back(UdpFrame(false,
                              Spec(scene_.server.addr, scene_.ntp_server, 64, rng_.U16(), true),
                              port, 123, NtpRequest(ts)));
    frames.push_back(UdpFrame(true,
                              Spec(scene_.ntp_server, scene_.server.addr, 57, rng_.U16(), true),
                              123, port, NtpReply(ts, ts + 4 * kNsPerS / 1000)));
    return std::make_unique<ScriptedSession>(std::move(frames));
  }

 private:
  Scene scene_;
};

// ---------------------------------------------------------------------------------------------
// Attacks.

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
        TcpSpec tcp;
        tcp.src_port = rng_.U16();
        tcp.dst_port = rng_.U16();
        tcp.seq = rng_.U32();
        tcp.flags = kSyn;
        tcp.window = 0;
        tcp.options = {2, 4, static_cast<uint8_t>(mss_ >> 8), static_cast<uint8_t>(mss_), 4, 2};
        PutTimestamps(tcp.options, tsval_, 0);
        const Bytes rest = {1, 3, 3, 6};
        Append(tcp.options, rest);
        Push(Start(v6_, true).Ip(Spec(src, dst, 64, rng_.U16(), true), 6).Tcp(tcp).Finish());
        return;
      }
      case Vector::kAckFlood: {
        TcpSpec tcp;
        tcp.src_port = rng_.U16();
        tcp.dst_port = rng_.U16();
        tcp.seq = rng_.U32();
        tcp.ack = rng_.U32();
        tcp.flags = kAck;
        tcp.window = window_;
        const Bytes payload = rng_.RandomBytes(512);
        Push(Start(v6_, true)
                 .Ip(Spec(src, dst, 64, rng_.U16(), false), 6)
                 .Tcp(tcp)
                 .Payload(payload.data(), payload.size())
                 .Finish());
        return;
      }
      case Vector::kRstFlood: {
        TcpSpec tcp;
        tcp.src_port = rng_.U16();
        tcp.dst_port = rng_.U16();
        tcp.seq = rng_.U32();
        tcp.flags = kRst;
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

// ---------------------------------------------------------------------------------------------

int64_t ToNs(double seconds) {
  return std::llround(seconds * static_cast<double>(kNsPerS));
}

}  // namespace

std::string_view AmplificationServiceName(AmplificationService service) {
  const auto i = static_cast<size_t>(service);
  return i < kServiceNames.size() ? kServiceNames[i] : "unknown";
}

std::optional<AmplificationService> AmplificationServiceFromName(std::string_view name) {
  for (size_t i = 0; i < kServiceNames.size(); ++i) {
    if (kServiceNames[i] == name) {
      return static_cast<AmplificationService>(i);
    }
  }
  return std::nullopt;
}

uint16_t AmplificationServicePort(AmplificationService service) {
  const auto i = static_cast<size_t>(service);
  return i < kServicePorts.size() ? kServicePorts[i] : 0;
}

bool ValidateScenario(const ScenarioOptions& options, std::string* error) {
  const auto fail = [error](std::string message) {
    *error = std::move(message);
    return false;
  };
  if (options.out.empty()) {
    return fail("no output file");
  }
  if (!options.target.IsSet()) {
    return fail("no target address");
  }
  if (options.target_prefix_len > AddressBits(options.target)) {
    return fail("target prefix length out of range");
  }
  if (!std::isfinite(options.duration_s) || options.duration_s < 0 ||
      options.duration_s > 86400 * 7) {
    return fail("duration must be between 0 and 604800 seconds");
  }
  // Classic pcap keeps 32-bit seconds; leave room for the longest attack.
  if (options.start_s < 0 || options.start_s > int64_t{0xffffffff} - 2 * 86400 * 7 - 60) {
    return fail("start must be a Unix time between 1970 and 2105");
  }
  if (!std::isfinite(options.background_pps) || options.background_pps < 0 ||
      options.background_pps > 1e8) {
    return fail("background rate must be between 0 and 1e8 packets/s");
  }
  if (options.background_pps > 0 && options.clients == 0) {
    return fail("background traffic needs at least one client");
  }
  if (!std::isfinite(options.flash_crowd_factor) || options.flash_crowd_factor < 1 ||
      options.flash_crowd_factor > 1000) {
    return fail("flash crowd factor must be between 1 and 1000");
  }
  if (static_cast<double>(options.clients) * options.flash_crowd_factor > 1e7) {
    return fail("clients * flash crowd factor must stay under 10 million");
  }
  if (options.vector) {
    if (static_cast<size_t>(*options.vector) >= kVectorCount) {
      return fail("unknown vector");
    }
    if (!std::isfinite(options.attack_pps) || options.attack_pps <= 0 || options.attack_pps > 1e9) {
      return fail("attack rate must be above 0 and at most 1e9 packets/s");
    }
    if (!std::isfinite(options.attack_start_s) || options.attack_start_s < 0 ||
        !std::isfinite(options.attack_duration_s) || options.attack_duration_s < 0 ||
        options.attack_start_s + options.attack_duration_s > 86400 * 7) {
      return fail("attack start and duration must be between 0 and 604800 seconds");
    }
    const bool bots = *options.vector == Vector::kHttpFlood || *options.vector == Vector::kTcpStomp;
    if ((!options.spoofed || bots) && (options.sources == 0 || options.sources > 2000000)) {
      return fail("sources must be between 1 and 2 million (--spoofed for more)");
    }
    if (static_cast<size_t>(options.service) >= kServiceNames.size()) {
      return fail("unknown amplification service");
    }
  }
  if (options.zone.empty() || options.zone.size() > 240) {
    return fail("zone must be a domain name of at most 240 characters");
  }
  size_t label = 0;
  for (char c : options.zone) {
    label = c == '.' ? 0 : label + 1;
    if (label > 63) {
      return fail("zone has a label over 63 characters");
    }
  }
  if (options.zone.front() == '.' || options.zone.back() == '.' ||
      options.zone.find("..") != std::string::npos) {
    return fail("zone has an empty label");
  }
  return true;
}

bool WriteScenario(const ScenarioOptions& options, std::string* error) {
  if (!ValidateScenario(options, error)) {
    return false;
  }
  // One seed per stream, drawn in a fixed order, so that each part of the scenario is the same
  // whatever the other options.
  Rng master(options.seed);
  const uint64_t clients_seed = master.Next();
  const uint64_t web_seed = master.Next();
  const uint64_t dns_seed = master.Next();
  const uint64_t ntp_seed = master.Next();
  const uint64_t flash_seed = master.Next();
  const uint64_t attack_seed = master.Next();

  const bool v6 = options.target.IsV6();
  Scene scene;
  scene.server.addr = FirstHost(options.target, options.target_prefix_len);
  if (options.target_prefix_len >= AddressBits(options.target)) {
    scene.server.addr = options.target;
  }
  scene.server.ttl = 64;
  scene.resolver = ParseAddress(v6 ? "2001:db8:53::53" : "192.0.2.53");
  scene.ntp_server = ParseAddress(v6 ? "2001:db8:123::123" : "192.0.2.123");

  const int64_t begin = options.start_s * kNsPerS;
  const int64_t end = begin + ToNs(options.duration_s);
  std::vector<std::unique_ptr<Stream>> streams;
  if (options.background_pps > 0) {
    const double web_pps = options.background_pps * 0.7;
    const double factor = options.flash_crowd_factor;
    Rng client_rng(clients_seed);
    const auto total_clients =
        static_cast<size_t>(std::llround(static_cast<double>(options.clients) * factor));
    std::vector<Host> clients =
        MakeClients(std::max<size_t>(total_clients, options.clients), v6, client_rng);
    std::vector<Host> regular(clients.begin(), clients.begin() + options.clients);
    streams.push_back(std::make_unique<WebStream>(begin, end, web_pps, web_seed, scene, regular));
    streams.push_back(
        std::make_unique<DnsStream>(begin, end, options.background_pps * 0.2, dns_seed, scene));
    streams.push_back(
        std::make_unique<NtpStream>(begin, end, options.background_pps * 0.1, ntp_seed, scene));
    if (factor > 1 && clients.size() > options.clients) {
      const int64_t third = (end - begin) / 3;
      std::vector<Host> crowd(clients.begin() + options.clients, clients.end());
      streams.push_back(std::make_unique<WebStream>(begin + third, begin + 2 * third,
                                                    web_pps * (factor - 1), flash_seed, scene,
                                                    std::move(crowd)));
    }
  }
  if (options.vector) {
    const int64_t attack_begin = begin + ToNs(options.attack_start_s);
    const int64_t attack_end = attack_begin + ToNs(options.attack_duration_s);
    if (*options.vector == Vector::kHttpFlood || *options.vector == Vector::kTcpStomp) {
      streams.push_back(
          std::make_unique<BotStream>(attack_begin, attack_end, options, attack_seed));
    } else {
      streams.push_back(
          std::make_unique<FloodStream>(attack_begin, attack_end, options, attack_seed));
    }
  }

  PcapWriter writer;
  if (!writer.Open(options.out, static_cast<uint16_t>(LinkType::kEthernet), 65535, error)) {
    return false;
  }
  struct Head {
    int64_t ts;
    size_t stream;
    bool operator>(const Head& other) const {
      return ts != other.ts ? ts > other.ts : stream > other.stream;
    }
  };
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  std::vector<Frame> frames(streams.size());
  for (size_t i = 0; i < streams.size(); ++i) {
    int64_t ts = 0;
    if (streams[i]->Next(&ts, &frames[i])) {
      heads.push({ts, i});
    }
  }
  while (!heads.empty()) {
    const Head head = heads.top();
    heads.pop();
    const Frame& frame = frames[head.stream];
    if (!writer.Write(head.ts, frame.data(), static_cast<uint32_t>(frame.size()))) {
      *error = options.out + ": write failed";
      return false;
    }
    int64_t ts = 0;
    if (streams[head.stream]->Next(&ts, &frames[head.stream])) {
      heads.push({ts, head.stream});
    }
  }
  if (!writer.Close()) {
    *error = options.out + ": write failed";
    return false;
  }
  return true;
}

}  // namespace rampart::scenario
