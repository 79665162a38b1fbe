#pragma once
// The IoT sections of the report: `scans`, `brute_force`, `default_credentials` and
// `infected_devices` (docs/report.md), as JSON and as text.
#include <nlohmann/json.hpp>

#include <string>

#include "iot/iot_findings.h"

namespace rampart {

//! Sets the four IoT arrays of `report`. Passwords of default-credential findings are masked
//! unless `show_passwords` (they are on the public default list by construction).
void AddIotJson(const iot::IotFindings& findings, bool show_passwords,
                nlohmann::ordered_json& report);
//! The IoT sections of the text report; empty when there is nothing to say.
std::string IotText(const iot::IotFindings& findings, bool show_passwords);
//! "02:00:00:00:01:32"
std::string FormatMac(uint64_t mac);

}  // namespace rampart
