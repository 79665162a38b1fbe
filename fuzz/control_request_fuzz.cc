// Fuzzes the control socket's requests (`rampart ban ...`): whatever bytes arrive, the ban
// manager answers with a JSON object (an error for anything malformed) and never throws or
// crashes. Requests are applied to one dry-run ban manager, so bans accumulate across inputs as
// they would in a long-running sensor.
#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "fuzz_target.h"
#include "mitigate/ban_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<rampart::mitigate::BanManager> bans = [] {
    spdlog::set_level(spdlog::level::off);  // dry-run logs every would-be announcement
    rampart::MitigationSettings settings;
    settings.enabled = true;
    settings.whitelist = {*rampart::Prefix::Parse("192.0.2.0/24")};
    return std::make_unique<rampart::mitigate::BanManager>(
        settings, rampart::DefaultConfig(),
        std::vector<std::unique_ptr<rampart::mitigate::Backend>>{});
  }();
  static rampart::TimestampNs now = 0;
  const auto request = nlohmann::ordered_json::parse(data, data + size, nullptr, false);
  const auto reply = rampart::mitigate::HandleBanRequest(*bans, request, true, ++now);
  if (!reply.is_object()) {
    __builtin_trap();
  }
  bans->TakeEvents();
  bans->TakeNotices();
  bans->Tick(now);
  return 0;
}
