#pragma once
// Live capture from one interface through an AF_PACKET TPACKET_V3 ring (docs/sensor.md): the
// kernel fills blocks of frames in a shared mapping, the worker reads them in place (no copy, no
// syscall per packet) and hands each block back. Several sockets join one fanout group so the
// kernel spreads flows over the workers. Untrusted: every header offset is checked against the
// block before it is read.
#include <cstddef>
#include <cstdint>
#include <string>

#include "capture/raw_packet.h"

namespace rampart::sensor {

struct CaptureCounters {
  uint64_t packets = 0;       // frames handed to the engine
  uint64_t kernel_drops = 0;  // tp_drops: the ring was full
  uint64_t freezes = 0;       // tp_freeze_q_cnt: the ring froze (V3)
  uint64_t bad_frames = 0;    // frame headers that pointed outside their block
};

class AfPacketSource {
 public:
  struct Options {
    std::string interface;
    uint32_t ring_mib = 64;
    uint32_t snaplen = 2048;
    bool promiscuous = true;
    int fanout_group = -1;  // -1: no fanout (one worker)
  };

  AfPacketSource() = default;
  ~AfPacketSource();
  AfPacketSource(const AfPacketSource&) = delete;
  AfPacketSource& operator=(const AfPacketSource&) = delete;

  //! Opens, maps and binds the ring; false with a message naming the step that failed.
  bool Open(const Options& options, std::string* error);

  //! Waits up to `timeout_ms` for a block, then hands every frame of every ready block to
  //! `on_frame(const RawPacket&)`. Returns the frames handed over.
  template <typename OnFrame>
  size_t Poll(int timeout_ms, OnFrame&& on_frame) {
    if (!WaitForBlock(timeout_ms)) {
      return 0;
    }
    size_t n = 0;
    while (BlockReady()) {
      n += ReadBlock(on_frame);
      ReleaseBlock();
    }
    return n;
  }

  //! Reads the kernel's counters (they reset on read, so they are added up here).
  const CaptureCounters& Counters();
  const std::string& interface() const { return interface_; }

 private:
  bool WaitForBlock(int timeout_ms);
  bool BlockReady() const;
  void ReleaseBlock();
  template <typename OnFrame>
  size_t ReadBlock(OnFrame& on_frame);
  //! The next frame of the current block; false when the block is done or damaged.
  bool NextFrame(size_t* offset, uint32_t* remaining, RawPacket* packet);

  int fd_ = -1;
  uint8_t* ring_ = nullptr;
  size_t ring_bytes_ = 0;
  uint32_t block_size_ = 0;
  uint32_t block_count_ = 0;
  uint32_t block_ = 0;  // the next block to read
  uint16_t link_type_ = 0;
  std::string interface_;
  CaptureCounters counters_;
};

template <typename OnFrame>
size_t AfPacketSource::ReadBlock(OnFrame& on_frame) {
  size_t offset = 0;
  uint32_t remaining = 0;
  size_t n = 0;
  RawPacket packet;
  while (NextFrame(&offset, &remaining, &packet)) {
    on_frame(static_cast<const RawPacket&>(packet));
    ++n;
  }
  counters_.packets += n;
  return n;
}

}  // namespace rampart::sensor
