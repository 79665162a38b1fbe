// The shared parts of the configuration parser: key lists, value readers and error reports
// (declared in config_parser_base.h).
#include "config/config_parser_base.h"

namespace rampart::config_internal {

const RateSpec& Spec(RateKind kind) {
  static const RateSpec kPackets{"a packet rate", "pps", "100k pps", {"pps", "pps"}};
  static const RateSpec kBits{"a bit rate", "bps, kbps, Mbps, Gbps", "1 Gbps", {"bps", "bps"}};
  static const RateSpec kFlows{"a flow rate", "flows/s, fps", "20k flows/s", {"flows/s", "fps"}};
  switch (kind) {
    case RateKind::kBits:
      return kBits;
    case RateKind::kFlows:
      return kFlows;
    case RateKind::kPackets:
      break;
  }
  return kPackets;
}

KeyList VectorKeys() {
  static const std::array<std::string_view, kVectorCount> kNames = [] {
    std::array<std::string_view, kVectorCount> names{};
    for (size_t i = 0; i < kVectorCount; ++i) {
      names[i] = VectorName(static_cast<Vector>(i));
    }
    return names;
  }();
  return kNames;
}

std::span<const Section> Sections() {
  static const Section kSections[] = {
      {"the top level", kTopKeys},
      {"whitelist", kWhitelistKeys},
      {"detection", kDetectionKeys},
      {"detection.prefix_length", kPrefixLengthKeys},
      {"detection.baseline", kBaselineKeys},
      {"thresholds", kDirectionKeys},
      {"a threshold map (thresholds.incoming, thresholds.outgoing, "
       "detection.prefix_thresholds, a hostgroup's incoming or outgoing)",
       kThresholdKeys},
      {"a hostgroup", kHostgroupKeys},
      {"vectors", VectorKeys()},
      {"iot", kIotKeys},
      {"iot.scans", kIotScanKeys},
      {"iot.brute_force", kIotBruteKeys},
      {"iot.ports", kIotPortKeys},
      {"iot.sessions", kIotSessionKeys},
      {"an iot.default_credentials entry", kCredentialKeys},
      {"dns", kDnsKeys},
      {"a dns.zones entry", kDnsZoneKeys},
      {"sensor", kSensorKeys},
      {"outputs", kOutputKeys},
      {"outputs.webhook", kWebhookKeys},
      {"mitigation", kMitigationKeys},
      {"mitigation.blackhole", kBlackholeKeys},
      {"mitigation.flowspec", kFlowspecKeys},
      {"a mitigation.rules entry", kMitigationRuleKeys},
      {"mitigation.gobgp", kGobgpKeys},
      {"mitigation.exabgp", kExabgpKeys},
      {"mitigation.bird", kBirdKeys},
      {"mitigation.nftables", kNftKeys},
  };
  return kSections;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

size_t EditDistance(std::string_view a_text, std::string_view b_text) {
  const std::string a = Lower(a_text);
  const std::string b = Lower(b_text);
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string_view> Closest(std::string_view word, KeyList keys) {
  constexpr size_t kMaxDistance = 2;
  if (word.size() > 64) {
    return std::nullopt;
  }
  std::optional<std::string_view> best;
  size_t best_distance = kMaxDistance + 1;
  for (const std::string_view key : keys) {
    const size_t distance = EditDistance(word, key);
    if (distance < best_distance) {
      best = key;
      best_distance = distance;
    }
  }
  return best;
}

std::string Join(KeyList keys) {
  return fmt::format("{}", fmt::join(keys, ", "));
}

std::string Quote(std::string_view text) {
  constexpr size_t kMax = 60;
  const size_t newline = text.find('\n');
  const bool cut = newline != std::string_view::npos || text.size() > kMax;
  text = text.substr(0, std::min(newline, kMax));
  return fmt::format("'{}{}'", text, cut ? "..." : "");
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    default:
      return "nothing";
  }
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<LeadingNumber> ReadNumber(std::string_view text) {
  LeadingNumber number;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number.value);
  if (ec != std::errc() || !std::isfinite(number.value)) {
    return std::nullopt;
  }
  number.rest = text.substr(static_cast<size_t>(end - text.data()));
  if (!number.rest.empty() && (number.rest.front() == '.' ||
                               std::isdigit(static_cast<unsigned char>(number.rest.front())))) {
    return std::nullopt;  // "1.2.3"
  }
  number.rest = Trim(number.rest);
  return number;
}

bool Overlap(const Prefix& a, const Prefix& b) {
  const Prefix& wide = a.length <= b.length ? a : b;
  const Prefix& narrow = a.length <= b.length ? b : a;
  return wide.Contains(narrow.address);
}

void ParserBase::Error(const YAML::Mark& mark, std::string message) {
  errors_->push_back(ErrorAt(mark, std::move(message)));
}

void ParserBase::Error(const Field& f, std::string message) {
  const bool at_key = f.value.IsNull() || f.value.Mark().is_null();
  Error(at_key ? f.key.Mark() : f.value.Mark(), std::move(message));
}

std::string ParserBase::UnknownKey(std::string_view name, std::string_view path, KeyList keys,
                                   bool is_vector) {
  const std::string where = path.empty() ? "at the top level" : fmt::format("in {}", path);
  const std::string_view noun = is_vector ? "vector" : "key";
  std::string message = fmt::format("unknown {} {} {}", noun, Quote(name), where);
  if (const auto closest = Closest(name, keys)) {
    message += fmt::format(" (did you mean '{}'?)", *closest);
    if (is_vector) {
      message += fmt::format("; vectors: {}", Join(keys));
    }
    return message;
  }
  if (is_vector) {
    return message + fmt::format("; vectors: {}", Join(keys));
  }
  std::vector<std::string_view> elsewhere;
  for (const Section& section : Sections()) {
    if (section.keys.data() != keys.data() &&
        std::find(section.keys.begin(), section.keys.end(), name) != section.keys.end()) {
      elsewhere.push_back(section.label);
    }
  }
  if (!elsewhere.empty()) {
    return message + fmt::format(" ('{}' goes in {})", name, fmt::join(elsewhere, " or "));
  }
  return message + fmt::format(" (known keys: {})", Join(keys));
}

std::optional<std::string_view> ParserBase::Text(const Field& f, std::string_view expected) {
  if (f.value.IsNull()) {
    Error(f, fmt::format("'{}' has no value; it takes {}", f.name, expected));
    return std::nullopt;
  }
  if (!f.value.IsScalar()) {
    Error(f, fmt::format("'{}' takes {}, not {}", f.name, expected, Describe(f.value)));
    return std::nullopt;
  }
  return Trim(f.value.Scalar());
}

std::optional<double> ParserBase::Rate(const Field& f, RateKind kind) {
  const RateSpec& spec = Spec(kind);
  const auto text = Text(f, fmt::format("{} like '{}'", spec.what, spec.example));
  if (!text) {
    return std::nullopt;
  }
  const auto number = ReadNumber(*text);
  if (!number) {
    Error(f, fmt::format("{} is not a rate; '{}' takes a number and a unit, e.g. '{}'",
                         Quote(*text), f.name, spec.example));
    return std::nullopt;
  }
  if (number->value < 0) {
    Error(f, fmt::format("'{}' must not be negative ({})", f.name, Quote(*text)));
    return std::nullopt;
  }
  std::string_view unit = number->rest;
  double scale = 1;
  if (!unit.empty()) {
    switch (unit.front()) {
      case 'k':
      case 'K':
        scale = 1e3;
        break;
      case 'M':
        scale = 1e6;
        break;
      case 'G':
        scale = 1e9;
        break;
      default:
        break;
    }
    if (scale != 1) {
      unit = Trim(unit.substr(1));
    }
  }
  if (unit.empty()) {
    Error(f, fmt::format("threshold '{}' needs a unit, e.g. '{}'", f.name, spec.example));
    return std::nullopt;
  }
  if (std::find(spec.accepted.begin(), spec.accepted.end(), unit) == spec.accepted.end()) {
    Error(f, fmt::format("'{}' takes {} ({}), not {}", f.name, spec.what, spec.units, Quote(unit)));
    return std::nullopt;
  }
  return number->value * scale;
}

std::optional<uint32_t> ParserBase::Whole(const Field& f, double low, double high) {
  const auto number = Number(f);
  if (!number) {
    return std::nullopt;
  }
  if (*number != std::floor(*number) || *number < low || *number > high) {
    Error(f, fmt::format("'{}' takes a whole number from {} to {}, not {}", f.name, low, high,
                         *number));
    return std::nullopt;
  }
  return static_cast<uint32_t>(*number);
}

std::optional<double> ParserBase::Duration(const Field& f, double max_seconds) {
  const auto text = Text(f, "a duration like '1s' or '500ms'");
  if (!text) {
    return std::nullopt;
  }
  const auto number = ReadNumber(*text);
  if (!number) {
    Error(f, fmt::format("{} is not a duration; '{}' takes a number and a unit (ms, s, m, h), "
                         "e.g. '1s'",
                         Quote(*text), f.name));
    return std::nullopt;
  }
  if (number->value < 0) {
    Error(f, fmt::format("'{}' must not be negative ({})", f.name, Quote(*text)));
    return std::nullopt;
  }
  const std::string_view unit = number->rest;
  if (unit.empty()) {
    Error(f, fmt::format("duration '{}' needs a unit, e.g. '1s' or '500ms'", f.name));
    return std::nullopt;
  }
  double scale = 0;
  if (unit == "ms") {
    scale = 1e-3;
  } else if (unit == "s") {
    scale = 1;
  } else if (unit == "m") {
    scale = 60;
  } else if (unit == "h") {
    scale = 3600;
  } else {
    Error(f, fmt::format("'{}' takes a duration (ms, s, m, h), not {}", f.name, Quote(unit)));
    return std::nullopt;
  }
  const double seconds = number->value * scale;
  if (seconds > max_seconds) {
    Error(f, fmt::format("'{}' must be at most {}h, not {}", f.name, max_seconds / 3600,
                         Quote(*text)));
    return std::nullopt;
  }
  return seconds;
}

std::optional<double> ParserBase::Number(const Field& f) {
  const auto text = Text(f, "a number");
  if (!text) {
    return std::nullopt;
  }
  const auto number = ReadNumber(*text);
  if (!number || !number->rest.empty()) {
    Error(f, fmt::format("'{}' takes a number, not {}", f.name, Quote(*text)));
    return std::nullopt;
  }
  return number->value;
}

std::optional<bool> ParserBase::Bool(const Field& f) {
  const auto text = Text(f, "true or false");
  if (!text) {
    return std::nullopt;
  }
  const std::string lower = Lower(*text);  // YAML 1.1 spellings, in any case
  if (lower == "true" || lower == "yes" || lower == "on") {
    return true;
  }
  if (lower == "false" || lower == "no" || lower == "off") {
    return false;
  }
  Error(f, fmt::format("'{}' takes true or false, not {}", f.name, Quote(*text)));
  return std::nullopt;
}

std::vector<PrefixAt> ParserBase::Prefixes(const Field& f, size_t* entries) {
  std::vector<PrefixAt> prefixes;
  if (entries != nullptr) {
    *entries = 0;
  }
  if (f.value.IsNull()) {
    return prefixes;
  }
  if (!f.value.IsSequence()) {
    Error(f, fmt::format("'{}' takes a list of prefixes, e.g. [198.51.100.0/24], not {}", f.name,
                         Describe(f.value)));
    return prefixes;
  }
  for (const YAML::Node& entry : f.value) {
    if (entries != nullptr) {
      ++*entries;
    }
    const YAML::Mark mark = entry.Mark().is_null() ? f.value.Mark() : entry.Mark();
    if (!entry.IsScalar()) {
      Error(mark, fmt::format("each entry of '{}' is a prefix like '198.51.100.0/24', not {}",
                              f.name, Describe(entry)));
      continue;
    }
    const std::string_view text = Trim(entry.Scalar());
    const auto prefix = Prefix::Parse(text);
    if (!prefix) {
      Error(mark, fmt::format("{} is not a valid prefix", Quote(text)));
      continue;
    }
    prefixes.push_back({*prefix, mark});
  }
  return prefixes;
}

}  // namespace rampart::config_internal
