#pragma once
// The backends the configuration names, connected (docs/mitigation.md).
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "mitigate/mitigation.h"

namespace rampart::sensor {

//! GoBGP (gRPC), ExaBGP (its command pipe), BIRD (an include file and birdc) and nftables, each
//! when its settings are given. In dry-run nothing is connected (nothing will be announced).
//! False with `error` when a configured backend cannot be reached.
bool MakeBackends(const MitigationSettings& settings,
                  std::vector<std::unique_ptr<mitigate::Backend>>* backends, std::string* error);

}  // namespace rampart::sensor
