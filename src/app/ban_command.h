#pragma once
#include <string>
#include <vector>

namespace rampart {

struct BanOptions {
  std::string command;  // add, remove, list
  std::string socket;   // the control socket; from --config's mitigation.control_socket if empty
  std::string config_path;
  std::string target;
  uint64_t id = 0;
  std::vector<std::string> actions;
  std::string ban_time;  // "10m"
  std::string reason;
  bool json = false;
};

//! `rampart ban add|remove|list`: asks the running sensor over its control socket
//! (docs/mitigation.md). Exit 0 on success, 1 when the sensor refused, 2 on usage or
//! connection errors.
int RunBan(const BanOptions& options);

}  // namespace rampart
