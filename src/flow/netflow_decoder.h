#pragma once
// NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) datagrams into flow records, with
// templates, options (sampling) and data that arrives before its template (docs/flow.md).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"
#include "decode/decode_events.h"
#include "flow/flow_record.h"
#include "flow/flow_stats.h"

namespace rampart::flow {

namespace netflow {
struct DecoderState;
}  // namespace netflow

//! Bounds of everything a NetflowDecoder keeps between datagrams.
struct NetflowLimits {
  //! Templates and options templates over all exporters; past it the least recently used one is
  //! evicted (counted).
  uint32_t max_templates = 4096;
  //! Sampler rates, exporter-wide rates and system init times learned from options data.
  uint32_t max_options_entries = 4096;
  //! Data sets held while their template is unknown (each set of a datagram counts alone), and
  //! their bytes; past either the oldest is dropped (counted).
  uint32_t max_held_sets = 64;
  uint32_t max_held_bytes = 512 * 1024;
  //! A held set is dropped when its template has not come within this much packet time.
  TimestampNs hold_ns = 10 * kNanosPerSecond;
  //! Records one Decode() call may append to `out` (held sets it releases included).
  uint32_t max_records_per_datagram = 4096;
  //! Hash seed of the tables; 0 picks a random one.
  uint64_t hash_seed = 0;
};

//! Most fields a template may declare (the largest real ones have ~100).
constexpr uint32_t kMaxTemplateFields = 512;
//! A sampling rate outside 1..this is taken as damage: counted, and 1 used instead.
constexpr uint64_t kMaxSamplingRate = 1'000'000;

//! Decodes NetFlow v5/v9 and IPFIX datagrams, one worker's instance. Hand-written rather than
//! generated or table-interpreted per field: each datagram is walked once with a bounds check
//! before every read, templates are compiled when learned into the few fields rampart uses (so a
//! data record costs one pass over those, not a lookup per field), and every table (templates,
//! samplers, held data) is bounded and seeded. Nothing is allocated per record or per datagram
//! on the normal path (only when a template, an options fact or held data is stored); no
//! exceptions, no recursion; every loop is bounded by the datagram's length.
//!
//! Templates are keyed by exporter address + source id (v9) / observation domain (IPFIX) +
//! template id (+ version), not by the exporter's UDP port: an exporter that restarts on another
//! source port keeps its templates, and no stale copies pile up per port. Two exporting processes
//! behind one address must then use different source ids, as RFC 3954 §5.1 asks.
class NetflowDecoder {
 public:
  using Limits = NetflowLimits;

  explicit NetflowDecoder(const Limits& limits = Limits{});
  ~NetflowDecoder();
  NetflowDecoder(const NetflowDecoder&) = delete;
  NetflowDecoder& operator=(const NetflowDecoder&) = delete;

  //! Decodes one datagram (the UDP payload `data` sent by `exporter`:`exporter_port`, received at
  //! packet time `ts`) and appends its flow records to `out`. The first two bytes pick the
  //! version: 5, 9 or 10; anything else is counted as `bad_version`. Held sets older than the
  //! hold time (by `ts`) are dropped first; held sets whose template this datagram brings are
  //! decoded and appended too. Every malformed case is counted in `stats`. Never throws.
  void Decode(const IpAddress& exporter, uint16_t exporter_port, TimestampNs ts,
              const uint8_t* data, size_t len, std::vector<FlowRecord>& out,
              FlowDecodeStats& stats);

  //! Drops held sets older than the hold time at packet time `ts`.
  void ExpireHeld(TimestampNs ts, FlowDecodeStats& stats);

  //! Anomalies the packet decoder met in packet sections (dataLinkFrameSection, ...).
  const DecodeStats& section_stats() const;
  size_t held_sets() const;
  size_t held_bytes() const;
  size_t templates() const;
  const Limits& limits() const { return limits_; }

 private:
  Limits limits_;
  std::unique_ptr<netflow::DecoderState> state_;
};

}  // namespace rampart::flow
