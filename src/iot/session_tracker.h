#pragma once
// Bounded TCP session tracking for the login services: in-order reassembly of the first
// `session_bytes` of each direction into a LoginParser, the login outcomes handed to the
// LoginLedger, Mirai's post-login script, busybox answers and report-back records turned into
// device evidence, and short sessions to encrypted login services counted for brute force.
//
// Hand-written for the per-packet path: a seeded open-addressing index over a fixed array of
// sessions (no allocation after construction), sampled eviction of the longest-idle session when
// full, and a sweep of idle sessions every few seconds of packet time.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "capture/raw_packet.h"
#include "config/config.h"
#include "core/prefix_trie.h"
#include "decode/packet_meta.h"
#include "iot/credentials.h"
#include "iot/device_evidence.h"
#include "iot/iot_findings.h"
#include "iot/login_ledger.h"
#include "iot/login_parser.h"

namespace rampart::iot {

//! What a server port is watched for.
enum class PortClass : uint8_t {
  kNone,
  kTelnet,
  kFtp,
  kHttp,
  kPop3,
  kImap,
  kEncrypted,   // SSH, RDP, …: sessions only
  kReportBack,  // Mirai's scan listener, TCP 48101
};

class SessionTracker : private LoginSink {
 public:
  static constexpr uint16_t kReportBackPort = 48101;

  SessionTracker(IotSettings settings, const CredentialList* credentials,
                 const PrefixTrie<bool>* inside, LoginLedger* ledger, DeviceEvidence* evidence,
                 IotStats* stats, uint64_t seed);
  ~SessionTracker() override;
  SessionTracker(const SessionTracker&) = delete;
  SessionTracker& operator=(const SessionTracker&) = delete;

  //! True when either port of this TCP packet is watched.
  bool Watches(const PacketMeta& meta) const {
    return port_class_[meta.dst_port] != PortClass::kNone ||
           port_class_[meta.src_port] != PortClass::kNone;
  }
  void Observe(const PacketMeta& meta, const RawPacket& packet);
  //! Ends every open session (end of data).
  void Finish();

 private:
  struct Session;
  struct Slot {
    uint64_t hash;
    uint32_t id;
    uint8_t family;  // 0 = empty
  };

  Session* FindOrCreate(const PacketMeta& meta, bool client_to_server, PortClass kind, bool is_syn);
  void Feed(Session& s, int direction, const PacketMeta& meta, const RawPacket& packet);
  void End(Session& s);
  void Sweep(TimestampNs now);
  void Erase(Session& s);
  LoginContext Context(const Session& s) const;
  void ReportBack(Session& s, const uint8_t* data, size_t len);
  //! Keeps http_wanting_server_ in step with the session's parser.
  void NoteWants(Session& s);

  // LoginSink, for the session being fed.
  void OnCredentials(std::string_view user, std::string_view password) override;
  void OnVerdict(LoginVerdict verdict) override;
  void OnCommand(std::string_view line) override;
  void OnAppletNotFound(std::string_view token) override;
  void FlushPending(LoginVerdict verdict);

  IotSettings settings_;
  const CredentialList* credentials_;
  const PrefixTrie<bool>* inside_;
  LoginLedger* ledger_;
  DeviceEvidence* evidence_;
  IotStats* stats_;
  uint64_t seed_;
  std::array<PortClass, 65536> port_class_{};
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<Session> sessions_;  // grows to max_sessions_ as ids are handed out
  uint32_t max_sessions_ = 0;
  std::vector<uint32_t> free_ids_;
  TimestampNs next_sweep_ns_ = 0;
  int64_t http_wanting_server_ = 0;  // HTTP sessions with credentials in flight
  Session* current_ = nullptr;
};

}  // namespace rampart::iot
