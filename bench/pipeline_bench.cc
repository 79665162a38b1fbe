// Whole-pipeline throughput on one core, over one capture file, in one run:
//   read            CaptureReader::Next only
//   read+decode     + DecodePacket
//   read+decode+count  the Analyzer without detection (decode, DNS tap, protocol mix, hosts)
//   read+decode+detect the Analyzer with the DDoS detector but no exact per-host table
//   read+decode+count+detect  everything `rampart analyze` does per packet
//   ...without iot  the same with the IoT-botnet taps off (their cost is the difference)
//   libpcap         a plain pcap_next_ex loop (the floor any libpcap-based tool starts from)
// Each is run `--repeat` times after a warm-up pass; the best run is reported, as JSON lines.
#include <pcap/pcap.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "capture/capture_reader.h"
#include "decode/packet_decoder.h"
#include "engine/analyzer.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Result {
  uint64_t packets = 0;
  double seconds = 0;
  uint64_t check = 0;  // keeps the work observable so it is not optimized away
};

Result RunRead(const std::string& path) {
  rampart::CaptureReader reader;
  std::string error;
  const auto start = Clock::now();
  if (!reader.Open(path, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    std::exit(1);
  }
  rampart::RawPacket packet;
  Result result;
  while (reader.Next(packet)) {
    ++result.packets;
    result.check += packet.data[packet.cap_len / 2];
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

Result RunDecode(const std::string& path) {
  rampart::CaptureReader reader;
  std::string error;
  const auto start = Clock::now();
  if (!reader.Open(path, &error)) {
    std::exit(1);
  }
  rampart::RawPacket packet;
  rampart::PacketMeta meta;
  rampart::DecodeStats stats;
  Result result;
  while (reader.Next(packet)) {
    rampart::DecodePacket(packet, meta, stats);
    ++result.packets;
    result.check += meta.dst_port;
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

Result RunAnalyze(const std::string& path, size_t memcap, bool detect = true,
                  bool count_hosts = true, bool iot = true) {
  rampart::CaptureReader reader;
  std::string error;
  rampart::AnalyzerOptions options;
  options.host_memcap_bytes = memcap;
  options.detect = detect;
  options.count_hosts = count_hosts;
  options.iot = iot;
  options.expected_hosts =
      std::getenv("EXPECTED_HOSTS") ? std::strtoull(std::getenv("EXPECTED_HOSTS"), nullptr, 10) : 0;
  const auto start = Clock::now();
  rampart::Analyzer analyzer(options);
  if (!reader.Open(path, &error)) {
    std::exit(1);
  }
  rampart::RawPacket packet;
  Result result;
  while (reader.Next(packet)) {
    analyzer.Process(packet);
    ++result.packets;
  }
  analyzer.Finish();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.check = analyzer.hosts().Size() + analyzer.hosts().EvictedHosts() +
                 (analyzer.detector() != nullptr ? analyzer.detector()->Attacks().size() : 0);
  return result;
}

Result RunLibpcap(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE];
  const auto start = Clock::now();
  pcap_t* handle = pcap_open_offline(path.c_str(), errbuf);
  if (handle == nullptr) {
    std::fprintf(stderr, "%s\n", errbuf);
    std::exit(1);
  }
  struct pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  Result result;
  while (pcap_next_ex(handle, &header, &data) == 1) {
    ++result.packets;
    result.check += data[header->caplen / 2];
  }
  pcap_close(handle);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

template <typename F>
void Report(const char* name, int repeat, F&& run) {
  run();  // warm the page cache
  Result best;
  best.seconds = 1e100;
  for (int i = 0; i < repeat; ++i) {
    const Result r = run();
    if (r.seconds < best.seconds) {
      best = r;
    }
  }
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "{\"stage\":\"%s\",\"packets\":%llu,\"seconds\":%.4f,\"mpps\":%.2f,\"ns_per_packet\":%.2f,"
      "\"max_rss_mib\":%ld,\"check\":%llu}\n",
      name, static_cast<unsigned long long>(best.packets), best.seconds,
      static_cast<double>(best.packets) / best.seconds / 1e6,
      best.seconds * 1e9 / static_cast<double>(best.packets), usage.ru_maxrss / 1024,
      static_cast<unsigned long long>(best.check));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: pipeline_bench FILE [repeat] [memcap_mib] [stages]\n");
    return 2;
  }
  const std::string path = argv[1];
  const int repeat = argc > 2 ? std::atoi(argv[2]) : 3;
  const size_t memcap = (argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1024) << 20;
  const std::string stages = argc > 4 ? argv[4] : "read,decode,count,detect,full,libpcap";
  if (stages.find("read") != std::string::npos) {
    Report("read", repeat, [&] { return RunRead(path); });
  }
  if (stages.find("decode") != std::string::npos && stages.find("read") != std::string::npos) {
    Report("read+decode", repeat, [&] { return RunDecode(path); });
  }
  // One of these per process when peak memory matters (ru_maxrss is the process's peak).
  if (stages.find("count") != std::string::npos) {
    Report("read+decode+count", repeat, [&] { return RunAnalyze(path, memcap, false); });
  }
  if (stages.find("detect") != std::string::npos && stages.find("noiot") == std::string::npos) {
    Report("read+decode+detect", repeat, [&] { return RunAnalyze(path, memcap, true, false); });
  }
  if (stages.find("full") != std::string::npos) {
    Report("read+decode+count+detect", repeat, [&] { return RunAnalyze(path, memcap, true); });
  }
  if (stages.find("noiot") != std::string::npos) {
    Report("read+decode+count+detect without iot", repeat,
           [&] { return RunAnalyze(path, memcap, true, true, false); });
  }
  if (stages.find("libpcap") != std::string::npos) {
    Report("libpcap pcap_next_ex", repeat, [&] { return RunLibpcap(path); });
  }
  return 0;
}
