// The default-credential list: its YAML loader (strict: unknown keys, bad types and out-of-range
// values are errors with their line and column) and the exact-pair lookup.
#include "iot/credentials.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <set>
#include <utility>

#include "config/config.h"
#include "config/yaml_input.h"

namespace rampart::iot {
namespace {

constexpr std::string_view kEntryKeys = "user, password, weight, source, vendor, also";
constexpr size_t kMaxSourceIdBytes = 64;
constexpr size_t kMaxVendorBytes = 127;

//! Overwrites a buffer that held a password, in a way the compiler may not drop.
void Wipe(char* data, size_t size) {
  volatile char* p = data;
  for (size_t i = 0; i < size; ++i) {
    p[i] = 0;
  }
}

//! A parse failure with where it happened; turned into "line L, column C: message".
struct LoadError {
  YAML::Mark mark;
  std::string message;
};

//! One entry read from the document, not yet added.
struct ParsedEntry {
  DefaultCredential credential;
  std::vector<std::string> also;
};

bool HasLineBreakOrNul(std::string_view text) {
  return text.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos;
}

bool ValidSourceId(std::string_view id) {
  if (id.empty() || id.size() > kMaxSourceIdBytes) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != ',' && c != '[' && c != ']';
  });
}

//! Reads one document into entries and new sources; all or nothing.
class Loader {
 public:
  Loader(const std::map<std::string, std::string>& known, std::string_view origin)
      : known_(known), origin_(origin) {}

  bool Load(const YAML::Node& root) {
    if (!root.IsMap()) {
      return Fail(root.Mark(), root.IsNull()
                                   ? "the document is empty; expected a 'credentials' list"
                                   : "the document must be a map with 'sources' (optional) "
                                     "and 'credentials'");
    }
    YAML::Node sources;
    YAML::Node credentials;
    bool have_credentials = false;
    std::set<std::string> seen;
    for (const auto& item : root) {
      const YAML::Node& key = item.first;
      const std::string name = key.IsScalar() ? key.Scalar() : std::string();
      if (!seen.insert(name).second) {
        return Fail(key.Mark(), fmt::format("duplicate key '{}'", name));
      }
      if (name == "sources") {
        sources.reset(item.second);
      } else if (name == "credentials") {
        credentials.reset(item.second);
        have_credentials = true;
      } else {
        return Fail(key.Mark(),
                    fmt::format("unknown key '{}' (expected sources, credentials)", name));
      }
    }
    if (!LoadSources(sources)) {
      return false;
    }
    if (!have_credentials) {
      return Fail(root.Mark(), "no 'credentials' list");
    }
    if (!credentials.IsSequence()) {
      return Fail(credentials.Mark(), "'credentials' must be a list");
    }
    size_t index = 0;
    for (const auto& node : credentials) {
      if (!LoadEntry(node, index)) {
        return false;
      }
      ++index;
    }
    return true;
  }

  const LoadError& error() const { return error_; }
  std::vector<ParsedEntry>& entries() { return entries_; }
  std::map<std::string, std::string>& new_sources() { return new_sources_; }

 private:
  bool Fail(const YAML::Mark& mark, std::string message) {
    error_ = LoadError{mark, std::move(message)};
    return false;
  }

  bool IsKnownSource(const std::string& id) const {
    return known_.count(id) != 0 || new_sources_.count(id) != 0 || id == origin_;
  }

  bool LoadSources(const YAML::Node& sources) {
    if (sources.IsNull()) {
      return true;
    }
    if (!sources.IsMap()) {
      return Fail(sources.Mark(), "'sources' must be a map of source id to description");
    }
    for (const auto& item : sources) {
      const YAML::Node& key = item.first;
      const YAML::Node& value = item.second;
      if (!key.IsScalar() || !ValidSourceId(key.Scalar())) {
        return Fail(key.Mark(), fmt::format("a source id is 1 to {} printable characters without "
                                            "spaces, commas or brackets",
                                            kMaxSourceIdBytes));
      }
      const std::string& id = key.Scalar();
      if (!value.IsScalar() || value.Scalar().empty()) {
        return Fail(value.Mark(), fmt::format("sources.{} must be a description (text)", id));
      }
      if (new_sources_.count(id) != 0) {
        return Fail(key.Mark(), fmt::format("source '{}' is defined twice", id));
      }
      const auto known = known_.find(id);
      if (known != known_.end() && known->second != value.Scalar()) {
        return Fail(key.Mark(),
                    fmt::format("source '{}' is already defined with another description", id));
      }
      new_sources_.emplace(id, value.Scalar());
    }
    return true;
  }

