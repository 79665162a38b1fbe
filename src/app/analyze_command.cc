#include "app/analyze_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/progress_bar.h"
#include "capture/capture_set.h"
#include "capture/pcap_writer.h"
#include "config/config.h"
#include "core/prefix.h"
#include "decode/packet_decoder.h"
#include "engine/analyzer.h"
#include "iot/credential_setup.h"
#include "output/analysis_report.h"
#include "output/eve_log.h"
#include "output/report_builder.h"
#include "output/report_json.h"
#include "output/report_text.h"

namespace rampart {

namespace {

//! Second pass for `--samples`: the first packets of each attack from its start, matching its
//! target (the destination for incoming attacks, the source for outgoing ones), one pcap each.
bool WriteSamples(const AnalyzeOptions& options, const std::vector<AttackRecord>& attacks,
                  std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(options.samples_dir, ec);
  if (ec) {
    *error = options.samples_dir + ": " + ec.message();
    return false;
  }
  if (attacks.empty()) {
    return true;
  }
  struct Sink {
    Prefix target;
    bool incoming;
    TimestampNs start;
    size_t written = 0;
    std::unique_ptr<PcapWriter> writer;
  };
  std::vector<Sink> sinks;
  for (const AttackRecord& attack : attacks) {
    Sink sink;
    // A hostgroup's attack has no one address to sample: its hosts' own attacks have theirs.
    const auto target = Prefix::Parse(attack.target);
    sink.written = target ? 0 : options.samples_per_attack;
    sink.target = target.value_or(Prefix{});
    sink.incoming = attack.direction == Direction::kIncoming;
    sink.start = attack.start;
    sinks.push_back(std::move(sink));
  }
  CaptureSet captures;
  if (!captures.Open(options.inputs, error)) {
    return false;
  }
  RawPacket packet;
  PacketMeta meta;
  DecodeStats stats;
  size_t open = 0;
  for (const Sink& sink : sinks) {
    open += sink.written < options.samples_per_attack ? 1 : 0;
  }
  while (open > 0 && captures.Next(packet)) {
    DecodePacket(packet, meta, stats);
    if (!meta.IsIp()) {
      continue;
    }
    for (size_t i = 0; i < sinks.size(); ++i) {
      Sink& sink = sinks[i];
      if (sink.written >= options.samples_per_attack || packet.ts_ns < sink.start ||
          !sink.target.Contains(sink.incoming ? meta.outer_dst : meta.outer_src)) {
        continue;
      }
      if (!sink.writer) {
        sink.writer = std::make_unique<PcapWriter>();
        const std::string path =
            fmt::format("{}/attack-{}.pcap", options.samples_dir, attacks[i].id);
        // All packets of a sample share the first one's link type (mixed-link inputs are rare).
        if (!sink.writer->Open(path, packet.link_type, 262144, error)) {
          return false;
        }
      }
      sink.writer->Write(packet.ts_ns, packet.data, packet.cap_len, packet.wire_len);
      if (++sink.written == options.samples_per_attack) {
        sink.writer->Close();
        --open;
      }
    }
  }
  return true;
}

}  // namespace

int RunAnalyze(const AnalyzeOptions& options) {
  CaptureSet captures;
  std::string error;
  if (!captures.Open(options.inputs, &error)) {
    fmt::print(stderr, "rampart: {}\n", error);
    return exit_code::kUnreadable;
  }
  AnalyzerOptions analyzer_options;
  if (!options.config_path.empty()) {
    std::vector<ConfigError> errors;
    auto config = LoadConfig(options.config_path, &errors);
    if (!config) {
      for (const ConfigError& e : errors) {
        fmt::print(stderr, "rampart: {}: {}\n", options.config_path, e.ToString());
      }
      return exit_code::kUsage;
    }
    analyzer_options.config = std::move(*config);
  }
  analyzer_options.detect = options.detect;
  analyzer_options.iot = options.iot && options.detect;  // --no-detect counts only
  if (analyzer_options.iot && analyzer_options.config.iot.enabled) {
    std::string credentials_error;
    auto credentials = iot::CredentialsForConfig(analyzer_options.config.iot, &credentials_error);
    if (!credentials) {
      fmt::print(stderr, "rampart: {}: {}\n", options.config_path, credentials_error);
      return exit_code::kUsage;
    }
    analyzer_options.credentials = std::move(*credentials);
  }
  analyzer_options.host_memcap_bytes = options.host_memcap_bytes;
  analyzer_options.hash_seed = options.seed;
  analyzer_options.flows = options.flows;
  analyzer_options.flow_ports = options.flow_ports;
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
  analyzer.Finish();
  progress.Finish();

  AnalysisReport report = BuildAnalysisReport(
      analyzer, options.host_limit,
      analyzer.detector() ? analyzer.detector()->Attacks() : std::vector<AttackRecord>{},
      analyzer.dns() ? analyzer.dns()->Findings() : std::vector<dnsmon::DnsFinding>{});
  for (const auto& reader : captures.readers()) {
    report.files.push_back(reader->facts());
  }
  report.show_default_passwords = options.show_default_passwords;

  if (!options.samples_dir.empty()) {
    std::string samples_error;
    if (!WriteSamples(options, report.attacks, &samples_error)) {
      fmt::print(stderr, "rampart: --samples: {}\n", samples_error);
      return exit_code::kUnreadable;
    }
  }
  if (!options.eve_path.empty()) {
    std::string eve_error;
    if (!WriteEve(ReportToJson(report), options.eve_path, &eve_error)) {
      fmt::print(stderr, "rampart: --eve: {}\n", eve_error);
      return exit_code::kUnreadable;
    }
  }
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
