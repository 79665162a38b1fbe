// Fuzzes the water-torture detector behind the DNS parser: names, pointers and counts that lie,
// then the zone lookup (libpsl), label shapes and the per-zone tables on whatever name results.
// Each input is split into messages by a 2-byte length prefix; every message is fed twice, as a
// query and as the answer, a second of packet time apart.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>

#include "config/config.h"
#include "decode/dns.h"
#include "dnsmon/dns_monitor.h"
#include "dnsmon/zone_name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rampart::Config config = rampart::DefaultConfig();
  config.dns.max_zones = 16;  // eviction is part of what is fuzzed
  config.dns.min_qps = 1;
  config.dns.min_names = 1;
  static rampart::DecodeStats stats;
  rampart::dnsmon::DnsMonitor monitor(config, 7);
  rampart::DnsMessage message;
  rampart::PacketMeta meta;
  meta.inner_src = rampart::IpAddress::V4(0x0a000001);
  meta.inner_dst = rampart::IpAddress::V4(0xc6336435);
  size_t pos = 0;
  rampart::TimestampNs ts = 1'000'000'000;
  while (pos + 2 <= size) {
    const size_t len = std::min<size_t>(size - pos - 2, (data[pos] << 8) | data[pos + 1]);
    pos += 2;
    if (rampart::ParseDns(data + pos, static_cast<uint32_t>(len), message, stats)) {
      const auto zone = rampart::dnsmon::ZoneOf(message.Name());
      // The zone is a suffix of the name.
      if (zone.size() > message.Name().size() ||
          message.Name().substr(message.Name().size() - zone.size()) != zone) {
        __builtin_trap();
      }
      meta.ts_ns = ts;
      message.is_response = false;
      monitor.Observe(meta, message);
      message.is_response = true;
      monitor.Observe(meta, message);
    }
    ts += 1'000'000'000;
    pos += len;
  }
  monitor.Finish(ts);
  for (const auto& finding : monitor.Findings()) {
    if (finding.zone.empty() || finding.queries == 0) {
      __builtin_trap();
    }
  }
  return 0;
}