  //! A string field's text, or an error: present, a scalar, within `max_bytes`.
  bool Text(const YAML::Node& value, const std::string& where, size_t max_bytes, std::string* out) {
    if (!value.IsScalar()) {
      return Fail(value.Mark(), value.IsNull()
                                    ? fmt::format("{} has no value (write \"\" for empty)", where)
                                    : fmt::format("{} must be text", where));
    }
    if (value.Scalar().size() > max_bytes) {
      return Fail(value.Mark(), fmt::format("{} is longer than {} bytes", where, max_bytes));
    }
    *out = value.Scalar();
    return true;
  }

  bool LoadEntry(const YAML::Node& node, size_t index) {
    const std::string name = fmt::format("credentials[{}]", index);
    if (!node.IsMap()) {
      return Fail(node.Mark(),
                  fmt::format("{} must be a map like {{user: root, password: xc3511}}", name));
    }
    ParsedEntry parsed;
    DefaultCredential& c = parsed.credential;
    bool have_user = false;
    bool have_password = false;
    bool have_source = false;
    std::set<std::string> seen;
    for (const auto& item : node) {
      const YAML::Node& key = item.first;
      const YAML::Node& value = item.second;
      const std::string field = key.IsScalar() ? key.Scalar() : std::string();
      std::string where = name;
      where += '.';
      where += field;
      if (!seen.insert(field).second) {
        return Fail(key.Mark(), fmt::format("{}: duplicate key '{}'", name, field));
      }
      if (field == "user") {
        if (!Text(value, where, CredentialList::kMaxUserBytes, &c.user)) {
          return false;
        }
        if (c.user.empty()) {
          return Fail(value.Mark(), where + " is empty");
        }
        if (HasLineBreakOrNul(c.user)) {
          return Fail(value.Mark(), where + " contains a NUL, CR or LF");
        }
        have_user = true;
      } else if (field == "password") {
        if (!Text(value, where, CredentialList::kMaxPasswordBytes, &c.password)) {
          return false;
        }
        if (HasLineBreakOrNul(c.password)) {
          return Fail(value.Mark(), where + " contains a NUL, CR or LF");
        }
        have_password = true;
      } else if (field == "weight") {
        if (!LoadWeight(value, where, &c.weight)) {
          return false;
        }
      } else if (field == "source") {
        if (!Text(value, where, kMaxSourceIdBytes, &c.source)) {
          return false;
        }
        if (!IsKnownSource(c.source)) {
          return Fail(value.Mark(), fmt::format("{}: unknown source '{}' (define it under "
                                                "'sources')",
                                                where, c.source));
        }
        have_source = true;
      } else if (field == "vendor") {
        if (!Text(value, where, kMaxVendorBytes, &c.vendor)) {
          return false;
        }
      } else if (field == "also") {
        if (!LoadAlso(value, where, &parsed.also)) {
          return false;
        }
      } else {
        return Fail(key.Mark(),
                    fmt::format("{}: unknown key '{}' (expected {})", name, field, kEntryKeys));
      }
    }
    if (!have_user) {
      return Fail(node.Mark(), name + " has no 'user'");
    }
    if (!have_password) {
      return Fail(node.Mark(), name + " has no 'password' (write password: \"\" for an empty one)");
    }
    if (!have_source) {
      if (origin_.empty()) {
        return Fail(node.Mark(), name + " has no 'source'");
      }
      c.source = std::string(origin_);
    }
    entries_.push_back(std::move(parsed));
    return true;
  }

  bool LoadWeight(const YAML::Node& value, const std::string& where, uint32_t* weight) {
    const std::string range =
        fmt::format("a whole number from 1 to {}", CredentialList::kMaxWeight);
    if (!value.IsScalar()) {
      return Fail(value.Mark(), fmt::format("{} must be {}", where, range));
    }
    const std::string& text = value.Scalar();
    uint64_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end != text.data() + text.size() || number < 1 ||
        number > CredentialList::kMaxWeight) {
      return Fail(value.Mark(), fmt::format("{} is '{}'; it must be {}", where, text, range));
    }
    *weight = static_cast<uint32_t>(number);
    return true;
  }

  bool LoadAlso(const YAML::Node& value, const std::string& where, std::vector<std::string>* also) {
    if (!value.IsSequence()) {
      return Fail(value.Mark(), where + " must be a list of source ids");
    }
    for (const auto& id : value) {
      if (!id.IsScalar() || !IsKnownSource(id.Scalar())) {
        return Fail(id.Mark(), fmt::format("{}: unknown source '{}' (define it under 'sources')",
                                           where, id.IsScalar() ? id.Scalar() : std::string()));
      }
      also->push_back(id.Scalar());
    }
    return true;
  }

  const std::map<std::string, std::string>& known_;
  std::string_view origin_;
  std::vector<ParsedEntry> entries_;
  std::map<std::string, std::string> new_sources_;
  LoadError error_;
};

}  // namespace

