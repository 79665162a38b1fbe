#pragma once
// The evidence against inside devices, gathered from every IoT tap and the DDoS detector, and
// turned into `infected_devices` with a score. Bounded: at most `max_devices` devices, and one
// record per evidence kind per device (repeats are counted, the first detail is kept).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"
#include "iot/iot_findings.h"

namespace rampart::iot {

//! Evidence kinds and their weights (docs/iot.md). A device's score is the sum of the weights
//! of its distinct kinds, capped at 100.
enum class EvidenceKind : uint8_t {
  kMiraiScanFingerprint,
  kScanning,
  kBruteForce,
  kOutgoingFlood,
  kMiraiPostLogin,      // sent Mirai's enable/system/shell/sh and busybox probe after a login
  kCompromisedLogin,    // accepted a default login and answered the busybox probe
  kMiraiReportBack,     // connected to TCP 48101
  kReportedVictim,      // named as a victim in a report-back record
  kC2Beacon,            // periodic tiny payloads to one address
  kC2Unanswered,        // SYNs repeated to the same few addresses, never answered
  kDnsPolicy,           // DNS straight to an outside resolver the policy does not allow
  kDefaultCredentials,  // still accepts a factory-default login
  kDnsWaterTorture,     // sent random-subdomain queries of a water torture
  kDnsTunnel,           // sent long high-entropy names: a suspected DNS tunnel
  kCount
};
std::string_view EvidenceKindName(EvidenceKind kind);
int EvidenceWeight(EvidenceKind kind);

class DeviceEvidence {
 public:
  explicit DeviceEvidence(size_t max_devices = 4096) : max_devices_(max_devices) {}

  void Add(const IpAddress& device, EvidenceKind kind, TimestampNs ts, std::string_view detail,
           uint64_t count = 1);
  void NoteMac(const IpAddress& device, uint64_t mac);
  //! Devices with evidence, highest score first.
  std::vector<InfectedDevice> Devices() const;
  uint64_t dropped() const { return dropped_; }

 private:
  struct Device {
    std::optional<uint64_t> mac;
    std::vector<Evidence> evidence;  // one per kind
    uint32_t kinds = 0;              // bit per EvidenceKind
  };
  struct AddressHash {
    size_t operator()(const IpAddress& a) const;
  };
  size_t max_devices_;
  std::unordered_map<IpAddress, Device, AddressHash> devices_;
  uint64_t dropped_ = 0;
};

}  // namespace rampart::iot
