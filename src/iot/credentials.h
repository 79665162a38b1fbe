#pragma once
// The default-credential list: user name / password pairs that IoT botnets try (Mirai's own
// weighted dictionary) and vendor factory defaults, as shipped in data/default_credentials.yaml
// (compiled into the binary) plus any files an operator adds in the same format.
//
// Use: passive matching of cleartext logins seen on the wire. A match says "this login used a
// publicly known default", which both marks botnet credential guessing and tells the caller the
// pair is no secret. Rampart never logs in anywhere.
//
// Matching runs once per observed login (not per packet), so a hash map of owned strings is fine.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rampart::iot {

//! The text of data/default_credentials.yaml, embedded at build time (generated source).
std::string_view BuiltinDefaultCredentialsYaml();

struct DefaultCredential {
  std::string user;
  std::string password;
  uint32_t weight = 1;
  std::string source;  // source id, e.g. "mirai"
  std::string vendor;  // may be empty
};

class CredentialList {
 public:
  static constexpr size_t kMaxUserBytes = 63;
  static constexpr size_t kMaxPasswordBytes = 127;
  static constexpr uint32_t kMaxWeight = 1000;
  static constexpr size_t kMaxYamlBytes = size_t{4} << 20;

  //! The list shipped in data/default_credentials.yaml (embedded in the binary).
  static CredentialList Builtin();

  //! Adds every entry of a YAML document in the same format (the `sources:` map is optional in
  //! added files; an entry's `source` defaults to `origin`). False with a message (line and
  //! column from yaml-cpp's Mark, like "line 4, column 3: credentials[2] has no 'user'") on any
  //! error; on error nothing is added. Never throws (catch yaml-cpp exceptions). Unknown keys
  //! in an entry are errors (typos must not pass silently). user must be non-empty and at most
  //! 63 bytes; password at most 127 bytes; weight 1..1000.
  //!
  //! Also: a source id an entry names (in `source` or in its optional `also: [ids]`) must be
  //! defined in this document's `sources:` or an earlier one, except `origin` itself, which is
  //! defined on first use (described as "loaded from <origin>"). User names and passwords may
  //! not contain NUL, CR or LF (no login line can). Input is capped at 4 MiB.
  bool AddYaml(std::string_view yaml_text, std::string_view origin, std::string* error);

  //! Adds one entry (duplicates of an existing user+password pair are merged: not added twice).
  //! Merging keeps the larger weight, fills an empty vendor, and records the new entry's source
  //! among the pair's other sources (see also_sources()).
  void Add(DefaultCredential entry);

  //! Index of the entry whose user and password are exactly these (case-sensitive), or -1.
  int Match(std::string_view user, std::string_view password) const;

  //! True when some entry has this user name (used to decide whether a user name alone is
  //! worth remembering).
  bool HasUser(std::string_view user) const;

  const DefaultCredential& entry(size_t index) const { return entries_.at(index); }
  size_t size() const { return entries_.size(); }

  //! Sources other than entry(index).source that list the same pair (the file's `also:` and
  //! merged duplicates), in the order met, without repeats.
  const std::vector<std::string>& also_sources(size_t index) const { return also_.at(index); }

  //! Source id -> description, from the files loaded.
  const std::map<std::string, std::string>& sources() const { return sources_; }

 private:
  //! Lets the maps below be searched with a string_view (no copy of a password on the heap).
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const;
  };

  void AddWithAlso(DefaultCredential entry, const std::vector<std::string>& also);

  std::vector<DefaultCredential> entries_;
  std::vector<std::vector<std::string>> also_;  // parallel to entries_
  // user + '\0' + password -> index in entries_
  std::unordered_map<std::string, int, KeyHash, std::equal_to<>> by_pair_;
  std::unordered_set<std::string, KeyHash, std::equal_to<>> users_;
  std::map<std::string, std::string> sources_;
};

}  // namespace rampart::iot
