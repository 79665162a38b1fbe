#include "output/report_dns.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/timestamp.h"

namespace rampart {
namespace {
using Json = nlohmann::ordered_json;

double Round(double value, double scale) {
  return std::round(value * scale) / scale;
}

Json CountedAddresses(const std::vector<Counted<IpAddress>>& items, const char* key) {
  Json out = Json::array();
  for (const auto& item : items) {
    out.push_back(Json{{key, item.key.ToString()}, {"queries", item.count}});
  }
  return out;
}

}  // namespace

void AddDnsJson(const std::vector<dnsmon::DnsFinding>& findings, const dnsmon::DnsStats& stats,
                Json& report) {
  Json out = Json::array();
  for (const dnsmon::DnsFinding& f : findings) {
    Json inside = Json::array();
    for (const IpAddress& a : f.inside_clients) {
      inside.push_back(a.ToString());
    }
    const bool attack = f.kind == "water_torture";
    out.push_back(Json{
        {"kind", f.kind},
        {"zone", f.zone},
        {"attack_id", attack ? Json(f.attack_id) : Json(nullptr)},
        {"start", FormatIso8601(f.start)},
        {"detected_at", attack ? Json(FormatIso8601(f.detected_at)) : Json(nullptr)},
        {"end", FormatIso8601(f.end)},
        {"ongoing", f.ongoing},
        {"peak_qps", Round(f.peak_qps, 10)},
        {"queries", f.queries},
        {"distinct_names", std::round(f.distinct_names)},
        {"new_name_share", Round(f.new_name_share, 1000)},
        {"responses", f.responses},
        {"nx_ratio", f.nx_ratio ? Json(Round(*f.nx_ratio, 1000)) : Json(nullptr)},
        {"failure_ratio", f.failure_ratio ? Json(Round(*f.failure_ratio, 1000)) : Json(nullptr)},
        {"mirai_label_share", Round(f.mirai_label_share, 1000)},
        {"random_label_share", Round(f.random_label_share, 1000)},
        {"mean_label_length", Round(f.mean_label_length, 10)},
        {"label_entropy", Round(f.label_entropy, 100)},
        {"distinct_sources", std::round(f.distinct_sources)},
        {"top_sources", CountedAddresses(f.top_sources, "address")},
        {"servers", CountedAddresses(f.servers, "address")},
        {"inside_clients", inside},
        {"sample_names", f.sample_names},
        {"reason", f.reason}});
  }
  report["dns_attacks"] = out;
  report["capture"]["dns_detector"] =
      Json{{"queries", stats.queries},
           {"responses", stats.responses},
           {"zones", stats.zones},
           {"zones_evicted", stats.zones_evicted},
           {"evidence_exhausted", stats.evidence_exhausted},
           {"retry_storm_windows", stats.retry_storm_windows},
           {"resolving_random_windows", stats.resolving_random_windows},
           {"forwarded_queries", stats.forwarded_queries}};
}

std::string DnsText(const std::vector<dnsmon::DnsFinding>& findings) {
  if (findings.empty()) {
    return {};
  }
  std::string out = fmt::format("\n== DNS attacks ({}) ==\n", findings.size());
  for (const dnsmon::DnsFinding& f : findings) {
    if (f.kind == "water_torture") {
      out +=
          fmt::format("  water torture of {} (attack #{})  {} .. {}{}\n", f.zone, f.attack_id,
                      FormatIso8601(f.start), FormatIso8601(f.end), f.ongoing ? " (ongoing)" : "");
    } else {
      out += fmt::format("  suspected DNS tunnel under {}  {} .. {}\n", f.zone,
                         FormatIso8601(f.start), FormatIso8601(f.end));
    }
    out += fmt::format(
        "     {} queries, {}, ~{:.0f} names, {:.0f}% new{}\n", f.queries,
        f.kind == "water_torture"
            ? fmt::format("peak {:.0f} qps", f.peak_qps)
            : fmt::format("{:.1f} qps", static_cast<double>(f.queries) * 1e9 /
                                            std::max<double>(1e9, f.end - f.start)),
        f.distinct_names, f.new_name_share * 100,
        f.failure_ratio ? fmt::format(", {:.0f}% failed", *f.failure_ratio * 100) : std::string());
    std::string sources;
    for (const auto& s : f.top_sources) {
      if (sources.size() < 120) {
        sources += fmt::format("{}{} ({})", sources.empty() ? "" : ", ", s.key.ToString(), s.count);
      }
    }
    if (!sources.empty()) {
      out += "     sources: " + sources + "\n";
    }
    std::string samples;
    for (const auto& n : f.sample_names) {
      samples += (samples.empty() ? "" : ", ") + n;
    }
    if (!samples.empty()) {
      out += "     names: " + samples + "\n";
    }
    out += "     reason: " + f.reason + "\n";
  }
  return out;
}

}  // namespace rampart
