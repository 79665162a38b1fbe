// The `dns` section of the configuration: the water-torture detector's thresholds, its zone
// table bound, suffixes it never judges and per-zone overrides (docs/dns.md).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_parser_base.h"

namespace rampart::config_internal {
namespace {

//! A number in [low, high].
std::optional<double> Bounded(ParserBase& p, const Field& f, double low, double high) {
  const auto number = p.Number(f);
  if (!number) {
    return std::nullopt;
  }
  if (*number < low || *number > high) {
    p.Error(f,
            fmt::format("'{}' takes a number from {} to {}, not {}", f.name, low, high, *number));
    return std::nullopt;
  }
  return number;
}

//! A domain name: lower-cased, without a trailing dot.
std::optional<std::string> DomainName(ParserBase& p, const Field& f) {
  const auto text = p.Text(f, "a domain name like 'example.com'");
  if (!text) {
    return std::nullopt;
  }
  std::string name(*text);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!name.empty() && name.back() == '.') {
    name.pop_back();
  }
  const bool valid =
      !name.empty() && name.size() <= 253 && name.front() != '.' &&
      name.find("..") == std::string::npos && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
      });
  if (!valid) {
    p.Error(f, fmt::format("{} is not a domain name", Quote(*text)));
    return std::nullopt;
  }
  return name;
}

void Zones(ParserBase& p, const Field& f, std::vector<DnsZoneOverride>& out) {
  if (f.value.IsNull()) {
    return;
  }
  if (!f.value.IsSequence()) {
    p.Error(f, fmt::format("'zones' takes a list of {{zone, min_qps, ignore}} maps, not {}",
                           Describe(f.value)));
    return;
  }
  size_t index = 0;
  for (const YAML::Node& entry : f.value) {
    const std::string path = fmt::format("dns.zones[{}]", index++);
    DnsZoneOverride zone;
    bool named = false;
    p.ForEachKey(Field{path, entry, entry}, path, kDnsZoneKeys, [&](const Field& k) {
      if (k.name == "zone") {
        if (const auto name = DomainName(p, k)) {
          zone.zone = *name;
          named = true;
        }
      } else if (k.name == "min_qps") {
        if (const auto qps = Bounded(p, k, 1, 1e9)) {
          zone.min_qps = *qps;
        }
      } else if (const auto on = p.Bool(k)) {
        zone.ignore = *on;
      }
    });
    if (entry.IsMap() && !named) {
      p.Error(entry.Mark(), fmt::format("{} has no 'zone'", path));
      continue;
    }
    if (named) {
      out.push_back(std::move(zone));
    }
  }
}

}  // namespace

void ParseDnsSection(ParserBase& p, const Field& section, DnsSettings& dns) {
  p.ForEachKey(section, "dns", kDnsKeys, [&](const Field& f) {
    if (f.name == "enabled") {
      if (const auto on = p.Bool(f)) {
        dns.enabled = *on;
      }
    } else if (f.name == "window") {
      if (const auto s = p.Duration(f, 3600)) {
        if (*s < 1) {
          p.Error(f, "'window' must be at least 1s");
        } else {
          dns.window_s = *s;
        }
      }
    } else if (f.name == "min_qps") {
      if (const auto v = Bounded(p, f, 1, 1e9)) {
        dns.min_qps = *v;
      }
    } else if (f.name == "min_names" || f.name == "min_responses" || f.name == "max_zones") {
      const double low = f.name == "max_zones" ? 16 : 1;
      if (const auto v = Bounded(p, f, low, 1e7)) {
        if (*v != std::floor(*v)) {
          p.Error(f, fmt::format("'{}' takes a whole number, not {}", f.name, *v));
          return;
        }
        (f.name == "min_names"       ? dns.min_names
         : f.name == "min_responses" ? dns.min_responses
                                     : dns.max_zones) = static_cast<uint32_t>(*v);
      }
    } else if (f.name == "max_queries_per_name" || f.name == "no_response_factor") {
      if (const auto v = Bounded(p, f, 1, 1000)) {
        (f.name == "max_queries_per_name" ? dns.max_queries_per_name : dns.no_response_factor) = *v;
      }
    } else if (f.name == "min_new_share" || f.name == "min_failure_ratio" ||
               f.name == "min_random_share") {
      if (const auto v = Bounded(p, f, 0, 1)) {
        (f.name == "min_new_share"       ? dns.min_new_share
         : f.name == "min_failure_ratio" ? dns.min_failure_ratio
                                         : dns.min_random_share) = *v;
      }
    } else if (f.name == "exclude_suffixes") {
      if (!f.value.IsSequence()) {
        p.Error(f, fmt::format("'exclude_suffixes' takes a list of domain names, not {}",
                               Describe(f.value)));
        return;
      }
      size_t index = 0;
      for (const YAML::Node& entry : f.value) {
        const Field item{fmt::format("exclude_suffixes[{}]", index++), entry, entry};
        if (const auto name = DomainName(p, item)) {
          dns.exclude_suffixes.push_back(*name);
        }
      }
    } else {
      Zones(p, f, dns.zones);
    }
  });
}

}  // namespace rampart::config_internal
