#pragma once
// The sensor's control socket (docs/mitigation.md): a Unix stream socket, owner-only (0600),
// where `rampart ban add|remove|list` sends one JSON request a line and gets one JSON answer.
// Served by the control thread between ticks; a client gets 200 ms to send its line. Requests
// are untrusted: bounded in size, parsed without exceptions escaping, answered with an error.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace rampart::sensor {

class ControlServer {
 public:
  using Handler = std::function<nlohmann::ordered_json(const nlohmann::ordered_json&)>;
  ControlServer() = default;
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  //! Binds `path` (a stale socket file is replaced), mode 0600, and listens.
  bool Open(const std::string& path, std::string* error);
  int fd() const { return fd_; }
  //! Accepts one client, reads its request, answers with `handler`'s reply.
  void ServeOne(const Handler& handler);

 private:
  int fd_ = -1;
  std::string path_;
};

//! The client side: sends `request` to the socket at `path`; the reply, or nullopt with `error`.
std::optional<nlohmann::ordered_json> ControlRequest(const std::string& path,
                                                     const nlohmann::ordered_json& request,
                                                     std::string* error);

}  // namespace rampart::sensor
