#pragma once
// Turns login outcomes into findings: brute force per (source, service), factory-default
// logins per (device, service, credential), and evidence against inside devices. Called per
// login or per ended session, never per packet, so plain maps (bounded) are fine here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/config.h"
#include "core/ip_address.h"
#include "core/timestamp.h"
#include "iot/credentials.h"
#include "iot/device_evidence.h"
#include "iot/iot_findings.h"
#include "iot/login_parser.h"

namespace rampart::iot {

//! Where a login happened.
struct LoginContext {
  IpAddress client;
  IpAddress server;
  uint16_t server_port = 0;
  std::string_view service;  // "telnet", "ftp", …, "ssh"
  std::optional<uint64_t> server_mac;
  TimestampNs ts = 0;
  bool client_inside = false;
  bool server_inside = false;
};

class LoginLedger {
 public:
  LoginLedger(const CredentialList* credentials, IotSettings settings, DeviceEvidence* evidence);

  //! One login attempt and its outcome; `entry` is the matched default credential or -1. The
  //! password never reaches this class: only the entry index does.
  void Login(const LoginContext& where, std::string_view user, int entry, LoginVerdict verdict);
  //! After a login in this session (the default `entry`, or -1), the server answered busybox.
  void BusyboxAnswered(const LoginContext& where, int entry, std::string_view token);
  //! The client ran Mirai's post-login script (`detail` lists the lines seen).
  void PostLoginScript(const LoginContext& where, std::string_view detail);
  //! A session to an encrypted login service (SSH, RDP, …) ended; short ones count as attempts.
  void EncryptedSession(const LoginContext& where, bool is_short);

  void Collect(IotFindings& out) const;
  uint64_t dropped() const { return dropped_; }

 private:
  struct Brute {
    BruteForceFinding finding;
    TimestampNs window_start = 0;
    uint64_t window_failures = 0;
    uint64_t window_sessions = 0;
    bool flagged = false;
    std::unordered_map<std::string, bool> targets;  // bounded by kMaxTargets
  };
  Brute* BruteFor(const LoginContext& where, std::string_view method);
  void Roll(Brute& brute, TimestampNs ts) const;
  void Judge(Brute& brute, const LoginContext& where);

  const CredentialList* credentials_;
  IotSettings settings_;
  DeviceEvidence* evidence_;
  std::unordered_map<std::string, Brute> brute_;
  std::unordered_map<std::string, DefaultCredentialFinding> defaults_;
  uint64_t dropped_ = 0;
};

}  // namespace rampart::iot
