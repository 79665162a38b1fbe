#include "config/yaml_input.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

namespace rampart {
namespace {

constexpr size_t kMaxFileBytes = size_t{16} << 20;

//! Where the first character that is neither white space nor part of a comment is.
struct NonBlank {
  bool found = false;
  int line = 0;
  int column = 0;
  char character = 0;
};

NonBlank FirstContent(std::string_view text) {
  NonBlank out;
  int line = 1;
  int column = 1;
  bool comment = false;
  for (const char c : text) {
    if (c == '\n') {
      ++line;
      column = 1;
      comment = false;
      continue;
    }
    if (c == '#') {
      comment = true;
    }
    if (!comment && c != ' ' && c != '\t' && c != '\r') {
      // A document marker alone is not content.
      if (c == '-' || c == '.') {
        ++column;
        continue;
      }
      out = NonBlank{true, line, column, c};
      return out;
    }
    ++column;
  }
  return out;
}

//! Counts documents as the parser meets them and remembers where the second one starts.
class DocumentCounter : public YAML::EventHandler {
 public:
  YAML::Mark second_start = YAML::Mark::null_mark();

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) {
      second_start = mark;
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnScalar(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {}
  void OnSequenceStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/,
                       YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value /*style*/) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {}
  void OnMapEnd() override {}

 private:
  int documents_ = 0;
};

}  // namespace

ConfigError ErrorAt(const YAML::Mark& mark, std::string message) {
  ConfigError error;
  if (!mark.is_null()) {
    error.line = mark.line + 1;
    error.column = mark.column + 1;
  }
  error.message = std::move(message);
  return error;
}

bool ReadConfigFile(const std::string& path, std::string* text, std::string* error) {
  errno = 0;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    *error = std::strerror(errno);
    return false;
  }
  std::array<char, 1 << 16> buffer;
  size_t got = 0;
  bool too_big = false;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
    text->append(buffer.data(), got);
    if (text->size() > kMaxFileBytes) {
      too_big = true;
      break;
    }
  }
  const int saved_errno = errno;
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    *error = std::strerror(saved_errno != 0 ? saved_errno : EIO);
    return false;
  }
  if (too_big) {
    *error = fmt::format("larger than {} MiB; not a configuration file", kMaxFileBytes >> 20);
    return false;
  }
  return true;
}

bool LoadSingleDocument(const std::string& text, YAML::Node* root,
                        std::vector<ConfigError>* errors) {
  // Not YAML::LoadAll: in yaml-cpp 0.7 (Debian 12) it loops forever, allocating, on a stream
  // that starts with a token no node can begin with, such as ',' (yaml-cpp issue #1040, fixed
  // upstream after 0.8). Load the first document, then count documents with a bounded loop.
  *root = YAML::Load(text);
  const NonBlank content = FirstContent(text);
  if (root->IsNull() && content.found) {
    errors->push_back(ConfigError{
        content.line, content.column,
        fmt::format("YAML syntax error: nothing can start with '{}'", content.character)});
    return false;
  }
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentCounter counter;
  for (int document = 0; document < 3 && parser.HandleNextDocument(counter); ++document) {
  }
  if (counter.second_start.line >= 0) {
    errors->push_back(ErrorAt(counter.second_start,
                              "a configuration is one YAML document; a second one starts here"));
  }
  return true;
}

}  // namespace rampart
