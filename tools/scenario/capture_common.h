#pragma once
// What the three capture generators share (`rampart-gen scenario`, `iot` and `dns`): time units,
// a seeded random source, byte and address helpers, Ethernet/IP/UDP frames and TCP options,
// small application payloads (DNS A answers and TXT filler, NTP, TLS records, HTML pages), the
// frame log and the file that write a capture, and enumeration name tables. Not a public API.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capture/pcap_writer.h"
#include "core/ip_address.h"
#include "scenario/packet_builder.h"

namespace rampart::scenario {

using Bytes = std::vector<uint8_t>;
using Frame = std::vector<uint8_t>;

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
//! Seconds as nanoseconds, rounded to the nearest.
inline int64_t ToNs(double seconds) {
  return std::llround(seconds * static_cast<double>(kNsPerS));
}
//! The time of event `i` of a series spread evenly at `rate` per second from `begin`.
inline int64_t Tick(int64_t begin, double rate, uint64_t i) {
  return begin + std::llround(static_cast<double>(i) * static_cast<double>(kNsPerS) / rate);
}

template <typename T>
bool Contains(const std::vector<T>& items, const T& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

//! Sets `error` to `message` and returns false: `return Fail(error, "...")` in option checks.
bool Fail(std::string* error, std::string message);

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
  //! Nanoseconds uniform in [lo_ms, hi_ms].
  int64_t Millis(double lo_ms, double hi_ms) { return Ms(lo_ms + (hi_ms - lo_ms) * Unit()); }
  //! `len` random bytes, eight from each draw (low byte first).
  void Fill(uint8_t* out, size_t len);
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

//! Fisher-Yates from the back: the element at i - 1 swaps with one drawn below i.
template <typename Container>
void Shuffle(Container& items, Rng& rng) {
  for (size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[rng.Below(i)]);
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes and text.

void Put16(Bytes& out, uint16_t v);
void Put32(Bytes& out, uint32_t v);
void Put64(Bytes& out, uint64_t v);
void Set16(Bytes& out, size_t at, uint16_t v);
void Append(Bytes& out, std::string_view text);
void Append(Bytes& out, const Bytes& more);
Bytes FromText(std::string_view text);
//! The labels of the DNS name `name` (each a length byte and its text), without the root label.
void PutLabels(Bytes& out, std::string_view name);
//! `len` characters drawn from `alphabet`.
std::string RandomText(Rng& rng, size_t len, std::string_view alphabet);

// ---------------------------------------------------------------------------------------------
// Addresses.

inline IpAddress Addr(uint32_t v) {
  return IpAddress::V4(v);
}
IpAddress ParseAddress(const char* text);
uint32_t V4Value(const IpAddress& a);
//! False for private, shared, loopback, link-local, benchmarking, multicast and reserved IPv4
//! space, and for 192.0.0.0/24 and the documentation ranges (the captures' own addresses).
bool IsPublicV4(uint32_t a);

//! A Linux ephemeral port (32768-60999), skipping the few that tshark decodes as a server's
//! (it tries the lower port of a connection first, then the higher).
uint16_t EphemeralPort(Rng& rng);
//! The port a client's next connection gets: 1-4 above `port`, wrapping within the range.
uint16_t NextPort(uint16_t port, Rng& rng);

// ---------------------------------------------------------------------------------------------
// Frames.

//! The source and destination MAC addresses of an Ethernet frame.
struct Macs {
  uint64_t src = 0;
  uint64_t dst = 0;
};

IpSpec Spec(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t id, bool df);
//! The TCP timestamps option (kind 8, length 10).
void PutTimestamps(Bytes& o, uint32_t value, uint32_t echo);
//! A Linux stack's SYN or SYN-ACK options: MSS, SACK-permitted, timestamps, NOP, window scale.
Bytes LinuxSynOptions(uint16_t mss, uint32_t tsval, uint32_t tsecr, uint8_t wscale);
//! An Ethernet frame of IPv4 or IPv6 (by `v6`) under construction.
PacketBuilder EthernetIp(const Macs& macs, bool v6);
//! A UDP datagram in one Ethernet frame.
Frame EthernetUdp(const Macs& macs, const IpSpec& spec, uint16_t sport, uint16_t dport,
                  const Bytes& payload);
//! A UDP datagram, cut into IP fragments when it does not fit a 1500-byte MTU (the first
//! fragment carries the UDP header; checksums cover the whole datagram). IPv6 fragments carry
//! `fragment_id` in their fragment header.
std::vector<Frame> EthernetUdpDatagram(const Macs& macs, const IpSpec& spec, uint16_t sport,
                                       uint16_t dport, const Bytes& payload, uint32_t fragment_id);

// ---------------------------------------------------------------------------------------------
// Application payloads.

//! The answer to a DnsQuery(): QR, RD, RA, the question and one A record.
Bytes DnsAnswer(const Bytes& query, uint32_t address, uint32_t ttl);
//! The TXT strings that fill `room` bytes of a DNS ANY answer's records, each with 13 bytes of
//! overhead (name pointer, type, class, TTL, RDATA length, string length): an SPF record every
//! fourth, else DKIM-like keys of `alphabet` characters; at most 255 characters each.
std::vector<std::string> FillerTexts(Rng& rng, std::string_view zone, size_t room,
                                     std::string_view alphabet);
//! A 48-byte NTPv4 client request (mode 3, poll 6, precision -23) sent at `ts`.
Bytes NtpRequest(int64_t ts);
//! The server's mode-4 answer at `ts` to the request sent at `request_ts`.
Bytes NtpReply(int64_t request_ts, int64_t ts);
//! A TLS 1.2 application-data record of `total` bytes (random "ciphertext").
Bytes TlsRecord(size_t total, Rng& rng);
//! An HTML page of exactly `size` bytes: lorem ipsum paragraphs, and the closing tags when it
//! has room for them.
std::string HtmlBody(size_t size);

// ---------------------------------------------------------------------------------------------
// Output.

//! Every frame of a capture, in one arena; written in timestamp order (frames with the same
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

//! A nanosecond pcap of Ethernet frames being written; every failure names the file.
class CaptureFile {
 public:
  bool Open(const std::string& path, std::string* error);
  bool Write(int64_t ts, const uint8_t* data, size_t len, std::string* error);
  bool Close(std::string* error);

 private:
  PcapWriter writer_;
  std::string path_;
};

// ---------------------------------------------------------------------------------------------
// Names of enumerations (behaviours, services): index i of the table names value i.

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, E value) {
  const auto i = static_cast<size_t>(value);
  return i < names.size() ? names[i] : "unknown";
}

template <typename E, size_t N>
std::optional<E> FromName(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) {
      return static_cast<E>(i);
    }
  }
  return std::nullopt;
}

}  // namespace rampart::scenario
