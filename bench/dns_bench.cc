// The DNS water-torture detector's cost per DNS message and its memory, one core:
//   benign      popular names of 50 zones, answered NOERROR (what a resolver mostly sees)
//   torture     Mirai's random 12-character labels under one zone, answered NXDOMAIN
//   1M zones    a new zone for every query (an attacker inventing zones): the table stays at
//               its cap and evicts
// Each line is JSON: ns per message (query or response), messages, zones tracked and evicted,
// and the detector's resident memory (the process's growth while it ran).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "dnsmon/dns_monitor.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Message {
  rampart::PacketMeta meta;
  rampart::DnsMessage dns;
};

std::vector<Message> Build(const std::string& kind, size_t count) {
  std::mt19937_64 rng(1);
  std::vector<Message> out(count);
  static const char kMirai[] = "abcdefghijklmnopqrstuvw012345678";
  for (size_t i = 0; i < count; ++i) {
    std::string name;
    if (kind == "benign") {
      name = "www" + std::to_string(rng() % 20) + ".zone" + std::to_string(rng() % 50) + ".com";
    } else if (kind == "torture") {
      for (int k = 0; k < 12; ++k) {
        name += kMirai[rng() % 32];
      }
      name += ".victim-example.co.uk";
    } else {
      name = "www.z" + std::to_string(i / 2) + ".com";
    }
    Message& m = out[i];
    m.meta.ts_ns = 1'000'000'000'000 + static_cast<rampart::TimestampNs>(i) * 10'000;  // 100k/s
    m.meta.inner_src = rampart::IpAddress::V4(static_cast<uint32_t>(0xcb007100 + rng() % 200));
    m.meta.inner_dst = rampart::IpAddress::V4(0xc6336435);
    m.meta.wire_len = 80;
    m.dns.has_question = true;
    m.dns.is_response = (i % 2) == 1;  // every query answered
    m.dns.rcode = kind == "torture" ? 3 : 0;
    m.dns.qtype = 1;
    m.dns.name_len = static_cast<uint16_t>(name.size());
    std::memcpy(m.dns.name, name.data(), name.size());
    if (m.dns.is_response) {
      std::swap(m.meta.inner_src, m.meta.inner_dst);
      m.dns.name_len = out[i - 1].dns.name_len;
      std::memcpy(m.dns.name, out[i - 1].dns.name, m.dns.name_len);
    }
  }
  return out;
}

//! Resident memory of the process now, in MiB (/proc/self/statm, 4 KiB pages).
double ResidentMib() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) {
    return 0;
  }
  unsigned long size = 0;
  unsigned long resident = 0;
  const int read = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return read == 2 ? static_cast<double>(resident) * 4096 / (1 << 20) : 0;
}

}  // namespace

int main() {
  for (const std::string kind : {"benign", "torture", "1M zones"}) {
    const size_t count = kind == "1M zones" ? 2'000'000 : 1'000'000;
    const std::vector<Message> messages = Build(kind, count);
    const double before = ResidentMib();
    rampart::dnsmon::DnsMonitor monitor(rampart::DefaultConfig(), 42);
    const auto start = Clock::now();
    for (const Message& m : messages) {
      monitor.Observe(m.meta, m.dns);
    }
    monitor.Finish(messages.back().meta.ts_ns);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double detector_mib = ResidentMib() - before;
    std::printf(
        "{\"case\":\"%s\",\"messages\":%zu,\"ns_per_message\":%.1f,\"zones\":%llu,"
        "\"zones_evicted\":%llu,\"findings\":%zu,\"detector_mib\":%.1f}\n",
        kind.c_str(), count, seconds * 1e9 / static_cast<double>(count),
        static_cast<unsigned long long>(monitor.stats().zones),
        static_cast<unsigned long long>(monitor.stats().zones_evicted), monitor.Findings().size(),
        detector_mib);
  }
  return 0;
}
