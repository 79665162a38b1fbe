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
  const uint8_t* data = packet.data + meta.payload_offset;
  const size_t len = meta.payload_len;
  datagrams_++;
  records_buffer_.clear();
  // sFlow v5 opens with a 32-bit version 5; NetFlow and IPFIX with a 16-bit 5, 9 or 10.
  if (len >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 5) {
    sflow_.Decode(meta.inner_src, meta.ts_ns, data, len, records_buffer_, stats_);
  } else {
    netflow_.Decode(meta.inner_src, meta.src_port, meta.ts_ns, data, len, records_buffer_, stats_);
  }
  for (const FlowRecord& record : records_buffer_) {
    spreader_.Add(record, meta.ts_ns);
  }
  records_ += records_buffer_.size();
}

}  // namespace rampart::flow
