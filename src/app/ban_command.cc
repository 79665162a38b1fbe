#include "app/ban_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "app/analyze_command.h"
#include "config/config.h"
#include "sensor/control_socket.h"

namespace rampart {
namespace {

//! "90s", "10m", "2h", "1d" or plain seconds; -1 when it is none of these.
double Seconds(const std::string& text) {
  if (text.empty()) {
    return 0;
  }
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return -1;
  }
  const std::string unit = text.substr(used);
  const double scale = unit.empty() || unit == "s" ? 1
                       : unit == "m"               ? 60
                       : unit == "h"               ? 3600
                       : unit == "d"               ? 86400
                                                   : -1;
  return scale < 0 || value <= 0 ? -1 : value * scale;
}

void PrintBan(const nlohmann::ordered_json& ban) {
  std::string actions;
  for (const auto& a : ban.value("announcements", nlohmann::ordered_json::array())) {
    actions += fmt::format("\n      {}", a.value("text", ""));
  }
  fmt::print("  #{} {} {} until {}{}\n    {}{}\n", ban.value("id", 0), ban.value("target", ""),
             ban.value("state", ""), ban.value("expires", ""),
             ban.value("dry_run", false) ? " (dry-run: nothing announced)" : "",
             ban.value("reason", ""), actions);
}

}  // namespace

int RunBan(const BanOptions& options) {
  std::string socket = options.socket;
  if (socket.empty()) {
    Config config = DefaultConfig();
    if (!options.config_path.empty()) {
      std::vector<ConfigError> errors;
      auto loaded = LoadConfig(options.config_path, &errors);
      if (!loaded) {
        fmt::print(stderr, "rampart ban: {}: {}\n", options.config_path,
                   errors.empty() ? "unreadable" : errors[0].ToString());
        return exit_code::kUsage;
      }
      config = std::move(*loaded);
    }
    socket = config.mitigation.control_socket;
  }
  nlohmann::ordered_json request = {{"command", options.command}};
  if (options.command == "add") {
    const double seconds = Seconds(options.ban_time);
    if (seconds < 0) {
      fmt::print(stderr, "rampart ban: --time takes a duration like 10m, not '{}'\n",
                 options.ban_time);
      return exit_code::kUsage;
    }
    request["target"] = options.target;
    request["actions"] = options.actions;
    request["ban_time_s"] = seconds;
    request["reason"] = options.reason;
  } else if (options.command == "remove") {
    request["id"] = options.id;
  }
  std::string error;
  const auto reply = sensor::ControlRequest(socket, request, &error);
  if (!reply) {
    fmt::print(stderr, "rampart ban: {}\n", error);
    return exit_code::kUsage;
  }
  if (options.json) {
    std::cout << reply->dump() << '\n';
  } else if (reply->contains("error")) {
    fmt::print(stderr, "rampart ban: {}\n", reply->value("error", ""));
  } else if (options.command == "list") {
    const auto& bans = reply->at("bans");
    fmt::print("{} active ban(s){}\n", bans.size(),
               reply->value("dry_run", false) ? " (dry-run)" : "");
    for (const auto& ban : bans) {
      PrintBan(ban);
    }
  } else {
    PrintBan(*reply);
  }
  return reply->contains("error") ? 1 : 0;
}

}  // namespace rampart
