#pragma once
// The `dns_attacks` section of the report (docs/dns.md), as JSON and as text.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "dnsmon/dns_findings.h"

namespace rampart {

//! Sets `dns_attacks` and `capture.dns` of `report`.
void AddDnsJson(const std::vector<dnsmon::DnsFinding>& findings, const dnsmon::DnsStats& stats,
                nlohmann::ordered_json& report);
//! The DNS section of the text report; empty when there is nothing to say.
std::string DnsText(const std::vector<dnsmon::DnsFinding>& findings);

}  // namespace rampart
