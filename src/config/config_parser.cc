// The YAML configuration (docs/configuration.md) into a Config. Every section is checked
// against its known keys and every value against its type and unit; errors are collected with
// their line and column instead of stopping at the first, and nothing throws out of here.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_parser_base.h"
#include "config/yaml_input.h"

namespace rampart {
namespace {

using namespace config_internal;  // NOLINT(google-build-using-namespace): the module's own helpers

class Parser : public ParserBase {
 public:
  explicit Parser(std::vector<ConfigError>* errors) : ParserBase(errors) {}

  void Root(const YAML::Node& root, Config& config) {
    if (root.IsNull()) {
      return;
    }
    if (!root.IsMap()) {
      Error(root.Mark(), fmt::format("a configuration is a map of sections ({}), not {}",
                                     Join(kTopKeys), Describe(root)));
      return;
    }
    std::optional<Field> networks;
    std::optional<Field> whitelist;
    std::optional<Field> detection;
    std::optional<Field> thresholds;
    std::optional<Field> hostgroups;
    std::optional<Field> iot;
    std::optional<Field> dns;
    std::optional<Field> sensor;
    std::optional<Field> outputs;
    std::optional<Field> mitigation;
    ForEachKey(Field{"configuration", root, root}, "", kTopKeys, [&](const Field& f) {
      std::optional<Field>& slot = f.name == "networks"     ? networks
                                   : f.name == "whitelist"  ? whitelist
                                   : f.name == "detection"  ? detection
                                   : f.name == "thresholds" ? thresholds
                                   : f.name == "iot"        ? iot
                                   : f.name == "dns"        ? dns
                                   : f.name == "sensor"     ? sensor
                                   : f.name == "outputs"    ? outputs
                                   : f.name == "mitigation" ? mitigation
                                                            : hostgroups;
      slot.emplace(f);
    });
    // Hostgroups copy the defaults policy, so every section that shapes it comes first,
    // whatever the order in the file.
    if (networks) {
      const size_t before = errors_->size();
      for (const PrefixAt& p : Prefixes(*networks)) {
        config.networks.push_back(p.prefix);
      }
      networks_valid_ = errors_->size() == before;
    }
    if (whitelist) {
      ForEachKey(*whitelist, "whitelist", kWhitelistKeys, [&](const Field& f) {
        auto& list = f.name == "local" ? config.whitelist_local : config.whitelist_remote;
        for (const PrefixAt& p : Prefixes(f)) {
          list.push_back(p.prefix);
        }
      });
    }
    if (detection) {
      Detection(*detection, config);
    }
    if (thresholds) {
      ForEachKey(*thresholds, "thresholds", kDirectionKeys, [&](const Field& f) {
        ThresholdMap(f, "thresholds." + f.name,
                     f.name == "incoming" ? config.defaults.incoming : config.defaults.outgoing);
      });
    }
    if (hostgroups) {
      Hostgroups(*hostgroups, config);
    }
    if (iot) {
      ParseIotSection(*this, *iot, config.iot);
    }
    if (dns) {
      ParseDnsSection(*this, *dns, config.dns);
    }
    if (sensor) {
      ParseSensorSection(*this, *sensor, config.sensor);
    }
    if (outputs) {
      ParseOutputSection(*this, *outputs, config.outputs);
    }
    if (mitigation) {
      ParseMitigationSection(*this, *mitigation, config.mitigation);
      CheckMitigationRules(*mitigation, config);
    }
  }

 private:
  //! Rules name hostgroups, which must exist (whatever the order of the sections).
  void CheckMitigationRules(const Field& section, const Config& config) {
    for (const MitigationRule& rule : config.mitigation.rules) {
      if (rule.hostgroup == "default" || rule.hostgroup == "devices") {
        continue;  // the defaults policy, and infected inside devices (quarantine)
      }
      const bool known =
          std::any_of(config.hostgroups.begin(), config.hostgroups.end(),
                      [&](const Hostgroup& g) { return g.policy.name == rule.hostgroup; });
      if (!known) {
        Error(section,
              fmt::format("mitigation rule for hostgroup '{}': no such hostgroup", rule.hostgroup));
      }
    }
  }

