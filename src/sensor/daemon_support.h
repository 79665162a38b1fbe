#pragma once
// What makes `rampart run` a well-behaved daemon (docs/sensor.md): logs through spdlog, a pid
// file that refuses a second instance, and dropping root once the sockets are open.
#include <string>
#include <vector>

#include "config/config.h"

namespace rampart::sensor {

//! spdlog's default logger: standard error (journald under systemd) and `log_file` when set.
bool SetUpLogging(const SensorSettings& settings, std::string* error);

//! Writes our pid to `path`; refuses when it names a process that is still running.
bool WritePidFile(const std::string& path, std::string* error);
void RemovePidFile(const std::string& path);

//! Becomes `user` (and its groups). Call after every socket and output file is open; `owned`
//! files (the outputs it reopens on SIGHUP) are handed to the user first.
bool DropPrivileges(const std::string& user, const std::vector<std::string>& owned,
                    std::string* error);

}  // namespace rampart::sensor
