#include "app/check_config_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace rampart {
namespace {

std::string Count(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

int RunCheckConfig(const std::string& path) {
  std::vector<ConfigError> errors;
  const auto config = LoadConfig(path, &errors);
  if (!config) {
    for (const ConfigError& e : errors) {
      if (e.line == 0) {
        fmt::print(stderr, "{}: {}\n", path, e.message);
      } else {
        fmt::print(stderr, "{}:{}:{}: {}\n", path, e.line, e.column, e.message);
      }
    }
    if (errors.empty()) {
      fmt::print(stderr, "{}: not a valid configuration\n", path);
    }
    return 1;
  }
  const size_t whitelist = config->whitelist_local.size() + config->whitelist_remote.size();
  fmt::print("{}: ok ({}, {}, {})\n", path, Count(config->networks.size(), "network", "networks"),
             Count(config->hostgroups.size(), "hostgroup", "hostgroups"),
             Count(whitelist, "whitelist entry", "whitelist entries"));
  return 0;
}

}  // namespace rampart
