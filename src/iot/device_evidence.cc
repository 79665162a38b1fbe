#include "iot/device_evidence.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace rampart::iot {
namespace {

struct KindInfo {
  std::string_view name;
  int weight;
};
// Weights: a kind that only a bot shows (the fingerprint, Mirai's post-login script, the
// report-back port) is near-certain on its own; behaviours a misconfigured or merely noisy host
// can show (scanning, beacons, policy breaches) need company to reach 50.
constexpr std::array<KindInfo, static_cast<size_t>(EvidenceKind::kCount)> kKinds = {{
    {"mirai_scan_fingerprint", 60},
    {"scanning", 25},
    {"brute_force", 30},
    {"outgoing_flood", 40},
    {"mirai_post_login", 50},
    {"compromised_login", 50},
    {"mirai_report_back", 50},
    {"reported_victim", 30},
    {"c2_beacon", 25},
    {"c2_unanswered", 15},
    {"dns_policy", 10},
    {"default_credentials", 20},
    {"dns_water_torture", 40},
    {"dns_tunnel", 20},
}};

}  // namespace

std::string_view EvidenceKindName(EvidenceKind kind) {
  return kKinds[static_cast<size_t>(kind)].name;
}
int EvidenceWeight(EvidenceKind kind) {
  return kKinds[static_cast<size_t>(kind)].weight;
}

size_t DeviceEvidence::AddressHash::operator()(const IpAddress& a) const {
  uint64_t lo = 0;
  uint64_t hi = 0;
  std::memcpy(&lo, a.bytes.data(), 8);
  std::memcpy(&hi, a.bytes.data() + 8, 8);
  return std::hash<uint64_t>{}(lo * 0x9e3779b97f4a7c15ULL ^ hi ^ static_cast<uint64_t>(a.family));
}

void DeviceEvidence::Add(const IpAddress& device, EvidenceKind kind, TimestampNs ts,
                         std::string_view detail, uint64_t count) {
  auto it = devices_.find(device);
  if (it == devices_.end()) {
    if (devices_.size() >= max_devices_) {
      dropped_++;
      return;
    }
    it = devices_.emplace(device, Device{}).first;
  }
  Device& d = it->second;
  const uint32_t bit = 1u << static_cast<uint32_t>(kind);
  if ((d.kinds & bit) != 0) {
    for (Evidence& e : d.evidence) {
      if (e.kind == EvidenceKindName(kind)) {
        e.count += count;
        e.last_ts = std::max(e.last_ts, ts);
        if (ts < e.ts) {
          e.ts = ts;
          e.detail = std::string(detail);
        }
        return;
      }
    }
  }
  d.kinds |= bit;
  d.evidence.push_back(
      Evidence{std::string(EvidenceKindName(kind)), ts, ts, count, std::string(detail)});
}

void DeviceEvidence::NoteMac(const IpAddress& device, uint64_t mac) {
  const auto it = devices_.find(device);
  if (it != devices_.end() && !it->second.mac) {
    it->second.mac = mac;
  }
}

std::vector<InfectedDevice> DeviceEvidence::Devices() const {
  std::vector<InfectedDevice> out;
  out.reserve(devices_.size());
  for (const auto& [address, d] : devices_) {
    InfectedDevice device;
    device.address = address;
    device.mac = d.mac;
    device.evidence = d.evidence;
    std::sort(device.evidence.begin(), device.evidence.end(),
              [](const Evidence& a, const Evidence& b) {
                return a.ts != b.ts ? a.ts < b.ts : a.kind < b.kind;
              });
    int score = 0;
    for (size_t k = 0; k < kKinds.size(); ++k) {
      if ((d.kinds & (1u << k)) != 0) {
        score += kKinds[k].weight;
      }
    }
    device.score = std::min(score, 100);
    device.first_seen = device.evidence.front().ts;
    for (const Evidence& e : device.evidence) {
      device.last_seen = std::max(device.last_seen, e.last_ts);
    }
    out.push_back(std::move(device));
  }
  std::sort(out.begin(), out.end(), [](const InfectedDevice& a, const InfectedDevice& b) {
    if (a.score != b.score) {
      return a.score > b.score;
    }
    return a.address.ToString() < b.address.ToString();
  });
  return out;
}

}  // namespace rampart::iot
