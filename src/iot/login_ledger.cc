#include "iot/login_ledger.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace rampart::iot {
namespace {

constexpr size_t kMaxBruteSources = 65536;
constexpr size_t kMaxDefaultFindings = 16384;
constexpr size_t kMaxListed = 8;      // targets or clients listed per finding
constexpr size_t kMaxCounted = 4096;  // distinct targets counted per finding

std::string Key(const IpAddress& a, std::string_view b, std::string_view c) {
  std::string key(reinterpret_cast<const char*>(a.bytes.data()), a.bytes.size());
  key += static_cast<char>(a.family);
  key += b;
  key += '/';
  key += c;
  return key;
}

void AddListed(std::vector<IpAddress>& list, const IpAddress& address) {
  if (list.size() < kMaxListed && std::find(list.begin(), list.end(), address) == list.end()) {
    list.push_back(address);
  }
}

}  // namespace

LoginLedger::LoginLedger(const CredentialList* credentials, IotSettings settings,
                         DeviceEvidence* evidence)
    : credentials_(credentials), settings_(std::move(settings)), evidence_(evidence) {}

LoginLedger::Brute* LoginLedger::BruteFor(const LoginContext& where, std::string_view method) {
  const std::string key = Key(where.client, where.service, method);
  auto it = brute_.find(key);
  if (it == brute_.end()) {
    if (brute_.size() >= kMaxBruteSources) {
      dropped_++;
      return nullptr;
    }
    it = brute_.emplace(key, Brute{}).first;
    BruteForceFinding& f = it->second.finding;
    f.source = where.client;
    f.service = std::string(where.service);
    f.method = std::string(method);
    f.first_seen = where.ts;
    f.inside = where.client_inside;
    it->second.window_start = where.ts;
  }
  Brute& brute = it->second;
  Roll(brute, where.ts);
  BruteForceFinding& f = brute.finding;
  f.last_seen = std::max(f.last_seen, where.ts);
  AddListed(f.targets, where.server);
  const std::string target = Key(where.server, "", "");
  if (brute.targets.size() < kMaxCounted && brute.targets.emplace(target, true).second) {
    f.distinct_targets++;
  }
  return &brute;
}

void LoginLedger::Roll(Brute& brute, TimestampNs ts) const {
  const auto window_ns = static_cast<TimestampNs>(settings_.brute_force_window_s * 1e9);
  if (ts - brute.window_start > window_ns) {
    brute.window_start = ts;
    brute.window_failures = 0;
    brute.window_sessions = 0;
  }
}

void LoginLedger::Judge(Brute& brute, const LoginContext& where) {
  if (brute.flagged) {
    return;
  }
  const bool by_logins = brute.window_failures >= settings_.brute_force_min_failures;
  const bool by_sessions = brute.window_sessions >= settings_.brute_force_min_sessions;
  if (!by_logins && !by_sessions) {
    return;
  }
  brute.flagged = true;
  if (where.client_inside && evidence_ != nullptr) {
    const BruteForceFinding& f = brute.finding;
    evidence_->Add(where.client, EvidenceKind::kBruteForce, where.ts,
                   by_logins ? fmt::format("{} failed {} logins against {} target(s)",
                                           brute.window_failures, f.service, f.distinct_targets)
                             : fmt::format("{} short {} sessions to {} target(s)",
                                           brute.window_sessions, f.service, f.distinct_targets));
  }
}

