#pragma once
// Turns flow records into the per-packet records (PacketMeta with a weight) the detectors and
// counters read, with each flow's packets spread over the seconds it lasted instead of landing in
// one second, and released in time order.
//
// Flows arrive after they end (an exporter's active and inactive timeouts), so their seconds lie
// in the past of the datagram that carried them. The spreader holds chunks until the datagram
// time has passed them by `lag` (a watermark), then releases them in time order; a chunk older
// than what was already released is moved up to the watermark and counted as late. Memory is
// bounded: past `max_chunks` a flow lands in one chunk at its end, and Release() lets the oldest
// chunks out early until at most `max_chunks` are held.
#include <cstdint>
#include <queue>
#include <vector>

#include "core/timestamp.h"
#include "decode/packet_meta.h"
#include "flow/flow_record.h"

namespace rampart::flow {

struct SpreaderStats {
  uint64_t flows = 0;
  uint64_t chunks = 0;
  uint64_t late_chunks = 0;     // older than the watermark: released at it
  uint64_t unspread_flows = 0;  // the chunk cap was reached: the flow went out in one chunk
  uint64_t early_chunks = 0;    // released before the watermark to stay under the cap
};

class FlowSpreader {
 public:
  struct Options {
    TimestampNs lag_ns = 30'000'000'000;  // hold chunks this long behind the datagram time
    size_t max_chunks = size_t{1} << 20;  // ~150 MiB of held chunks at most
    uint32_t max_seconds = 3600;          // a flow longer than this is spread over its last hour
  };
  FlowSpreader() : FlowSpreader(Options{}) {}
  explicit FlowSpreader(const Options& options) : options_(options) {}

  //! Adds one record (its datagram arrived at `arrival_ns`).
  void Add(const FlowRecord& record, TimestampNs arrival_ns);
  //! Releases, in time order, the chunks at or before `arrival_ns - lag`, and the oldest ones
  //! early while more than `max_chunks` are held; `emit(const PacketMeta&)` is called for each.
  template <typename Emit>
  void Release(TimestampNs arrival_ns, Emit&& emit) {
    const TimestampNs watermark = arrival_ns - options_.lag_ns;
    while (!held_.empty() &&
           (held_.top().meta.ts_ns <= watermark || held_.size() > options_.max_chunks)) {
      stats_.early_chunks += held_.top().meta.ts_ns > watermark ? 1 : 0;
      Emit1(emit);
    }
  }
  //! The end of the data: releases everything.
  template <typename Emit>
  void Flush(Emit&& emit) {
    while (!held_.empty()) {
      Emit1(emit);
    }
  }
  const SpreaderStats& stats() const { return stats_; }
  size_t held() const { return held_.size(); }

 private:
  struct Chunk {
    PacketMeta meta;
    uint64_t order = 0;  // ties in time keep arrival order
  };
  struct Later {
    bool operator()(const Chunk& a, const Chunk& b) const {
      return a.meta.ts_ns != b.meta.ts_ns ? a.meta.ts_ns > b.meta.ts_ns : a.order > b.order;
    }
  };
  template <typename Emit>
  void Emit1(Emit& emit) {
    Chunk chunk = held_.top();
    held_.pop();
    if (chunk.meta.ts_ns < released_ns_) {
      chunk.meta.ts_ns = released_ns_;  // the detectors need time to move forward
      stats_.late_chunks++;
    }
    released_ns_ = chunk.meta.ts_ns;
    emit(static_cast<const PacketMeta&>(chunk.meta));
  }
  void Push(const PacketMeta& meta);

  Options options_;
  std::priority_queue<Chunk, std::vector<Chunk>, Later> held_;
  TimestampNs released_ns_ = 0;
  uint64_t order_ = 0;
  SpreaderStats stats_;
};

//! The per-packet record for `packets` packets and `bytes` bytes of `record` at `ts`.
PacketMeta FlowMeta(const FlowRecord& record, TimestampNs ts, uint64_t packets, uint64_t bytes);

}  // namespace rampart::flow
