#pragma once
// The IoT-botnet taps behind one call per packet (docs/iot.md): Mirai-fingerprint and generic
// scans, ping sweeps, cleartext logins against the default-credential list, brute force, and the
// signals of infected inside devices. Driven by packet time only.
//
// Per packet the cost on ordinary traffic is a few branches on fields already decoded; state is
// touched only for bare SYNs, SYN-ACKs, echo requests and replies, tiny TCP payloads, DNS
// queries (when a resolver policy is set) and packets of the watched login ports.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capture/raw_packet.h"
#include "config/config.h"
#include "core/prefix_trie.h"
#include "decode/packet_meta.h"
#include "detect/attack.h"
#include "iot/credentials.h"
#include "iot/device_evidence.h"
#include "iot/device_signals.h"
#include "iot/iot_findings.h"
#include "iot/login_ledger.h"
#include "iot/scan_tracker.h"
#include "iot/session_tracker.h"

namespace rampart::iot {

class IotMonitor {
 public:
  IotMonitor(const Config& config, CredentialList credentials, uint64_t seed);
  IotMonitor(const IotMonitor&) = delete;
  IotMonitor& operator=(const IotMonitor&) = delete;

  void Observe(const PacketMeta& meta, const RawPacket& packet) {
    if (meta.ip_proto == ip_proto::kTcp) {
      if (!meta.Has(meta_flag::kHasPorts)) {
        return;
      }
      const uint8_t handshake = meta.tcp_flags & (tcp_flag::kSyn | tcp_flag::kAck | tcp_flag::kRst);
      if (handshake == tcp_flag::kSyn) {
        OnSyn(meta);
      } else if (handshake == (tcp_flag::kSyn | tcp_flag::kAck)) {
        OnSynAck(meta);
      }
      if (sessions_.Watches(meta)) {
        sessions_.Observe(meta, packet);
      }
      if (meta.payload_len >= 2 && meta.payload_len <= 8) {
        signals_.TinyPayload(meta);
      }
    } else if (meta.ip_proto == ip_proto::kIcmp || meta.ip_proto == ip_proto::kIcmpv6) {
      OnIcmp(meta);
    } else if (meta.ip_proto == ip_proto::kUdp && meta.dst_port == 53 && signals_.dns_rule()) {
      signals_.Dns(meta);
    }
  }
  //! Ends open sessions and turns accumulated signals into evidence.
  void Finish();
  //! Evidence another detector found against a device (the DNS detector's water-torture
  //! clients, say).
  struct ExtraEvidence {
    IpAddress device;
    EvidenceKind kind = EvidenceKind::kDnsWaterTorture;
    TimestampNs ts = 0;
    std::string detail;
  };
  //! The findings; `attacks` (the DDoS detector's) adds outgoing floods as device evidence.
  IotFindings Findings(const std::vector<AttackRecord>& attacks,
                       const std::vector<ExtraEvidence>& extra = {}) const;

  const CredentialList& credentials() const { return credentials_; }

 private:
  void OnSyn(const PacketMeta& meta);
  void OnSynAck(const PacketMeta& meta);
  void OnIcmp(const PacketMeta& meta);

  CredentialList credentials_;
  PrefixTrie<bool> inside_;
  IotStats stats_;
  DeviceEvidence evidence_;
  LoginLedger ledger_;
  ScanTracker tcp_scans_;
  ScanTracker icmp_scans_;
  SessionTracker sessions_;
  DeviceSignals signals_;
};

}  // namespace rampart::iot
