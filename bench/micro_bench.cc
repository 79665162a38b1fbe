// Per-component costs (Google Benchmark): one decode per frame shape, the DNS parser, and the
// host table with a pool of sources that fits in cache and one that does not.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "decode/dns.h"
#include "decode/packet_decoder.h"
#include "scenario/packet_builder.h"
#include "track/host_table.h"

namespace {

using rampart::IpAddress;
using rampart::scenario::IpSpec;
using rampart::scenario::PacketBuilder;
using rampart::scenario::TcpSpec;

IpSpec Spec(const char* src, const char* dst) {
  IpSpec spec;
  spec.src = *IpAddress::Parse(src);
  spec.dst = *IpAddress::Parse(dst);
  return spec;
}

void DecodeFrame(benchmark::State& state, const std::vector<uint8_t>& frame) {
  rampart::RawPacket packet;
  packet.data = frame.data();
  packet.cap_len = packet.wire_len = static_cast<uint32_t>(frame.size());
  packet.link_type = 1;
  rampart::PacketMeta meta;
  rampart::DecodeStats stats;
  for (auto _ : state) {
    rampart::DecodePacket(packet, meta, stats);
    benchmark::DoNotOptimize(meta);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeUdp4(benchmark::State& state) {
  DecodeFrame(state, PacketBuilder()
                         .Ethernet(0x0800)
                         .Ip(Spec("10.0.0.1", "10.0.0.2"), 17)
                         .Udp(1, 2)
                         .Zeros(18)
                         .Finish());
}
BENCHMARK(BM_DecodeUdp4);

void BM_DecodeSynWithOptions(benchmark::State& state) {
  TcpSpec tcp;
  tcp.flags = 2;
  tcp.options = {2, 4, 5, 0x78, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 6};
  DecodeFrame(
      state,
      PacketBuilder().Ethernet(0x0800).Ip(Spec("10.0.0.1", "10.0.0.2"), 6).Tcp(tcp).Finish());
}
BENCHMARK(BM_DecodeSynWithOptions);

void BM_DecodeUdp6(benchmark::State& state) {
  DecodeFrame(state, PacketBuilder()
                         .Ethernet(0x86dd)
                         .Ip(Spec("2001:db8::1", "2001:db8::2"), 17)
                         .Udp(1, 2)
                         .Zeros(18)
                         .Finish());
}
BENCHMARK(BM_DecodeUdp6);

void BM_DecodeGreEthernet(benchmark::State& state) {
  DecodeFrame(state, PacketBuilder()
                         .Ethernet(0x8100)
                         .Vlan(10, 0x0800)
                         .Ip(Spec("10.0.0.1", "10.0.0.2"), 47)
                         .Gre(0x6558)
                         .Ethernet(0x0800)
                         .Ip(Spec("10.1.0.1", "10.1.0.2"), 17)
                         .Udp(1, 2)
                         .Zeros(512)
                         .Finish());
}
BENCHMARK(BM_DecodeGreEthernet);

void BM_DnsParse(benchmark::State& state) {
  const std::vector<uint8_t> query = rampart::scenario::DnsQuery(1, "xj3k9a0bc2dd.example.com", 1);
  rampart::DnsMessage message;
  rampart::DecodeStats stats;
  for (auto _ : state) {
    rampart::ParseDns(query.data(), static_cast<uint32_t>(query.size()), message, stats);
    benchmark::DoNotOptimize(message);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DnsParse);

//! CountBatch over 64-packet batches from a pool of `range(0)` sources to 4 destinations. The
//! batch is refilled from a compact array of source addresses each time (about 1 ns a packet,
//! included), so the table, not the benchmark's own data, is what misses the cache. The
//! pipeline bench covers a flood in which every source is new.
void BM_HostTableCount(benchmark::State& state) {
  const auto pool = static_cast<uint32_t>(state.range(0));
  std::mt19937 rng(7);
  std::vector<uint32_t> pool_addresses(pool);
  for (uint32_t& address : pool_addresses) {
    address = static_cast<uint32_t>(rng());
  }
  std::vector<uint32_t> sources(1 << 22);
  for (uint32_t& source : sources) {
    source = __builtin_bswap32(pool_addresses[rng() % pool]);
  }
  std::vector<rampart::PacketMeta> batch(64);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].l3 = rampart::Layer3::kIpv4;
    batch[i].outer_dst = IpAddress::V4(0xc6336401 + static_cast<uint32_t>(i % 4));
    batch[i].wire_len = 60;
  }
  rampart::HostTable table(size_t{2} << 30);
  // Every pool address is in the table before timing: this measures updates, not growth.
  for (const uint32_t address : pool_addresses) {
    table.AddTx(IpAddress::V4(address), 1, 60);
  }
  size_t offset = 0;
  for (auto _ : state) {
    for (auto& meta : batch) {
      meta.outer_src.AssignV4(reinterpret_cast<const uint8_t*>(&sources[offset++]));
    }
    offset &= sources.size() - 1;
    table.CountBatch(batch.data(), batch.size());
  }
  state.SetItemsProcessed(state.iterations() * 64);
  state.counters["hosts"] = static_cast<double>(table.Size());
}
BENCHMARK(BM_HostTableCount)->Arg(1024)->Arg(65536)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
