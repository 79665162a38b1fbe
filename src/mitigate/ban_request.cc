#include "mitigate/ban_request.h"

#include <string>
#include <vector>

namespace rampart::mitigate {
namespace {

using Json = nlohmann::ordered_json;

//! The field when it is a string (or absent: ""); nullopt when it has another type.
std::optional<std::string> Text(const Json& request, const char* key) {
  const auto it = request.find(key);
  if (it == request.end()) {
    return std::string();
  }
  if (!it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

}  // namespace

Json HandleBanRequest(BanManager& bans, const Json& request, bool dry_run, TimestampNs now) {
  if (!request.is_object()) {
    return {{"error", "a request is one JSON object"}};
  }
  const auto command = Text(request, "command");
  if (!command) {
    return {{"error", "'command' is a string: add, remove or list"}};
  }
  if (*command == "list") {
    return {{"bans", bans.List()}, {"dry_run", dry_run}};
  }
  if (*command == "add") {
    const auto target = Text(request, "target");
    const auto reason = Text(request, "reason");
    std::vector<std::string> actions;
    const auto list = request.find("actions");
    bool actions_ok = list == request.end() || list->is_array();
    if (actions_ok && list != request.end()) {
      for (const Json& a : *list) {
        actions_ok = actions_ok && a.is_string();
        if (a.is_string()) {
          actions.push_back(a.get<std::string>());
        }
      }
    }
    const auto time = request.find("ban_time_s");
    const bool time_ok = time == request.end() || (time->is_number() && time->get<double>() >= 0 &&
                                                   time->get<double>() <= 365.0 * 86400);
    if (!target || target->empty() || !reason || !actions_ok || !time_ok) {
      return {{"error",
               "add takes 'target' (an address or prefix), 'actions' (a list of "
               "names), 'ban_time_s' (0 to a year) and 'reason' (text)"}};
    }
    return bans.Add(*target, actions, time == request.end() ? 0 : time->get<double>(), *reason,
                    now);
  }
  if (*command == "remove") {
    const auto id = request.find("id");
    if (id == request.end() || !id->is_number_unsigned()) {
      return {{"error", "remove takes 'id', a ban's number"}};
    }
    return bans.Remove(id->get<uint64_t>(), now);
  }
  return {{"error", "unknown command (add, remove, list)"}};
}

}  // namespace rampart::mitigate