  void ThresholdMap(const Field& section, const std::string& path, Thresholds& t) {
    ForEachKey(section, path, kThresholdKeys, [&](const Field& f) {
      if (f.name == "vectors") {
        ForEachKey(
            f, path + ".vectors", VectorKeys(),
            [&](const Field& v) {
              if (const auto rate = Rate(v, RateKind::kPackets)) {
                t.vector_pps[static_cast<size_t>(*VectorFromName(v.name))] = *rate;
              }
            },
            true);
        return;
      }
      for (const ThresholdKey& key : kThresholdFields) {
        if (key.name == f.name) {
          if (const auto rate = Rate(f, key.kind)) {
            t.*key.field = *rate;
          }
        }
      }
    });
  }

  void Detection(const Field& section, Config& config) {
    ForEachKey(section, "detection", kDetectionKeys, [&](const Field& f) {
      if (f.name == "hold" || f.name == "quiet") {
        if (const auto seconds = Duration(f, kMaxHoldSeconds)) {
          (f.name == "hold" ? config.defaults.hold_s : config.defaults.quiet_s) = *seconds;
        }
      } else if (f.name == "prefix_length") {
        ForEachKey(f, "detection.prefix_length", kPrefixLengthKeys, [&](const Field& p) {
          const bool v4 = p.name == "ipv4";
          const int max = v4 ? 32 : 128;
          const auto length = Number(p);
          if (!length) {
            return;
          }
          if (*length < 1 || *length > max || std::floor(*length) != *length) {
            Error(p, fmt::format("'{}' prefix length must be a whole number from 1 to {}, not {}",
                                 p.name, max, Quote(Trim(p.value.Scalar()))));
            return;
          }
          (v4 ? config.prefix_length_v4 : config.prefix_length_v6) = static_cast<uint8_t>(*length);
        });
      } else if (f.name == "prefix_thresholds") {
        ThresholdMap(f, "detection.prefix_thresholds", config.prefix_incoming);
      } else if (f.value.IsScalar()) {  // baseline: false
        if (const auto enabled = Bool(f)) {
          config.defaults.baseline = *enabled;
        }
      } else {
        Baseline(f, config);
      }
    });
  }

  void Baseline(const Field& section, Config& config) {
    ForEachKey(section, "detection.baseline", kBaselineKeys, [&](const Field& f) {
      if (f.name == "enabled") {
        if (const auto enabled = Bool(f)) {
          config.defaults.baseline = *enabled;
        }
      } else if (f.name == "alpha") {
        if (const auto alpha = Number(f)) {
          if (*alpha <= 0 || *alpha > 1) {
            Error(f, fmt::format("'alpha' must be greater than 0 and at most 1, not {}",
                                 Quote(Trim(f.value.Scalar()))));
          } else {
            config.baseline_alpha = *alpha;
          }
        }
      } else if (f.name == "warmup") {
        if (const auto seconds = Duration(f)) {
          config.baseline_warmup_s = *seconds;
        }
      } else if (f.name == "floor") {
        if (const auto rate = Rate(f, RateKind::kPackets)) {
          config.baseline_floor_pps = *rate;
        }
      } else if (const auto sigmas = Number(f)) {
        if (*sigmas <= 0) {
          Error(f, fmt::format("'sigmas' must be greater than 0, not {}",
                               Quote(Trim(f.value.Scalar()))));
        } else {
          config.baseline_sigmas = *sigmas;
        }
      }
    });
  }

