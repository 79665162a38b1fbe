#pragma once
// Builders for hand-made NetFlow v5/v9 and IPFIX datagrams, shared by the decoder's tests.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"
#include "flow/flow_record.h"
#include "flow/flow_stats.h"
#include "flow/netflow_decoder.h"

namespace rampart::flow::test {

constexpr TimestampNs kSecond = kNanosPerSecond;
constexpr uint32_t kExportSecs = 1'700'000'000;  // 2023-11-14T22:13:20Z

//! A datagram written byte by byte (big-endian), with set and message lengths patched in.
class Datagram {
 public:
  Datagram& U8(uint64_t v) {
    bytes_.push_back(static_cast<uint8_t>(v));
    return *this;
  }
  Datagram& U16(uint64_t v) { return U8(v >> 8).U8(v); }
  Datagram& U32(uint64_t v) { return U16(v >> 16).U16(v); }
  Datagram& U64(uint64_t v) { return U32(v >> 32).U32(v); }
  Datagram& Raw(std::initializer_list<uint8_t> bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  Datagram& Ip4(const char* text) {
    const IpAddress a = *IpAddress::Parse(text);
    bytes_.insert(bytes_.end(), a.bytes.begin(), a.bytes.begin() + 4);
    return *this;
  }
  Datagram& Ip6(const char* text) {
    const IpAddress a = *IpAddress::Parse(text);
    bytes_.insert(bytes_.end(), a.bytes.begin(), a.bytes.end());
    return *this;
  }
  Datagram& Zeros(size_t n) {
    bytes_.insert(bytes_.end(), n, 0);
    return *this;
  }

  //! NetFlow v9 header (count = records of every kind).
  Datagram& V9Header(uint16_t count, uint32_t source_id, uint32_t uptime_ms = 100'000,
                     uint32_t secs = kExportSecs) {
    return U16(9).U16(count).U32(uptime_ms).U32(secs).U32(1).U32(source_id);
  }
  //! IPFIX header; its length is patched by Finish().
  Datagram& IpfixHeader(uint32_t domain, uint32_t secs = kExportSecs) {
    ipfix_ = true;
    return U16(10).U16(0).U32(secs).U32(1).U32(domain);
  }
  //! Opens a set; CloseSet() writes its length.
  Datagram& OpenSet(uint16_t id) {
    set_start_ = bytes_.size();
    return U16(id).U16(0);
  }
  Datagram& CloseSet() {
    Patch16(set_start_ + 2, bytes_.size() - set_start_);
    return *this;
  }
  //! A template record: id, field count, then (type, length) pairs.
  Datagram& Template(uint16_t id, std::initializer_list<std::pair<uint16_t, uint16_t>> fields) {
    U16(id).U16(fields.size());
    for (const auto& [type, length] : fields) {
      U16(type).U16(length);
    }
    return *this;
  }
  const std::vector<uint8_t>& Finish() {
    if (ipfix_) {
      Patch16(2, bytes_.size());
    }
    return bytes_;
  }
  std::vector<uint8_t>& bytes() { return bytes_; }
  size_t size() const { return bytes_.size(); }

 private:
  void Patch16(size_t at, size_t v) {
    bytes_[at] = static_cast<uint8_t>(v >> 8);
    bytes_[at + 1] = static_cast<uint8_t>(v);
  }
  std::vector<uint8_t> bytes_;
  size_t set_start_ = 0;
  bool ipfix_ = false;
};

//! A decoder with fixed seed and the records and counters of the calls made through it.
struct Collector {
  explicit Collector(NetflowLimits limits = WithSeed()) : decoder(limits) {}
  static NetflowLimits WithSeed() {
    NetflowLimits l;
    l.hash_seed = 42;
    return l;
  }
  //! Decodes one datagram from `exporter` at packet time `ts`; returns the records it gave.
  std::vector<FlowRecord> Decode(const std::vector<uint8_t>& bytes, TimestampNs ts = 0,
                                 const char* exporter = "192.0.2.1") {
    std::vector<FlowRecord> out;
    decoder.Decode(*IpAddress::Parse(exporter), 2055, ts, bytes.data(), bytes.size(), out, stats);
    all.insert(all.end(), out.begin(), out.end());
    return out;
  }
  NetflowDecoder decoder;
  FlowDecodeStats stats;
  std::vector<FlowRecord> all;
};

inline IpAddress Ip(const char* text) {
  return *IpAddress::Parse(text);
}

}  // namespace rampart::flow::test
