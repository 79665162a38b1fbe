#include "flow/flow_collector.h"

namespace rampart::flow {

FlowCollector::FlowCollector(const std::vector<uint16_t>& extra_ports,
                             const FlowSpreader::Options& spreader)
    : spreader_(spreader) {
  for (const uint16_t port : kDefaultFlowPorts) {
    ports_[port] = true;
  }
  for (const uint16_t port : extra_ports) {
    ports_[port] = true;
  }
  records_buffer_.reserve(1024);
}

void FlowCollector::DecodeDatagram(const PacketMeta& meta, const RawPacket& packet) {
  if (meta.payload_len == 0 ||
      static_cast<uint32_t>(meta.payload_offset) + meta.payload_len > packet.cap_len) {
    return;
  }
  DecodePayload(meta.inner_src, meta.src_port, meta.ts_ns, packet.data + meta.payload_offset,
                meta.payload_len);
}

void FlowCollector::LiveDatagram(const IpAddress& exporter, uint16_t exporter_port,
                                 TimestampNs arrival_ns, const uint8_t* data, size_t len) {
  DecodePayload(exporter, exporter_port, arrival_ns, data, len);
}

void FlowCollector::DecodePayload(const IpAddress& exporter, uint16_t exporter_port,
                                  TimestampNs arrival_ns, const uint8_t* data, size_t len) {
  datagrams_++;
  records_buffer_.clear();
  // sFlow v5 opens with a 32-bit version 5; NetFlow and IPFIX with a 16-bit 5, 9 or 10.
  if (len >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 5) {
    sflow_.Decode(exporter, arrival_ns, data, len, records_buffer_, stats_);
  } else {
    netflow_.Decode(exporter, exporter_port, arrival_ns, data, len, records_buffer_, stats_);
  }
  for (const FlowRecord& record : records_buffer_) {
    spreader_.Add(record, arrival_ns);
    newest_record_ns_ = record.end_ns > newest_record_ns_ ? record.end_ns : newest_record_ns_;
  }
  records_ += records_buffer_.size();
}

}  // namespace rampart::flow