  void Hostgroups(const Field& section, Config& config) {
    if (section.value.IsNull()) {
      return;
    }
    if (!section.value.IsSequence()) {
      Error(section, fmt::format("'hostgroups' takes a list of groups (- name: ..., prefixes: "
                                 "[...]), not {}",
                                 Describe(section.value)));
      return;
    }
    struct Claim {
      Prefix prefix;
      size_t group;       // index in the list
      std::string label;  // "hostgroup 'web'"
      int line;
    };
    std::vector<std::pair<std::string, int>> names;  // name, line
    std::vector<Claim> claims;
    size_t index = 0;
    for (const YAML::Node& entry : section.value) {
      const std::string path = fmt::format("hostgroups[{}]", index++);
      const YAML::Mark mark = entry.Mark().is_null() ? section.key.Mark() : entry.Mark();
      if (!entry.IsMap()) {
        Error(mark, fmt::format("each entry of 'hostgroups' is a map ({}), not {}",
                                Join(kHostgroupKeys), Describe(entry)));
        continue;
      }
      Hostgroup group;
      group.policy = config.defaults;
      group.policy.name.clear();
      std::optional<Field> name_field;
      std::optional<Field> prefixes_field;
      std::vector<PrefixAt> prefixes;
      size_t prefix_entries = 0;
      ForEachKey(Field{"hostgroups", entry, entry}, path, kHostgroupKeys, [&](const Field& f) {
        if (f.name == "name") {
          name_field.emplace(f);
          if (const auto text = Text(f, "a name")) {
            if (text->empty()) {
              Error(f, "a hostgroup's 'name' must not be empty");
            } else if (*text == "default") {
              Error(f, "'default' names the defaults policy; choose another hostgroup name");
            } else {
              group.policy.name = std::string(*text);
            }
          }
        } else if (f.name == "prefixes") {
          prefixes_field.emplace(f);
          prefixes = Prefixes(f, &prefix_entries);
        } else if (f.name == "hold" || f.name == "quiet") {
          if (const auto seconds = Duration(f, kMaxHoldSeconds)) {
            (f.name == "hold" ? group.policy.hold_s : group.policy.quiet_s) = *seconds;
          }
        } else if (f.name == "baseline") {
          if (const auto enabled = Bool(f)) {
            group.policy.baseline = *enabled;
          }
        } else {
          ThresholdMap(f, path + "." + f.name,
                       f.name == "incoming" ? group.policy.incoming : group.policy.outgoing);
        }
      });
      const std::string label =
          group.policy.name.empty() ? path : fmt::format("hostgroup '{}'", group.policy.name);
      if (!name_field) {
        Error(mark, fmt::format("{} has no 'name'", label));
      }
      if (prefix_entries == 0) {
        Error(prefixes_field ? prefixes_field->key.Mark() : mark,
              fmt::format("{} has no prefixes", label));
      }
      if (!group.policy.name.empty()) {
        const auto previous = std::find_if(names.begin(), names.end(), [&group](const auto& n) {
          return n.first == group.policy.name;
        });
        if (previous != names.end()) {
          Error(*name_field, fmt::format("duplicate hostgroup name '{}' (first at line {})",
                                         group.policy.name, previous->second));
        } else {
          names.emplace_back(group.policy.name, name_field->value.Mark().line + 1);
        }
      }
      for (const PrefixAt& p : prefixes) {
        const auto claim = std::find_if(claims.begin(), claims.end(),
                                        [&p](const Claim& c) { return c.prefix == p.prefix; });
        if (claim != claims.end() && claim->group != index) {
          Error(p.mark, fmt::format("{} is already in {} (line {})", p.prefix.ToString(),
                                    claim->label, claim->line));
          continue;
        }
        if (networks_valid_ && !config.networks.empty() &&
            std::none_of(config.networks.begin(), config.networks.end(),
                         [&p](const Prefix& n) { return Overlap(n, p.prefix); })) {
          Error(p.mark, fmt::format("{} is outside every protected network ('networks'); "
                                    "the hostgroup would never apply to it",
                                    p.prefix.ToString()));
          continue;
        }
        claims.push_back({p.prefix, index, label, p.mark.line + 1});
        group.prefixes.push_back(p.prefix);
      }
      config.hostgroups.push_back(std::move(group));
    }
  }

  bool networks_valid_ = true;
};

}  // namespace

std::optional<Config> ParseConfig(std::string_view yaml, std::vector<ConfigError>* errors) {
  const size_t first = errors->size();
  Config config = DefaultConfig();
  try {
    YAML::Node root;
    if (LoadSingleDocument(std::string(yaml), &root, errors)) {
      Parser(errors).Root(root, config);
    }
  } catch (const YAML::Exception& e) {
    errors->push_back(ErrorAt(e.mark, fmt::format("YAML syntax error: {}", e.msg)));
  } catch (const std::exception& e) {
    errors->push_back(
        ConfigError{0, 0, fmt::format("cannot read the configuration: {}", e.what())});
  } catch (...) {
    errors->push_back(ConfigError{0, 0, "cannot read the configuration"});
  }
  std::stable_sort(errors->begin() + static_cast<std::ptrdiff_t>(first), errors->end(),
                   [](const ConfigError& a, const ConfigError& b) {
                     return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                   });
  if (errors->size() > first) {
    return std::nullopt;
  }
  return config;
}

std::optional<Config> LoadConfig(const std::string& path, std::vector<ConfigError>* errors) {
  std::string text;
  std::string error;
  if (!ReadConfigFile(path, &text, &error)) {
    errors->push_back(ConfigError{0, 0, error});
    return std::nullopt;
  }
  return ParseConfig(text, errors);
}

}  // namespace rampart