void LoginLedger::Login(const LoginContext& where, std::string_view user, int entry,
                        LoginVerdict verdict) {
  if (Brute* brute = BruteFor(where, "logins")) {
    BruteForceFinding& f = brute->finding;
    f.attempts++;
    f.failures += verdict == LoginVerdict::kFailure ? 1 : 0;
    f.successes += verdict == LoginVerdict::kSuccess ? 1 : 0;
    f.default_pairs_tried += entry >= 0 ? 1 : 0;
    brute->window_failures += verdict == LoginVerdict::kFailure ? 1 : 0;
    Judge(*brute, where);
  }
  // Only logins the server did not refuse say the device is still on a factory password; a
  // refused default pair is brute force (counted above as default_pairs_tried).
  if (entry < 0 || credentials_ == nullptr || verdict == LoginVerdict::kFailure) {
    return;
  }
  const std::string key = Key(where.server, where.service, std::to_string(entry));
  auto it = defaults_.find(key);
  if (it == defaults_.end()) {
    if (defaults_.size() >= kMaxDefaultFindings) {
      dropped_++;
      return;
    }
    const DefaultCredential& credential = credentials_->entry(static_cast<size_t>(entry));
    DefaultCredentialFinding f;
    f.device = where.server;
    f.service = std::string(where.service);
    f.port = where.server_port;
    f.user = std::string(user);
    f.password = credential.password;
    f.entry = static_cast<uint32_t>(entry);
    f.entry_source = credential.source;
    f.entry_vendor = credential.vendor;
    f.first_seen = where.ts;
    f.inside = where.server_inside;
    it = defaults_.emplace(key, std::move(f)).first;
  }
  DefaultCredentialFinding& f = it->second;
  if (!f.mac && where.server_mac) {
    f.mac = where.server_mac;
  }
  f.attempts++;
  f.successes += verdict == LoginVerdict::kSuccess ? 1 : 0;
  f.last_seen = std::max(f.last_seen, where.ts);
  AddListed(f.clients, where.client);
  if (where.server_inside && evidence_ != nullptr && verdict == LoginVerdict::kSuccess) {
    evidence_->Add(where.server, EvidenceKind::kDefaultCredentials, where.ts,
                   fmt::format("accepted a {} login with default credential #{} (user '{}') "
                               "from {}",
                               where.service, entry + 1, f.user, where.client.ToString()));
    if (where.server_mac) {
      evidence_->NoteMac(where.server, *where.server_mac);
    }
  }
}

void LoginLedger::BusyboxAnswered(const LoginContext& where, int entry, std::string_view token) {
  if (entry >= 0) {
    const std::string key = Key(where.server, where.service, std::to_string(entry));
    const auto it = defaults_.find(key);
    if (it != defaults_.end()) {
      it->second.busybox_shell = true;
    }
  }
  if (where.server_inside && evidence_ != nullptr) {
    evidence_->Add(where.server, EvidenceKind::kCompromisedLogin, where.ts,
                   fmt::format("answered '/bin/busybox {}' in a {} session from {}{}", token,
                               where.service, where.client.ToString(),
                               entry >= 0 ? fmt::format(" after default credential #{}", entry + 1)
                                          : std::string()));
    if (where.server_mac) {
      evidence_->NoteMac(where.server, *where.server_mac);
    }
  }
}

void LoginLedger::PostLoginScript(const LoginContext& where, std::string_view detail) {
  if (where.client_inside && evidence_ != nullptr) {
    evidence_->Add(where.client, EvidenceKind::kMiraiPostLogin, where.ts,
                   fmt::format("sent {} to {}:{} after logging in", detail, where.server.ToString(),
                               where.server_port));
  }
}

void LoginLedger::EncryptedSession(const LoginContext& where, bool is_short) {
  if (Brute* brute = BruteFor(where, "sessions")) {
    brute->finding.attempts++;
    brute->window_sessions += is_short ? 1 : 0;
    Judge(*brute, where);
  }
}

void LoginLedger::Collect(IotFindings& out) const {
  for (const auto& [key, brute] : brute_) {
    if (brute.flagged) {
      out.brute_force.push_back(brute.finding);
    }
  }
  std::sort(out.brute_force.begin(), out.brute_force.end(),
            [](const BruteForceFinding& a, const BruteForceFinding& b) {
              return a.first_seen != b.first_seen ? a.first_seen < b.first_seen
                                                  : a.service < b.service;
            });
  for (const auto& [key, finding] : defaults_) {
    out.default_credentials.push_back(finding);
  }
  std::sort(out.default_credentials.begin(), out.default_credentials.end(),
            [](const DefaultCredentialFinding& a, const DefaultCredentialFinding& b) {
              return a.first_seen != b.first_seen ? a.first_seen < b.first_seen : a.entry < b.entry;
            });
}

}  // namespace rampart::iot
