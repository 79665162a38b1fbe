#pragma once
// One engine shard of the live sensor (docs/sensor.md): a thread that reads its own fanout socket
// on every interface, keeps the packets whose address it owns, passes the others to their
// owner's ring, and runs one Analyzer on what it owns plus what the other workers and the flow
// listener pass it. Nothing on this path takes a lock or allocates; once a second (wall clock)
// it publishes a snapshot of what changed for the control thread, which is the only place a
// mutex is taken.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/analyzer.h"
#include "sensor/af_packet_source.h"
#include "sensor/pcap_source.h"
#include "sensor/shard_router.h"
#include "sensor/spsc_ring.h"

namespace rampart::sensor {

//! A frame passed from the worker that read it to the shard that owns it.
struct FrameSlot {
  static constexpr uint32_t kBytes = 2048 - 24;  // longer frames are cut (wire_len is kept)
  TimestampNs ts_ns = 0;
  uint32_t cap_len = 0;
  uint32_t wire_len = 0;
  uint16_t link_type = 0;
  uint8_t data[kBytes];
};
using FrameRing = SpscRing<FrameSlot>;
using MetaRing = SpscRing<PacketMeta>;

//! A worker's own counters (only it writes them; the control thread reads them relaxed).
struct WorkerCounters {
  std::atomic<uint64_t> frames_read{0};      // from its sockets
  std::atomic<uint64_t> frames_analyzed{0};  // its own plus those passed to it
  std::atomic<uint64_t> passed_out{0};       // to other shards
  std::atomic<uint64_t> pass_drops{0};       // another shard's ring was full
  std::atomic<uint64_t> flow_records{0};     // record chunks from the flow listener
  std::atomic<uint64_t> kernel_drops{0};     // its sockets' ring drops (read once a second)
  std::atomic<uint64_t> ring_freezes{0};
};

//! What a shard publishes once a second: the report of what changed (attacks active or ended
//! since the last snapshot, DNS findings, IoT findings, counters).
struct ShardSnapshot {
  uint32_t shard = 0;
  TimestampNs packet_time = 0;  // the shard's packet clock
  nlohmann::ordered_json report;
  bool final = false;  // the last one of an analyzer (stop or reload)
};

class ShardWorker {
 public:
  ShardWorker(uint32_t index, uint32_t shards, std::unique_ptr<Analyzer> analyzer,
              const ShardRouter* router);
  ~ShardWorker();
  ShardWorker(const ShardWorker&) = delete;
  ShardWorker& operator=(const ShardWorker&) = delete;

  void AddSource(std::unique_ptr<AfPacketSource> source);
  void AddSource(std::unique_ptr<PcapSource> source);
  //! Wires the rings: `peers[j]` is worker j (this one included, unused).
  void Connect(const std::vector<ShardWorker*>& peers);

  //! The ring worker `from` passes this shard's frames through.
  FrameRing& InboundFrom(uint32_t from) { return *inbound_[from]; }
  //! The ring the flow listener passes record chunks through.
  MetaRing& flow_inbound() { return flow_inbound_; }

  //! The thread body: runs until `stop`, then publishes a final snapshot.
  void Run(const std::atomic<bool>& stop);

  //! Control thread: the analyzer to switch to (a reloaded configuration); the old one's attacks
  //! are closed in a final snapshot.
  void PostAnalyzer(std::unique_ptr<Analyzer> analyzer);
  //! Control thread: the snapshots published since the last call.
  std::vector<ShardSnapshot> TakeSnapshots();

  const WorkerCounters& counters() const { return counters_; }
  //! An eventfd to write when an attack starts, so the control thread publishes it at once.
  void SetWakeFd(int fd) { wake_fd_ = fd; }

 private:
  void OnFrame(const RawPacket& packet);
  bool DrainInbound();
  void Publish(bool final);
  void SwitchAnalyzerIfPosted();
  //! The sockets' kernel counters into counters_ (libpcap handles are this thread's only).
  void ReadCaptureCounters();

  uint32_t index_;
  uint32_t shards_;
  std::unique_ptr<Analyzer> analyzer_;
  const ShardRouter* router_;
  std::vector<std::unique_ptr<AfPacketSource>> af_packet_;
  std::vector<std::unique_ptr<PcapSource>> pcap_;
  std::vector<std::unique_ptr<FrameRing>> inbound_;  // indexed by the sending worker
  std::vector<FrameRing*> outbound_;                 // indexed by the owning worker
  MetaRing flow_inbound_;
  PacketMeta scratch_;  // the router's decode of a frame read here
  DecodeStats scratch_stats_;
  WorkerCounters counters_;

  uint64_t attack_cursor_ = 0;
  uint32_t attacks_seen_ = 1;     // the detector's next id when last published
  TimestampNs last_publish_ = 0;  // monotonic
  uint64_t publishes_ = 0;
  int wake_fd_ = -1;
  //! Ended attacks kept (packet time, a scan window) as context for the IoT findings.
  std::vector<AttackRecord> recent_attacks_;
  TimestampNs last_activity_wall_ = 0;  // monotonic
  int64_t advanced_second_ = 0;         // the packet second the idle clock last reached
  TimestampNs next_publish_ = 0;        // monotonic

  std::mutex mailbox_mutex_;  // off the hot path: once a second, and on reload
  std::atomic<bool> analyzer_posted_{false};
  std::unique_ptr<Analyzer> posted_;
  std::vector<ShardSnapshot> snapshots_;
};

}  // namespace rampart::sensor
