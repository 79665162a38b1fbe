#pragma once
// Shared by the backend tests, which drive real daemons (gobgpd, BIRD, ExaBGP, nft): run a
// shell command and read its output, and wait for a condition with a deadline.
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "mitigate/mitigation.h"

namespace rampart::mitigate::backend_test {

//! Runs `command` with /bin/sh (stderr joined to stdout); its exit status, -1 if it died.
inline int Shell(const std::string& command, std::string* output = nullptr) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return -1;
  }
  std::string text;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    text.append(buffer, n);
  }
  const int status = pclose(pipe);
  if (output != nullptr) {
    *output = text;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

//! Polls `done` every `step` until it holds or `timeout` passes; its last answer.
inline bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                    std::chrono::milliseconds step = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(step);
  }
  return done();
}

//! A blackhole of `prefix` with BLACKHOLE and the usual discard next hop (gobgpd treats a 127.x
//! next hop from a peer as a withdraw).
inline Announcement Blackhole(const std::string& prefix) {
  Announcement a;
  a.key = "ban-1-blackhole";
  a.kind = ActionKind::kBlackhole;
  a.prefix = *Prefix::Parse(prefix);
  a.communities = {"65535:666"};
  a.next_hop = "192.0.2.1";
  return a;
}

//! A FlowSpec discard of a SYN flood (SYN without ACK, 40-60 bytes) to `destination`'s `ports`.
inline Announcement SynFlowspec(const std::string& destination, std::vector<uint16_t> ports) {
  Announcement a;
  a.key = "ban-2-flowspec";
  a.kind = ActionKind::kFlowspec;
  FlowspecRule rule;
  rule.destination = *Prefix::Parse(destination);
  rule.protocols = {6};
  rule.destination_ports = std::move(ports);
  rule.tcp_flags_value = 0x02;
  rule.tcp_flags_mask = 0x12;
  rule.packet_length_min = 40;
  rule.packet_length_max = 60;
  a.flowspec = rule;
  return a;
}

}  // namespace rampart::mitigate::backend_test
