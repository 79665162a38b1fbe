#pragma once
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "capture/raw_packet.h"
#include "decode/decode_events.h"
#include "decode/dns.h"
#include "decode/packet_decoder.h"
#include "decode/packet_meta.h"
#include "detect/ddos_detector.h"
#include "detect/packet_class.h"
#include "dnsmon/dns_monitor.h"
#include "flow/flow_collector.h"
#include "iot/credentials.h"
#include "iot/iot_monitor.h"
#include "track/host_table.h"
#include "track/traffic_summary.h"

namespace rampart {

struct AnalyzerOptions {
  size_t host_memcap_bytes = size_t{1} << 30;  // 1 GiB: 8M hosts before eviction starts
  uint64_t hash_seed = 0;                      // 0 = random
  size_t expected_hosts = 0;                   // a hint to size the host table once up front
  Config config = DefaultConfig();             // what detection protects and how
  bool detect = true;                          // run the DDoS detector
  bool count_hosts = true;                     // keep the exact per-address table
  bool iot = true;                             // run the IoT-botnet taps (config.iot.enabled too)
  //! The default-credential list for the login taps; the shipped list when unset.
  std::optional<iot::CredentialList> credentials;
  //! Analyze the flow records carried by UDP datagrams to the collector ports (NetFlow, IPFIX,
  //! sFlow) instead of the packets themselves; `flow_ports` adds ports to the usual ones.
  bool flows = false;
  std::vector<uint16_t> flow_ports;
};

//! One worker's pipeline: decode each frame into a PacketMeta, run the protocol taps that need the
//! frame's bytes (DNS for now) while they are valid, and hand metas to the counters in batches so
//! the host table can prefetch. Owns all its state; nothing here takes a lock or allocates per
//! packet.
class Analyzer {
 public:
  explicit Analyzer(const AnalyzerOptions& options);

  void Process(const RawPacket& packet) {
    PacketMeta& meta = batch_[batch_size_];
    DecodePacket(packet, meta, decode_stats_);
    last_ts_ = packet.ts_ns > last_ts_ ? packet.ts_ns : last_ts_;
    if (flows_) {
      ProcessFlowDatagram(meta, packet);
      return;
    }
    if (IsDnsCandidate(meta)) {
      TapDns(packet, meta);
    }
    summary_.Count(meta);
    if (detector_) {
      detector_->Observe(meta, ClassifyPacket(meta, packet.data, packet.cap_len));
    }
    if (iot_) {
      iot_->Observe(meta, packet);
    }
    if (++batch_size_ == kBatch) {
      Flush();
    }
  }
  //! Counts what is still batched; call before reading results.
  void Flush() {
    if (count_hosts_) {
      hosts_.CountBatch(batch_.data(), batch_size_);
    }
    batch_size_ = 0;
  }
  //! Ends the data: flushes and closes the detector's last second.
  void Finish() {
    if (flows_) {
      flows_->Finish([this](const PacketMeta& m) { CountFlowMeta(m); });
    }
    Flush();
    if (detector_) {
      detector_->Finish();
    }
    if (iot_) {
      iot_->Finish();
    }
    if (dns_) {
      dns_->Finish(last_ts_);
    }
  }
  // The live sensor (docs/sensor.md).
  //! One weighted record chunk from a flow collector socket.
  void ProcessFlowRecord(const PacketMeta& meta) {
    last_ts_ = meta.ts_ns > last_ts_ ? meta.ts_ns : last_ts_;
    CountFlowMeta(meta);
  }
  //! Packet time has reached `ts` with nothing to process: detectors close their quiet seconds.
  void AdvanceTime(TimestampNs ts);
  TimestampNs last_ts() const { return last_ts_; }
  DdosDetector* mutable_detector() { return detector_.get(); }
  dnsmon::DnsMonitor* mutable_dns() { return dns_.get(); }

  //! The detector, or nullptr when detection is off.
  const DdosDetector* detector() const { return detector_.get(); }
  //! The IoT taps, or nullptr when they are off.
  const iot::IotMonitor* iot() const { return iot_.get(); }
  //! The flow collector, or nullptr when packets are analyzed.
  const flow::FlowCollector* flows() const { return flows_.get(); }
  //! The DNS water-torture detector, or nullptr when it is off.
  const dnsmon::DnsMonitor* dns() const { return dns_.get(); }

  const HostTable& hosts() const { return hosts_; }
  const TrafficSummary& summary() const { return summary_; }
  const DecodeStats& decode_stats() const { return decode_stats_; }

 private:
  static constexpr size_t kBatch = 64;

  void TapDns(const RawPacket& packet, const PacketMeta& meta);
  //! --flows: a datagram to a collector port is decoded; its records' chunks are counted.
  void ProcessFlowDatagram(const PacketMeta& meta, const RawPacket& packet);
  void CountFlowMeta(const PacketMeta& meta);

  std::array<PacketMeta, kBatch> batch_{};
  size_t batch_size_ = 0;
  DecodeStats decode_stats_;
  TrafficSummary summary_;
  HostTable hosts_;
  DnsMessage dns_message_;
  std::unique_ptr<DdosDetector> detector_;
  std::unique_ptr<iot::IotMonitor> iot_;
  std::unique_ptr<dnsmon::DnsMonitor> dns_;
  std::unique_ptr<flow::FlowCollector> flows_;
  TimestampNs last_ts_ = 0;  // for the DNS detector's end of data
  bool count_hosts_ = true;
};

}  // namespace rampart
