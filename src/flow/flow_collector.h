#pragma once
// The flow side of a worker: UDP datagrams to the collector ports are decoded (NetFlow v5/v9,
// IPFIX by their version field, sFlow v5 by its 32-bit version) and their records spread into
// weighted per-second records for the detectors and counters (docs/flow.md).
#include <array>
#include <cstdint>
#include <vector>

#include "capture/raw_packet.h"
#include "decode/packet_meta.h"
#include "flow/flow_record.h"
#include "flow/flow_spreader.h"
#include "flow/flow_stats.h"
#include "flow/netflow_decoder.h"
#include "flow/sflow_decoder.h"

namespace rampart::flow {

//! The usual collector ports: NetFlow 2055, 2056, 9995; IPFIX 4739; sFlow 6343.
inline constexpr std::array<uint16_t, 5> kDefaultFlowPorts = {2055, 2056, 4739, 6343, 9995};

class FlowCollector {
 public:
  explicit FlowCollector(const std::vector<uint16_t>& extra_ports,
                         const FlowSpreader::Options& spreader = FlowSpreader::Options{});

  //! A UDP datagram to one of the collector ports.
  bool IsFlowDatagram(const PacketMeta& meta) const {
    return meta.ip_proto == ip_proto::kUdp && meta.Has(meta_flag::kHasPorts) &&
           !meta.Has(meta_flag::kFragment) && ports_[meta.dst_port];
  }
  //! Decodes the datagram in `packet` and calls `emit(const PacketMeta&)` for every record
  //! chunk whose time has come.
  template <typename Emit>
  void Datagram(const PacketMeta& meta, const RawPacket& packet, Emit&& emit) {
    DecodeDatagram(meta, packet);
    spreader_.Release(meta.ts_ns, emit);
  }
  // The live sensor's sockets (docs/sensor.md): a datagram's payload alone, and the chunks
  // released by the exporters' own clock (the newest record end seen), so a replayed or lagging
  // exporter is spread in its own time, not the collector's.
  //! Decodes one datagram payload from `exporter` (its source port `exporter_port`) that arrived
  //! at `arrival_ns`.
  void LiveDatagram(const IpAddress& exporter, uint16_t exporter_port, TimestampNs arrival_ns,
                    const uint8_t* data, size_t len);
  template <typename Emit>
  void ReleaseByRecordClock(Emit&& emit) {
    spreader_.Release(newest_record_ns_, emit);
  }
  //! The end of the data: every held chunk goes out.
  template <typename Emit>
  void Finish(Emit&& emit) {
    spreader_.Flush(emit);
  }

  const FlowDecodeStats& stats() const { return stats_; }
  const SpreaderStats& spreader_stats() const { return spreader_.stats(); }
  uint64_t datagrams() const { return datagrams_; }
  uint64_t records() const { return records_; }

 private:
  void DecodeDatagram(const PacketMeta& meta, const RawPacket& packet);
  void DecodePayload(const IpAddress& exporter, uint16_t exporter_port, TimestampNs arrival_ns,
                     const uint8_t* data, size_t len);

  std::array<bool, 65536> ports_{};
  NetflowDecoder netflow_;
  SflowDecoder sflow_;
  FlowSpreader spreader_;
  FlowDecodeStats stats_;
  std::vector<FlowRecord> records_buffer_;
  uint64_t datagrams_ = 0;
  uint64_t records_ = 0;
  TimestampNs newest_record_ns_ = 0;
};

}  // namespace rampart::flow
