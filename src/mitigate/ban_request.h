#pragma once
// One control-socket request to the ban manager (`rampart ban add|remove|list`), checked field
// by field: the request is untrusted input, and a wrong type is an error answer, never an
// exception (fuzz/control_request_fuzz.cc).
#include <nlohmann/json.hpp>

#include "core/timestamp.h"
#include "mitigate/ban_manager.h"

namespace rampart::mitigate {

//! {"command": "add", "target": "198.51.100.10", "actions": ["blackhole"], "ban_time_s": 600,
//! "reason": "..."}, {"command": "remove", "id": 3} or {"command": "list"}; the answer, with
//! "error" when the request is malformed or refused.
nlohmann::ordered_json HandleBanRequest(BanManager& bans, const nlohmann::ordered_json& request,
                                        bool dry_run, TimestampNs now);

}  // namespace rampart::mitigate
