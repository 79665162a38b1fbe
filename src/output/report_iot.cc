#include "output/report_iot.h"

#include <fmt/format.h>

#include "core/timestamp.h"

namespace rampart {
namespace {
using Json = nlohmann::ordered_json;

constexpr const char* kMasked = "********";

Json Time(TimestampNs ts) {
  return FormatIso8601(ts);
}

Json Addresses(const std::vector<IpAddress>& addresses) {
  Json out = Json::array();
  for (const IpAddress& a : addresses) {
    out.push_back(a.ToString());
  }
  return out;
}

Json Mac(const std::optional<uint64_t>& mac) {
  return mac ? Json(FormatMac(*mac)) : Json(nullptr);
}

Json ScanJson(const iot::ScanFinding& s) {
  Json ports = Json::array();
  for (const iot::PortCount& p : s.ports) {
    ports.push_back(Json{{"port", p.port}, {"probes", p.count}});
  }
  return Json{{"scanner", s.scanner.ToString()},
              {"inside", s.inside},
              {"kind", s.kind},
              {"protocol", s.protocol},
              {"mirai_fingerprint", s.mirai_fingerprint},
              {"mirai_probes", s.mirai_probes},
              {"mirai_2323_share", std::round(s.mirai_2323_share * 1000) / 1000},
              {"ports", ports},
              {"distinct_targets", std::round(s.distinct_targets)},
              {"distinct_ports", std::round(s.distinct_ports)},
              {"probes", s.probes},
              {"answered", s.answered},
              {"rate_pps", std::round(s.rate_pps * 10) / 10},
              {"first_seen", Time(s.first_seen)},
              {"last_seen", Time(s.last_seen)}};
}

Json BruteJson(const iot::BruteForceFinding& b) {
  return Json{{"source", b.source.ToString()},
              {"inside", b.inside},
              {"service", b.service},
              {"method", b.method},
              {"targets", Addresses(b.targets)},
              {"distinct_targets", b.distinct_targets},
              {"attempts", b.attempts},
              {"failures", b.failures},
              {"successes", b.successes},
              {"default_pairs_tried", b.default_pairs_tried},
              {"first_seen", Time(b.first_seen)},
              {"last_seen", Time(b.last_seen)}};
}

Json DefaultJson(const iot::DefaultCredentialFinding& d, bool show_passwords) {
  return Json{{"device", d.device.ToString()},
              {"mac", Mac(d.mac)},
              {"inside", d.inside},
              {"service", d.service},
              {"port", d.port},
              {"user", d.user},
              {"password", show_passwords ? d.password : std::string(kMasked)},
              {"entry", d.entry + 1},
              {"entry_source", d.entry_source},
              {"entry_vendor", d.entry_vendor.empty() ? Json(nullptr) : Json(d.entry_vendor)},
              {"login", d.successes > 0 ? "success" : "unknown"},
              {"attempts", d.attempts},
              {"successes", d.successes},
              {"busybox_shell", d.busybox_shell},
              {"clients", Addresses(d.clients)},
              {"first_seen", Time(d.first_seen)},
              {"last_seen", Time(d.last_seen)}};
}

Json DeviceJson(const iot::InfectedDevice& d) {
  Json evidence = Json::array();
  for (const iot::Evidence& e : d.evidence) {
    evidence.push_back(Json{{"kind", e.kind},
                            {"time", Time(e.ts)},
                            {"last_time", Time(e.last_ts)},
                            {"count", e.count},
                            {"detail", e.detail}});
  }
  return Json{{"address", d.address.ToString()},
              {"mac", Mac(d.mac)},
              {"score", d.score},
              {"first_seen", Time(d.first_seen)},
              {"last_seen", Time(d.last_seen)},
              {"evidence", evidence}};
}

}  // namespace

std::string FormatMac(uint64_t mac) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", (mac >> 40) & 0xff,
                     (mac >> 32) & 0xff, (mac >> 24) & 0xff, (mac >> 16) & 0xff, (mac >> 8) & 0xff,
                     mac & 0xff);
}

