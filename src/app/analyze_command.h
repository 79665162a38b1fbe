#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rampart {

struct AnalyzeOptions {
  std::vector<std::string> inputs;
  bool json = false;
  size_t host_limit = 20;  // SIZE_MAX = all
  size_t host_memcap_bytes = size_t{1} << 30;
  bool progress = true;
  std::string config_path;  // empty: DefaultConfig()
  std::string samples_dir;  // write each attack's first packets here (pcap per attack)
  size_t samples_per_attack = 1000;
  bool detect = true;
  bool iot = true;                      // the IoT-botnet taps
  bool show_default_passwords = false;  // print matched default passwords unmasked
  uint64_t seed = 0;                    // hash seed of every table and sketch; 0 = random
  std::string eve_path;                 // also write the findings as EVE JSON lines here
  bool flows = false;                   // analyze the flow datagrams inside the capture
  std::vector<uint16_t> flow_ports;     // collector ports beyond the usual ones
};

//! Exit codes of `rampart analyze` (docs/report.md).
namespace exit_code {
constexpr int kOk = 0;
constexpr int kUnreadable = 1;  // an input could not be opened or is not a capture
constexpr int kUsage = 2;
constexpr int kDamaged = 3;  // the report was written, but an input was truncated or corrupt
}  // namespace exit_code

//! Runs `rampart analyze`, printing the report to stdout; returns the process exit code.
int RunAnalyze(const AnalyzeOptions& options);

}  // namespace rampart