size_t CredentialList::KeyHash::operator()(std::string_view key) const {
  return std::hash<std::string_view>()(key);
}

CredentialList CredentialList::Builtin() {
  static const CredentialList kBuiltin = [] {
    CredentialList list;
    std::string error;
    if (!list.AddYaml(BuiltinDefaultCredentialsYaml(), "builtin", &error)) {
      // The file is checked by the unit tests; a broken one is a build defect, not input.
      std::fprintf(stderr, "rampart: data/default_credentials.yaml is invalid: %s\n",
                   error.c_str());
      std::abort();
    }
    return list;
  }();
  return kBuiltin;
}

bool CredentialList::AddYaml(std::string_view yaml_text, std::string_view origin,
                             std::string* error) {
  if (yaml_text.size() > kMaxYamlBytes) {
    *error = fmt::format("larger than {} MiB; not a credential list", kMaxYamlBytes >> 20);
    return false;
  }
  try {
    YAML::Node root;
    std::vector<ConfigError> errors;
    if (!LoadSingleDocument(std::string(yaml_text), &root, &errors) || !errors.empty()) {
      *error = errors.empty() ? std::string("not a YAML document") : errors.front().ToString();
      return false;
    }
    Loader loader(sources_, origin);
    if (!loader.Load(root)) {
      *error = ErrorAt(loader.error().mark, loader.error().message).ToString();
      return false;
    }
    // Nothing below can fail on input: commit.
    for (auto& [id, description] : loader.new_sources()) {
      sources_.emplace(id, std::move(description));
    }
    for (ParsedEntry& parsed : loader.entries()) {
      if (parsed.credential.source == origin && sources_.count(parsed.credential.source) == 0) {
        sources_.emplace(parsed.credential.source, fmt::format("loaded from {}", origin));
      }
      AddWithAlso(std::move(parsed.credential), parsed.also);
    }
    return true;
  } catch (const YAML::Exception& e) {
    *error = ErrorAt(e.mark, "YAML syntax error: " + e.msg).ToString();
  } catch (const std::exception& e) {
    *error = fmt::format("cannot load the credential list: {}", e.what());
  }
  return false;
}

void CredentialList::Add(DefaultCredential entry) {
  AddWithAlso(std::move(entry), {});
}

void CredentialList::AddWithAlso(DefaultCredential entry, const std::vector<std::string>& also) {
  std::string key = entry.user;
  key.push_back('\0');
  key += entry.password;
  const auto [it, inserted] = by_pair_.try_emplace(std::move(key), static_cast<int>(size()));
  const auto index = static_cast<size_t>(it->second);
  if (inserted) {
    users_.insert(entry.user);
    entries_.push_back(std::move(entry));
    also_.emplace_back();
  } else {
    DefaultCredential& existing = entries_[index];
    existing.weight = std::max(existing.weight, entry.weight);
    if (existing.vendor.empty()) {
      existing.vendor = std::move(entry.vendor);
    }
  }
  std::vector<std::string>& others = also_[index];
  auto note = [&](const std::string& id) {
    if (id != entries_[index].source &&
        std::find(others.begin(), others.end(), id) == others.end()) {
      others.push_back(id);
    }
  };
  if (!inserted) {
    note(entry.source);  // NOLINT(bugprone-use-after-move): moved only when inserted
  }
  for (const std::string& id : also) {
    note(id);
  }
}

int CredentialList::Match(std::string_view user, std::string_view password) const {
  // No listed user contains a NUL, so one here could only shift the user/password boundary.
  if (user.size() > kMaxUserBytes || password.size() > kMaxPasswordBytes ||
      user.find('\0') != std::string_view::npos) {
    return -1;
  }
  // The key is built on the stack and wiped: the password must not linger in freed heap.
  std::array<char, kMaxUserBytes + 1 + kMaxPasswordBytes> key;
  std::memcpy(key.data(), user.data(), user.size());
  key[user.size()] = '\0';
  std::memcpy(key.data() + user.size() + 1, password.data(), password.size());
  const size_t size = user.size() + 1 + password.size();
  const auto it = by_pair_.find(std::string_view(key.data(), size));
  const int index = it == by_pair_.end() ? -1 : it->second;
  Wipe(key.data(), size);
  return index;
}

bool CredentialList::HasUser(std::string_view user) const {
  return users_.find(user) != users_.end();
}

}  // namespace rampart::iot
