#include "engine/analyzer.h"

#include "core/hash.h"

#include <algorithm>

namespace rampart {

Analyzer::Analyzer(const AnalyzerOptions& options)
    : hosts_(options.host_memcap_bytes, options.hash_seed != 0 ? options.hash_seed : RandomSeed()) {
  count_hosts_ = options.count_hosts;
  if (options.detect) {
    DdosDetector::Options detector_options;
    detector_options.hash_seed = options.hash_seed;
    detector_ = std::make_unique<DdosDetector>(options.config, detector_options);
  }
  if (options.flows) {
    flows_ = std::make_unique<flow::FlowCollector>(options.flow_ports);
  }
  if (options.iot && options.config.iot.enabled && !options.flows) {
    iot_ = std::make_unique<iot::IotMonitor>(
        options.config, options.credentials ? *options.credentials : iot::CredentialList::Builtin(),
        options.hash_seed);
  }
  if (options.detect && options.config.dns.enabled && !options.flows) {
    dns_ = std::make_unique<dnsmon::DnsMonitor>(options.config, options.hash_seed);
  }
  if (options.expected_hosts != 0) {
    hosts_.Reserve(options.expected_hosts);
  }
}

void Analyzer::AdvanceTime(TimestampNs ts) {
  Flush();
  if (detector_) {
    detector_->AdvanceTime(ts);
  }
  if (dns_) {
    dns_->AdvanceTime(ts);
  }
}

void Analyzer::TapDns(const RawPacket& packet, const PacketMeta& meta) {
  if (meta.payload_len == 0 ||
      static_cast<uint32_t>(meta.payload_offset) + meta.payload_len > packet.cap_len) {
    return;
  }
  if (ParseDns(packet.data + meta.payload_offset, meta.payload_len, dns_message_, decode_stats_)) {
    summary_.CountDns(dns_message_);
    if (dns_ && (meta.src_port == 53 || meta.dst_port == 53)) {
      dns_->Observe(meta, dns_message_);
    }
  } else {
    summary_.dns_malformed++;
  }
}

void Analyzer::ProcessFlowDatagram(const PacketMeta& meta, const RawPacket& packet) {
  if (!flows_->IsFlowDatagram(meta)) {
    return;  // only what the exporters say is analyzed
  }
  const PacketMeta datagram = meta;  // its batch slot is reused by the records
  flows_->Datagram(datagram, packet, [this](const PacketMeta& m) { CountFlowMeta(m); });
}

void Analyzer::CountFlowMeta(const PacketMeta& meta) {
  batch_[batch_size_] = meta;
  summary_.Count(meta);
  if (detector_) {
    detector_->Observe(meta, ClassifyPacket(meta, nullptr, 0));
  }
  if (++batch_size_ == kBatch) {
    Flush();
  }
}

}  // namespace rampart
