#pragma once
// The live flow collectors (docs/sensor.md): UDP sockets for NetFlow v5/v9, IPFIX and sFlow, read
// in batches by one thread, decoded by one FlowCollector (templates are keyed by exporter, so one
// serves them all), and the record chunks passed to the shard that owns their address. Bad input
// is counted and logged once per exporter per minute, never fatal.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "flow/flow_collector.h"
#include "sensor/shard_router.h"
#include "sensor/shard_worker.h"

namespace rampart::sensor {

struct FlowListenerCounters {
  std::atomic<uint64_t> datagrams{0};
  std::atomic<uint64_t> records{0};
  std::atomic<uint64_t> chunks{0};
  std::atomic<uint64_t> socket_drops{0};  // SO_RXQ_OVFL: the socket buffer was full
  std::atomic<uint64_t> queue_drops{0};   // a shard's ring was full
  std::atomic<uint64_t> malformed{0};     // every malformed-datagram counter, summed
};

class FlowListener {
 public:
  FlowListener(const ShardRouter* router, std::vector<ShardWorker*> shards);
  ~FlowListener();
  FlowListener(const FlowListener&) = delete;
  FlowListener& operator=(const FlowListener&) = delete;

  //! Binds every `listen` address; false with the address that failed.
  bool Open(const std::vector<FlowListen>& listen, uint32_t buffer_mib, std::string* error);
  bool empty() const { return sockets_.empty(); }

  void Run(const std::atomic<bool>& stop);

  const FlowListenerCounters& counters() const { return counters_; }
  //! The decoder's named counters; call after Run() returned (they are the listener thread's).
  const flow::FlowDecodeStats& decode_stats() const { return collector_.stats(); }

 private:
  struct Socket {
    int fd = -1;
    uint16_t port = 0;
    uint32_t last_overflow = 0;
  };
  void ReadSocket(Socket& socket, TimestampNs now);
  void Emit(const PacketMeta& meta);
  //! Logs what a datagram from `exporter` broke, at most once a minute per exporter.
  void NoteBadInput(const IpAddress& exporter, const flow::FlowDecodeStats& before,
                    TimestampNs now);

  const ShardRouter* router_;
  std::vector<ShardWorker*> shards_;
  std::vector<Socket> sockets_;
  flow::FlowCollector collector_;
  FlowListenerCounters counters_;
  TimestampNs last_datagram_ = 0;                             // monotonic
  bool held_ = false;                                         // chunks wait in the spreader
  std::unordered_map<std::string, TimestampNs> last_logged_;  // exporter -> monotonic time
};

}  // namespace rampart::sensor
