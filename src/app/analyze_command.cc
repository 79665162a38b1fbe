#include "app/analyze_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "app/progress_bar.h"
#include "capture/capture_set.h"
#include "engine/analyzer.h"
#include "output/analysis_report.h"
#include "output/report_json.h"
#include "output/report_text.h"

namespace rampart {

int RunAnalyze(const AnalyzeOptions& options) {
  CaptureSet captures;
  std::string error;
  if (!captures.Open(options.inputs, &error)) {
    fmt::print(stderr, "rampart: {}\n", error);
    return exit_code::kUnreadable;
  }
  AnalyzerOptions analyzer_options;
  analyzer_options.host_memcap_bytes = options.host_memcap_bytes;
  Analyzer analyzer(analyzer_options);

  ProgressBar progress(options.progress ? captures.TotalBytes() : 0);
  RawPacket packet;
  uint64_t count = 0;
  while (captures.Next(packet)) {
    analyzer.Process(packet);
    if ((++count & 0xffff) == 0) {
      progress.Update(captures.BytesConsumed());
    }
  }
  analyzer.Flush();
  progress.Finish();

  AnalysisReport report;
  for (const auto& reader : captures.readers()) {
    report.files.push_back(reader->facts());
  }
  report.summary = analyzer.summary();
  report.decode = analyzer.decode_stats();
  const HostTable& hosts = analyzer.hosts();
  report.hosts_seen = hosts.Size();
  report.hosts_evicted = hosts.EvictedHosts();
  report.evicted_counters = hosts.EvictedCounters();
  report.host_table_bytes = hosts.MemoryBytes();
  report.hosts = TopHosts(hosts, options.host_limit);

  if (options.json) {
    std::cout << ReportToJson(report).dump(2) << '\n';
  } else {
    std::cout << ReportToText(report);
  }
  std::cout.flush();
  for (const CaptureFileFacts& file : report.files) {
    if (file.damage.status != CaptureStatus::kOk) {
      fmt::print(stderr, "rampart: {}: {} at byte {} (packet #{}): {}\n", file.path,
                 CaptureStatusName(file.damage.status), file.damage.byte_offset,
                 file.damage.packet_index, file.damage.reason);
    }
  }
  return report.Damaged() ? exit_code::kDamaged : exit_code::kOk;
}

}  // namespace rampart
