// rampart: see IoT-botnet DDoS and stop it. Subcommands are wired here and nowhere else.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "app/analyze_command.h"
#include "app/ban_command.h"
#include "app/check_config_command.h"
#include "app/history_command.h"
#include "app/run_command.h"

namespace {

//! "all" or a count.
bool ParseHostLimit(const std::string& text, size_t* limit) {
  if (text == "all") {
    *limit = SIZE_MAX;
    return true;
  }
  try {
    size_t used = 0;
    const unsigned long long value = std::stoull(text, &used);
    if (used != text.size()) {
      return false;
    }
    *limit = static_cast<size_t>(value);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

int Main(int argc, char** argv) {
  CLI::App app{"rampart: detect and stop IoT-botnet DDoS"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rampart 0.1.0");

  rampart::AnalyzeOptions analyze;
  std::string hosts = "20";
  size_t memcap_mib = 1024;
  CLI::App* analyze_cmd =
      app.add_subcommand("analyze", "Analyze pcap/pcapng captures and print the traffic picture");
  analyze_cmd->add_option("files", analyze.inputs, "Capture files (- for standard input)")
      ->required();
  analyze_cmd->add_flag("--json", analyze.json, "Print the JSON report (docs/report.md)");
  analyze_cmd->add_option("--hosts", hosts, "How many hosts to list: N or all")->default_val("20");
  analyze_cmd->add_option("--host-memcap", memcap_mib, "Host table memory cap in MiB")
      ->default_val(1024)
      ->check(CLI::Range(1, 1 << 20));
  analyze_cmd->add_flag("!--no-progress", analyze.progress, "Never draw the progress bar");
  analyze_cmd->add_option("--config", analyze.config_path,
                          "YAML configuration (docs/configuration.md)");
  analyze_cmd->add_flag("!--no-detect", analyze.detect, "Count only; do not run the detectors");
  analyze_cmd->add_flag("!--no-iot", analyze.iot,
                        "Do not run the IoT-botnet taps (scans, logins, infected devices)");
  analyze_cmd->add_flag("--show-default-passwords", analyze.show_default_passwords,
                        "Print matched factory-default passwords instead of masking them");
  analyze_cmd->add_option("--eve", analyze.eve_path,
                          "Also write the attacks and findings as EVE-style JSON lines to FILE");
  analyze_cmd->add_flag("--flows", analyze.flows,
                        "Analyze the NetFlow/IPFIX/sFlow datagrams inside the capture (UDP to "
                        "2055, 2056, 4739, 6343, 9995 and --flow-port) instead of its packets");
  analyze_cmd
      ->add_option("--flow-port", analyze.flow_ports,
                   "Another UDP port that carries flow datagrams (repeatable)")
      ->check(CLI::Range(1, 65535));
  analyze_cmd->add_option("--seed", analyze.seed,
                          "Hash seed of the tables and sketches (default: random per run); a "
                          "fixed seed makes estimates repeat exactly");
  analyze_cmd->add_option("--samples", analyze.samples_dir,
                          "Write each attack's first packets to DIR/attack-ID.pcap");

  std::string check_path;
  CLI::App* check_cmd = app.add_subcommand("check-config", "Validate a configuration file");
  check_cmd->add_option("file", check_path, "YAML configuration")->required();

  rampart::sensor::RunOptions run;
  CLI::App* run_cmd = app.add_subcommand(
      "run", "Run the live sensor on interfaces and flow exporters until SIGTERM");
  run_cmd->add_option("--config", run.config_path, "YAML configuration with a sensor section")
      ->required();
  run_cmd->add_option("--seed", run.seed, "Fix every hash seed (tests); 0 picks one at random");

  rampart::BanOptions ban;
  CLI::App* ban_cmd =
      app.add_subcommand("ban", "Add, remove or list bans of the running sensor (mitigation)");
  ban_cmd->require_subcommand(1);
  ban_cmd->add_option("--socket", ban.socket, "The sensor's control socket");
  ban_cmd->add_option("--config", ban.config_path, "Take the socket from this configuration");
  ban_cmd->add_flag("--json", ban.json, "Print the sensor's JSON answer");
  CLI::App* ban_add = ban_cmd->add_subcommand("add", "Ban a target by hand");
  ban_add->add_option("target", ban.target, "Address or prefix")->required();
  ban_add->add_option("--action", ban.actions,
                      "blackhole (default), flowspec, nft_drop, nft_quarantine (repeatable)");
  ban_add->add_option("--time", ban.ban_time, "Ban time, e.g. 10m (default: the configured)");
  ban_add->add_option("--reason", ban.reason, "Why, for the event log");
  CLI::App* ban_remove = ban_cmd->add_subcommand("remove", "Lift a ban now");
  ban_remove->add_option("id", ban.id, "The ban's id (see list)")->required();
  CLI::App* ban_list = ban_cmd->add_subcommand("list", "The active bans");

  rampart::HistoryOptions history;
  bool history_attacks = false;
  bool history_events = false;
  CLI::App* history_cmd =
      app.add_subcommand("history", "Show what a sensor's history database holds");
  history_cmd->add_option("--db", history.db_path, "History database (SQLite)")->required();
  CLI::Option* attacks_opt =
      history_cmd->add_flag("--attacks", history_attacks, "Attacks, latest state (default)");
  CLI::Option* findings_opt = history_cmd->add_option(
      "--findings", history.findings_kind,
      "Findings of KIND: scan, brute_force, default_credentials, dns_attack, infected_device, all");
  CLI::Option* events_opt =
      history_cmd->add_flag("--events", history_events, "The event log, oldest first");
  attacks_opt->excludes(findings_opt)->excludes(events_opt);
  findings_opt->excludes(events_opt);
  history_cmd->add_option("--since", history.since, "With --events: from this ISO 8601 time")
      ->needs(events_opt);
  std::string history_limit = "50";
  history_cmd->add_option("--limit", history_limit, "At most N rows, or all")->default_val("50");
  history_cmd->add_flag("--json", history.json, "One JSON object a line instead of a table");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : rampart::exit_code::kUsage;
  }

  if (analyze_cmd->parsed()) {
    if (!ParseHostLimit(hosts, &analyze.host_limit)) {
      fmt::print(stderr, "rampart: --hosts takes a number or 'all', not '{}'\n", hosts);
      return rampart::exit_code::kUsage;
    }
    analyze.host_memcap_bytes = memcap_mib << 20;
    return rampart::RunAnalyze(analyze);
  }
  if (check_cmd->parsed()) {
    return rampart::RunCheckConfig(check_path);
  }
  if (ban_cmd->parsed()) {
    ban.command = ban_add->parsed() ? "add" : ban_remove->parsed() ? "remove" : "list";
    (void)ban_list;
    return rampart::RunBan(ban);
  }
  if (run_cmd->parsed()) {
    return rampart::RunSensor(run);
  }
  if (history_cmd->parsed()) {
    // stoull wraps "-3" around; a negative limit is a usage error.
    if (history_limit.starts_with('-') || !ParseHostLimit(history_limit, &history.limit)) {
      fmt::print(stderr, "rampart: --limit takes a number or 'all', not '{}'\n", history_limit);
      return rampart::exit_code::kUsage;
    }
    if (findings_opt->count() > 0) {
      history.view = rampart::HistoryOptions::View::kFindings;
    } else if (history_events) {
      history.view = rampart::HistoryOptions::View::kEvents;
    }
    return rampart::RunHistory(history);
  }
  return rampart::exit_code::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // Exceptions are for set-up failures (a table that cannot be allocated); they end the run with
  // one line, never a stack trace.
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "rampart: {}\n", e.what());
    return 1;
  }
}