void AddIotJson(const iot::IotFindings& findings, bool show_passwords, Json& report) {
  Json scans = Json::array();
  for (const auto& s : findings.scans) {
    scans.push_back(ScanJson(s));
  }
  Json brute = Json::array();
  for (const auto& b : findings.brute_force) {
    brute.push_back(BruteJson(b));
  }
  Json defaults = Json::array();
  for (const auto& d : findings.default_credentials) {
    defaults.push_back(DefaultJson(d, show_passwords));
  }
  Json devices = Json::array();
  for (const auto& d : findings.infected_devices) {
    devices.push_back(DeviceJson(d));
  }
  report["scans"] = scans;
  report["brute_force"] = brute;
  report["infected_devices"] = devices;
  report["default_credentials"] = defaults;
  const iot::IotStats& st = findings.stats;
  report["capture"]["iot"] = Json{{"syns", st.syns},
                                  {"mirai_fingerprint_syns", st.mirai_fingerprint_syns},
                                  {"login_sessions", st.sessions},
                                  {"sessions_evicted", st.sessions_evicted},
                                  {"segments_out_of_order", st.segments_out_of_order},
                                  {"segments_retransmitted", st.segments_retransmitted},
                                  {"bytes_parsed", st.bytes_parsed},
                                  {"logins", st.logins},
                                  {"default_logins", st.default_logins},
                                  {"scan_sources_evicted", st.scan_sources_evicted},
                                  {"scans_in_attacks", st.scans_in_attacks},
                                  {"table_full_drops", st.table_full_drops}};
}

std::string IotText(const iot::IotFindings& findings, bool show_passwords) {
  std::string out;
  if (!findings.infected_devices.empty()) {
    out += fmt::format("\n== Infected devices ({}) ==\n", findings.infected_devices.size());
    for (const auto& d : findings.infected_devices) {
      out += fmt::format("  {}{}  score {}\n", d.address.ToString(),
                         d.mac ? "  " + FormatMac(*d.mac) : std::string(), d.score);
      for (const auto& e : d.evidence) {
        out += fmt::format("    {}  {}{}: {}\n", FormatIso8601(e.ts), e.kind,
                           e.count > 1 ? fmt::format(" (x{})", e.count) : std::string(), e.detail);
      }
    }
  }
  if (!findings.default_credentials.empty()) {
    out += fmt::format("\n== Factory-default credentials in use ({}) ==\n",
                       findings.default_credentials.size());
    for (const auto& d : findings.default_credentials) {
      out += fmt::format("  {} {}/{}  user '{}' password '{}' (entry #{} {})  login {}{}\n",
                         d.device.ToString(), d.service, d.port, d.user,
                         show_passwords ? d.password : kMasked, d.entry + 1, d.entry_source,
                         d.successes > 0 ? "succeeded" : "verdict unknown",
                         d.busybox_shell ? ", busybox shell" : "");
    }
  }
  if (!findings.scans.empty()) {
    out += fmt::format("\n== Scanners ({}) ==\n", findings.scans.size());
    for (const auto& s : findings.scans) {
      std::string ports;
      for (const auto& p : s.ports) {
        ports += fmt::format("{}{}", ports.empty() ? "" : ",", p.port);
      }
      out += fmt::format(
          "  {}{}  {} {}  {} probes, ~{:.0f} targets, ~{:.0f} ports [{}], "
          "{:.1f}/s, {} answered{}\n",
          s.scanner.ToString(), s.inside ? " (inside)" : "", s.protocol, s.kind, s.probes,
          s.distinct_targets, s.distinct_ports, ports, s.rate_pps, s.answered,
          s.mirai_fingerprint ? "  MIRAI FINGERPRINT" : "");
    }
  }
  if (!findings.brute_force.empty()) {
    out += fmt::format("\n== Brute force ({}) ==\n", findings.brute_force.size());
    for (const auto& b : findings.brute_force) {
      out += fmt::format("  {}{} -> {} target(s)  {} by {}: {} attempts, {} failed, {} succeeded\n",
                         b.source.ToString(), b.inside ? " (inside)" : "", b.distinct_targets,
                         b.service, b.method, b.attempts, b.failures, b.successes);
    }
  }
  return out;
}

}  // namespace rampart
