// The `mitigation` section: dry-run, ban timing, whitelist, blackhole and FlowSpec settings, the
// per-hostgroup and per-vector rules, and the speakers and tools (docs/mitigation.md).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_parser_base.h"
#include "core/ip_address.h"

namespace rampart::config_internal {
namespace {

constexpr std::string_view kActions[] = {"blackhole", "flowspec", "nft_drop", "nft_quarantine"};

//! A list of strings, each checked by `valid` (which reports its own error).
template <typename Valid>
std::vector<std::string> Strings(ParserBase& p, const Field& f, std::string_view example,
                                 Valid&& valid) {
  std::vector<std::string> out;
  if (f.value.IsNull()) {
    return out;
  }
  if (!f.value.IsSequence()) {
    p.Error(f,
            fmt::format("'{}' takes a list, e.g. {}, not {}", f.name, example, Describe(f.value)));
    return out;
  }
  size_t index = 0;
  for (const YAML::Node& entry : f.value) {
    const Field item{fmt::format("{}[{}]", f.name, index++), entry, entry};
    if (const auto text = p.Text(item, "a name")) {
      if (valid(item, *text)) {
        out.emplace_back(*text);
      }
    }
  }
  return out;
}

//! "ASN:VALUE", both 16-bit (a standard community).
bool Community(ParserBase& p, const Field& f, std::string_view text) {
  const size_t colon = text.find(':');
  unsigned asn = 0;
  unsigned value = 0;
  const bool ok =
      colon != std::string_view::npos &&
      std::from_chars(text.data(), text.data() + colon, asn).ptr == text.data() + colon &&
      std::from_chars(text.data() + colon + 1, text.data() + text.size(), value).ptr ==
          text.data() + text.size() &&
      colon > 0 && colon + 1 < text.size() && asn <= 65535 && value <= 65535;
  if (!ok) {
    p.Error(f, fmt::format("{} is not a community like '65535:666'", Quote(text)));
  }
  return ok;
}

void Rules(ParserBase& p, const Field& f, std::vector<MitigationRule>& out) {
  if (!f.value.IsSequence()) {
    p.Error(f, fmt::format("'rules' takes a list of {{hostgroup, vectors, actions}} maps, not {}",
                           Describe(f.value)));
    return;
  }
  size_t index = 0;
  for (const YAML::Node& entry : f.value) {
    const std::string path = fmt::format("mitigation.rules[{}]", index++);
    MitigationRule rule;
    bool has_actions = false;
    p.ForEachKey(Field{path, entry, entry}, path, kMitigationRuleKeys, [&](const Field& k) {
      if (k.name == "hostgroup") {
        if (const auto text = p.Text(k, "a hostgroup name or 'default'")) {
          rule.hostgroup = std::string(*text);
        }
      } else if (k.name == "vectors") {
        rule.vectors = Strings(p, k, "[syn_flood, amplification]",
                               [&](const Field& item, std::string_view name) {
                                 if (VectorFromName(name)) {
                                   return true;
                                 }
                                 p.Error(item, fmt::format("{} is not a vector name (see "
                                                           "docs/detection.md)",
                                                           Quote(name)));
                                 return false;
                               });
      } else {
        has_actions = true;
        rule.actions =
            Strings(p, k, "[blackhole, flowspec]", [&](const Field& item, std::string_view name) {
              if (std::find(std::begin(kActions), std::end(kActions), name) != std::end(kActions)) {
                return true;
              }
              p.Error(item, fmt::format("{} is not an action ({})", Quote(name), Join(kActions)));
              return false;
            });
      }
    });
    if (!has_actions) {
      p.Error(Field{path, entry, entry}, fmt::format("{} needs 'actions'", path));
    }
    out.push_back(std::move(rule));
  }
}

}  // namespace

void ParseMitigationSection(ParserBase& p, const Field& section, MitigationSettings& m) {
  m.enabled = true;
  p.ForEachKey(section, "mitigation", kMitigationKeys, [&](const Field& f) {
    if (f.name == "dry_run") {
      if (const auto on = p.Bool(f)) {
        m.dry_run = *on;
      }
    } else if (f.name == "ban_time" || f.name == "unban_quiet") {
      if (const auto seconds = p.Duration(f, 365.0 * 86'400)) {
        (f.name == "ban_time" ? m.ban_time_s : m.unban_quiet_s) = *seconds;
      }
    } else if (f.name == "max_bans") {
      if (const auto n = p.Whole(f, 1, 1'000'000)) {
        m.max_bans = *n;
      }
    } else if (f.name == "whitelist") {
      for (const PrefixAt& prefix : p.Prefixes(f)) {
        m.whitelist.push_back(prefix.prefix);
      }
    } else if (f.name == "blackhole") {
      p.ForEachKey(f, "mitigation.blackhole", kBlackholeKeys, [&](const Field& b) {
        if (b.name == "communities") {
          m.communities = Strings(
              p, b, "['65535:666']",
              [&](const Field& item, std::string_view text) { return Community(p, item, text); });
        } else if (const auto text = p.Text(b, "an IP address")) {
          const auto address = IpAddress::Parse(*text);
          const IpFamily family = b.name == "next_hop" ? IpFamily::kV4 : IpFamily::kV6;
          if (!address || address->family != family) {
            p.Error(b, fmt::format("{} is not an IPv{} address", Quote(*text),
                                   family == IpFamily::kV4 ? 4 : 6));
          } else {
            (b.name == "next_hop" ? m.next_hop : m.next_hop_v6) = std::string(*text);
          }
        }
      });
    } else if (f.name == "flowspec") {
      p.ForEachKey(f, "mitigation.flowspec", kFlowspecKeys, [&](const Field& k) {
        if (k.name == "action") {
          if (const auto text = p.Text(k, "discard or rate-limit")) {
            if (*text != "discard" && *text != "rate-limit") {
              p.Error(k, fmt::format("'action' is discard or rate-limit, not {}", Quote(*text)));
            } else {
              m.flowspec_rate_limit = *text == "rate-limit";
            }
          }
        } else if (k.name == "rate") {
          if (const auto rate = p.Rate(k, RateKind::kBits)) {
            m.flowspec_rate_bps = *rate;
          }
        } else if (const auto share = p.Number(k)) {
          if (*share <= 0 || *share > 1) {
            p.Error(k, fmt::format("'min_coverage' is a share in (0, 1], not {}", *share));
          } else {
            m.flowspec_min_coverage = *share;
          }
        }
      });
    } else if (f.name == "rules") {
      Rules(p, f, m.rules);
    } else if (f.name == "control_socket") {
      if (const auto text = p.Text(f, "a path")) {
        m.control_socket = std::string(*text);
      }
    } else if (f.name == "gobgp") {
      p.ForEachKey(f, "mitigation.gobgp", kGobgpKeys, [&](const Field& k) {
        if (k.name == "api") {
          if (const auto text = p.Text(k, "host:port")) {
            m.gobgp.api = std::string(*text);
          }
        } else if (const auto seconds = p.Duration(k, 60)) {
          m.gobgp.timeout_s = *seconds;
        }
      });
    } else if (f.name == "exabgp") {
      p.ForEachKey(f, "mitigation.exabgp", kExabgpKeys, [&](const Field& k) {
        if (const auto text = p.Text(k, "the path of ExaBGP's command pipe")) {
          m.exabgp.pipe = std::string(*text);
        }
      });
    } else if (f.name == "bird") {
      p.ForEachKey(f, "mitigation.bird", kBirdKeys, [&](const Field& k) {
        if (const auto text = p.Text(k, "a path or name")) {
          (k.name == "include_file" ? m.bird.include_file
           : k.name == "birdc"      ? m.bird.birdc
           : k.name == "socket"     ? m.bird.socket
                                    : m.bird.protocol) = std::string(*text);
        }
      });
    } else {
      p.ForEachKey(f, "mitigation.nftables", kNftKeys, [&](const Field& k) {
        if (k.name == "enabled") {
          if (const auto on = p.Bool(k)) {
            m.nftables.enabled = *on;
          }
        } else if (const auto text = p.Text(k, "a name")) {
          (k.name == "table" ? m.nftables.table : m.nftables.netns) = std::string(*text);
        }
      });
    }
  });
  if (m.flowspec_rate_limit && m.flowspec_rate_bps <= 0) {
    p.Error(section, "mitigation.flowspec: 'rate-limit' needs a 'rate', e.g. '10 Mbps'");
  }
}

}  // namespace rampart::config_internal
