#include "sensor/daemon_support.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

namespace rampart::sensor {

bool SetUpLogging(const SensorSettings& settings, std::string* error) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (!settings.log_file.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.log_file));
    } catch (const spdlog::spdlog_ex& e) {
      *error = settings.log_file + ": " + e.what();
      return false;
    }
  }
  auto logger = std::make_shared<spdlog::logger>("rampart", sinks.begin(), sinks.end());
  logger->set_level(spdlog::level::from_str(settings.log_level));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return true;
}

bool WritePidFile(const std::string& path, std::string* error) {
  if (path.empty()) {
    return true;
  }
  {
    std::ifstream in(path);
    long pid = 0;
    if (in >> pid && pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) == 0) {
      *error = path + ": rampart already runs as pid " + std::to_string(pid);
      return false;
    }
  }
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  const std::string text = std::to_string(getpid()) + "\n";
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!ok) {
    *error = path + ": write failed";
  }
  return ok;
}

void RemovePidFile(const std::string& path) {
  if (!path.empty() && unlink(path.c_str()) != 0) {
    spdlog::debug("{}: not removed: {}", path, std::strerror(errno));
  }
}

bool DropPrivileges(const std::string& user, const std::vector<std::string>& owned,
                    std::string* error) {
  if (user.empty()) {
    return true;
  }
  const passwd* entry = getpwnam(user.c_str());
  if (entry == nullptr) {
    *error = "user " + user + ": no such user";
    return false;
  }
  for (const std::string& path : owned) {
    if (!path.empty() && access(path.c_str(), F_OK) == 0 &&
        chown(path.c_str(), entry->pw_uid, entry->pw_gid) != 0) {
      *error = path + ": chown to " + user + ": " + std::strerror(errno);
      return false;
    }
  }
  if (initgroups(entry->pw_name, entry->pw_gid) != 0 || setgid(entry->pw_gid) != 0 ||
      setuid(entry->pw_uid) != 0) {
    *error = "becoming " + user + ": " + std::strerror(errno);
    return false;
  }
  // Make sure there is no way back.
  if (setuid(0) == 0 && entry->pw_uid != 0) {
    *error = "becoming " + user + ": root could be regained";
    return false;
  }
  return true;
}

}  // namespace rampart::sensor
