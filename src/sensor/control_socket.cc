#include "sensor/control_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rampart::sensor {
namespace {

constexpr size_t kMaxRequest = 64 * 1024;
constexpr int kClientWaitMs = 200;

bool FillAddress(const std::string& path, sockaddr_un* address, std::string* error) {
  if (path.size() >= sizeof(address->sun_path)) {
    *error = path + ": path too long for a Unix socket";
    return false;
  }
  address->sun_family = AF_UNIX;
  std::memcpy(address->sun_path, path.c_str(), path.size() + 1);
  return true;
}

//! Reads up to a newline (or the peer's close), within `wait_ms` per read.
bool ReadLine(int fd, std::string* line, int wait_ms) {
  char buffer[4096];
  while (line->size() < kMaxRequest) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, wait_ms) <= 0) {
      return false;
    }
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) {
      return !line->empty();
    }
    line->append(buffer, static_cast<size_t>(n));
    if (line->find('\n') != std::string::npos) {
      line->resize(line->find('\n'));
      return true;
    }
  }
  return false;
}

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      return;
    }
    done += static_cast<size_t>(n);
  }
}

}  // namespace

ControlServer::~ControlServer() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(path_.c_str());
  }
}

bool ControlServer::Open(const std::string& path, std::string* error) {
  sockaddr_un address{};
  if (!FillAddress(path, &address, error)) {
    return false;
  }
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) {
    *error = path + ": socket: " + std::strerror(errno);
    return false;
  }
  unlink(path.c_str());  // a stale socket of a previous run (the pid file guards a live one)
  // Owner-only from the start: no window in which others could connect.
  const mode_t old_mask = umask(0177);
  const int rc = bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  umask(old_mask);
  if (rc != 0 || chmod(path.c_str(), 0600) != 0 || listen(fd_, 8) != 0) {
    *error = path + ": " + std::strerror(errno);
    close(fd_);
    fd_ = -1;
    return false;
  }
  path_ = path;
  return true;
}

void ControlServer::ServeOne(const Handler& handler) {
  const int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) {
    return;
  }
  std::string line;
  nlohmann::ordered_json reply;
  if (!ReadLine(client, &line, kClientWaitMs)) {
    reply = {{"error", "no request line within 200 ms, or longer than 64 KiB"}};
  } else {
    auto request = nlohmann::ordered_json::parse(line, nullptr, false);
    reply = request.is_object() ? handler(request)
                                : nlohmann::ordered_json{{"error", "a request is one JSON object"}};
  }
  WriteAll(client, reply.dump() + "\n");
  close(client);
}

std::optional<nlohmann::ordered_json> ControlRequest(const std::string& path,
                                                     const nlohmann::ordered_json& request,
                                                     std::string* error) {
  sockaddr_un address{};
  if (!FillAddress(path, &address, error)) {
    return std::nullopt;
  }
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    *error = path + ": " + std::strerror(errno) + " (is `rampart run` running?)";
    if (fd >= 0) {
      close(fd);
    }
    return std::nullopt;
  }
  WriteAll(fd, request.dump() + "\n");
  std::string line;
  const bool ok = ReadLine(fd, &line, 10'000);
  close(fd);
  auto reply = nlohmann::ordered_json::parse(line, nullptr, false);
  if (!ok || !reply.is_object()) {
    *error = path + ": no answer";
    return std::nullopt;
  }
  return reply;
}

}  // namespace rampart::sensor
