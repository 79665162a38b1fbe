#pragma once
// Getting a configuration's text into one YAML document, defensively: a bounded file read, and
// a way around yaml-cpp 0.7's LoadAll, which loops forever on some malformed streams.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace rampart {

//! A ConfigError at a yaml-cpp mark (0-based) with 1-based line and column.
ConfigError ErrorAt(const YAML::Mark& mark, std::string message);

//! Reads a whole file of at most 16 MiB; on failure `error` is the reason (strerror text).
bool ReadConfigFile(const std::string& path, std::string* text, std::string* error);

//! Parses the first YAML document of `text` into `root`. False (with errors appended) when the
//! text is not one valid document: a second document, or content yaml-cpp reads as nothing.
//! yaml-cpp exceptions propagate to the caller, who reports them with their mark.
bool LoadSingleDocument(const std::string& text, YAML::Node* root,
                        std::vector<ConfigError>* errors);

}  // namespace rampart
