#include "sensor/mitigation_setup.h"

#include "mitigate/bird_backend.h"
#include "mitigate/exabgp_backend.h"
#include "mitigate/gobgp/gobgp_backend.h"
#include "mitigate/nft_backend.h"

namespace rampart::sensor {

bool MakeBackends(const MitigationSettings& settings,
                  std::vector<std::unique_ptr<mitigate::Backend>>* backends, std::string* error) {
  if (settings.dry_run) {
    return true;
  }
  if (!settings.gobgp.api.empty()) {
    auto gobgp = mitigate::GobgpBackend::Connect(settings.gobgp, error);
    if (!gobgp) {
      *error = "mitigation.gobgp: " + *error;
      return false;
    }
    backends->push_back(std::move(gobgp));
  }
  if (!settings.exabgp.pipe.empty()) {
    backends->push_back(mitigate::MakeExabgpBackend(settings.exabgp));
  }
  if (!settings.bird.include_file.empty()) {
    backends->push_back(mitigate::MakeBirdBackend(settings.bird));
  }
  if (settings.nftables.enabled) {
    backends->push_back(mitigate::MakeNftBackend(settings.nftables));
  }
  return true;
}

}  // namespace rampart::sensor
