#pragma once
// Device-side signals of an infected inside host that need no payload parsing: C2-like beacons
// (tiny TCP payloads at a steady period to one address), SYNs repeated to the same few addresses
// and never answered (a bot calling a dead C2), and DNS sent straight to an outside resolver the
// local policy does not allow (mirai-facts.md §1.8, §1.9).
//
// Called for bare SYNs, SYN-ACKs, tiny payloads and DNS queries only; the tables are bounded
// (answered connection attempts are dropped at once, so only unanswered ones accumulate).
#include <cstdint>
#include <unordered_map>

#include "config/config.h"
#include "core/prefix_trie.h"
#include "decode/packet_meta.h"
#include "iot/device_evidence.h"
#include "iot/iot_findings.h"

namespace rampart::iot {

class DeviceSignals {
 public:
  DeviceSignals(IotSettings settings, const PrefixTrie<bool>* inside, DeviceEvidence* evidence,
                IotStats* stats, uint64_t seed);

  //! A bare SYN without the Mirai fingerprint.
  void Syn(const PacketMeta& meta);
  //! A SYN-ACK: the connection attempt it answers is no C2 call.
  void SynAck(const PacketMeta& meta);
  //! A TCP segment with 2-8 bytes of payload.
  void TinyPayload(const PacketMeta& meta);
  //! A query to port 53.
  void Dns(const PacketMeta& meta);
  //! Turns what accumulated into evidence (beacons and unanswered calls need the whole span).
  void Finish();

  bool dns_rule() const { return resolvers_.Size() != 0; }

 private:
  struct FlowKey {
    IpAddress source;
    IpAddress destination;
    uint16_t port = 0;
    friend bool operator==(const FlowKey& a, const FlowKey& b) {
      return a.port == b.port && a.source == b.source && a.destination == b.destination;
    }
  };
  struct FlowHash {
    uint64_t seed;
    size_t operator()(const FlowKey& key) const;
  };
  struct Beacon {
    TimestampNs first_ns = 0;
    TimestampNs last_ns = 0;
    uint64_t beats = 0;
    // Welford's running mean and variance of the intervals, in seconds.
    uint64_t intervals = 0;
    double mean = 0;
    double m2 = 0;
    uint32_t min_len = UINT32_MAX;
    uint32_t max_len = 0;
  };
  struct Call {
    TimestampNs first_ns = 0;
    TimestampNs last_ns = 0;
    uint64_t syns = 0;
  };
  void Prune(TimestampNs now);

  IotSettings settings_;
  const PrefixTrie<bool>* inside_;
  DeviceEvidence* evidence_;
  IotStats* stats_;
  PrefixTrie<bool> resolvers_;
  std::unordered_map<FlowKey, Beacon, FlowHash> beacons_;
  std::unordered_map<FlowKey, Call, FlowHash> calls_;
};

}  // namespace rampart::iot
