#include "sensor/af_packet_source.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "capture/link_type.h"
#include "core/timestamp.h"

namespace rampart::sensor {
namespace {

// The kernel hands a block over when it is full or after the timeout, whichever comes first, so
// at low rates the ring holds block_count x timeout of traffic, at high rates ring_mib. 1 MiB
// blocks give 64 per 64 MiB ring (3.2 s of a stalled reader at any rate below ~20k pps), and the
// timeout bounds the delay a quiet link adds to detection.
constexpr uint32_t kBlockSize = uint32_t{1} << 20;
constexpr uint32_t kFrameSize = 2048;  // V3 packs frames; this only sizes the request
constexpr uint32_t kBlockTimeoutMs = 50;

std::string Errno(const char* step) {
  return std::string(step) + ": " + std::strerror(errno);
}

tpacket_block_desc* Block(uint8_t* ring, uint32_t block_size, uint32_t index) {
  return reinterpret_cast<tpacket_block_desc*>(ring + static_cast<size_t>(index) * block_size);
}

}  // namespace

AfPacketSource::~AfPacketSource() {
  if (ring_ != nullptr) {
    munmap(ring_, ring_bytes_);
  }
  if (fd_ >= 0) {
    close(fd_);
  }
}

bool AfPacketSource::Open(const Options& options, std::string* error) {
  interface_ = options.interface;
  const auto fail = [&](const char* step) {
    *error = interface_ + ": " + Errno(step);
    return false;
  };
  const unsigned ifindex = if_nametoindex(options.interface.c_str());
  if (ifindex == 0) {
    return fail("no such interface");
  }
  fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd_ < 0) {
    return fail("socket(AF_PACKET) (needs CAP_NET_RAW)");
  }
  // What the frames start with: Ethernet (and loopback, which Linux frames the same way), or
  // the IP header itself (tun devices, ARPHRD_NONE). Anything else is libpcap's to handle.
  ifreq request{};
  std::strncpy(request.ifr_name, options.interface.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd_, SIOCGIFHWADDR, &request) != 0) {
    return fail("SIOCGIFHWADDR");
  }
  switch (request.ifr_hwaddr.sa_family) {
    case ARPHRD_ETHER:
    case ARPHRD_LOOPBACK:
      link_type_ = static_cast<uint16_t>(LinkType::kEthernet);
      break;
    case ARPHRD_NONE:
      link_type_ = static_cast<uint16_t>(LinkType::kRaw);
      break;
    default:
      *error = interface_ + ": link type " + std::to_string(request.ifr_hwaddr.sa_family) +
               " is not Ethernet or raw IP: use `capture: pcap` for it";
      return false;
  }
  int version = TPACKET_V3;
  if (setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) != 0) {
    return fail("PACKET_VERSION TPACKET_V3");
  }
  // Keep only the first `snaplen` bytes of each frame: a one-instruction filter returning it.
  sock_filter cut{static_cast<uint16_t>(BPF_RET | BPF_K), 0, 0, options.snaplen};
  sock_fprog program{1, &cut};
  if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) != 0) {
    return fail("SO_ATTACH_FILTER (snaplen)");
  }
  block_count_ = std::max<uint32_t>(8, (options.ring_mib << 20) / kBlockSize);
  block_size_ = kBlockSize;
  tpacket_req3 req{};
  req.tp_block_size = block_size_;
  req.tp_block_nr = block_count_;
  req.tp_frame_size = kFrameSize;
  req.tp_frame_nr = (block_size_ / kFrameSize) * block_count_;
  req.tp_retire_blk_tov = kBlockTimeoutMs;
  if (setsockopt(fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) != 0) {
    return fail("PACKET_RX_RING");
  }
  ring_bytes_ = static_cast<size_t>(block_size_) * block_count_;
  void* map = mmap(nullptr, ring_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd_, 0);
  if (map == MAP_FAILED) {
    // MAP_LOCKED needs RLIMIT_MEMLOCK; an unlocked ring still works.
    map = mmap(nullptr, ring_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  }
  if (map == MAP_FAILED) {
    ring_bytes_ = 0;
    return fail("mmap of the ring");
  }
  ring_ = static_cast<uint8_t*>(map);
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_ALL);
  address.sll_ifindex = static_cast<int>(ifindex);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return fail("bind");
  }
  if (options.promiscuous) {
    packet_mreq mreq{};
    mreq.mr_ifindex = static_cast<int>(ifindex);
    mreq.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) != 0) {
      return fail("PACKET_ADD_MEMBERSHIP promiscuous");
    }
  }
  if (options.fanout_group >= 0) {
    // Hash fanout keeps both directions of a flow on one socket; defrag keeps fragments with
    // their first one.
    const int fanout =
        (options.fanout_group & 0xffff) | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16);
    if (setsockopt(fd_, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof(fanout)) != 0) {
      return fail("PACKET_FANOUT");
    }
  }
  Counters();  // start from zero: drops before the engine ran are not ours
  counters_ = CaptureCounters{};
  return true;
}

bool AfPacketSource::BlockReady() const {
  const tpacket_block_desc* block = Block(ring_, block_size_, block_);
  return (__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

bool AfPacketSource::WaitForBlock(int timeout_ms) {
  if (BlockReady()) {
    return true;
  }
  pollfd p{fd_, POLLIN | POLLERR, 0};
  if (poll(&p, 1, timeout_ms) <= 0) {
    return false;
  }
  return BlockReady();
}

void AfPacketSource::ReleaseBlock() {
  tpacket_block_desc* block = Block(ring_, block_size_, block_);
  __atomic_store_n(&block->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  block_ = (block_ + 1) % block_count_;
}

bool AfPacketSource::NextFrame(size_t* offset, uint32_t* remaining, RawPacket* packet) {
  const tpacket_block_desc* block = Block(ring_, block_size_, block_);
  if (*offset == 0) {
    *remaining = block->hdr.bh1.num_pkts;
    *offset = block->hdr.bh1.offset_to_first_pkt;
  }
  if (*remaining == 0) {
    return false;
  }
  // The kernel writes these headers, but a bad offset would read outside the mapping.
  if (*offset + sizeof(tpacket3_hdr) > block_size_) {
    counters_.bad_frames++;
    return false;
  }
  const auto* frame =
      reinterpret_cast<const tpacket3_hdr*>(reinterpret_cast<const uint8_t*>(block) + *offset);
  if (*offset + frame->tp_mac + frame->tp_snaplen > block_size_) {
    counters_.bad_frames++;
    return false;
  }
  packet->ts_ns = static_cast<TimestampNs>(frame->tp_sec) * kNanosPerSecond + frame->tp_nsec;
  packet->data = reinterpret_cast<const uint8_t*>(frame) + frame->tp_mac;
  packet->cap_len = frame->tp_snaplen;
  packet->wire_len = frame->tp_len;
  packet->link_type = link_type_;
  --*remaining;
  if (*remaining > 0) {
    if (frame->tp_next_offset == 0) {
      counters_.bad_frames++;
      *remaining = 0;
    }
    *offset += frame->tp_next_offset;
  }
  return true;
}

const CaptureCounters& AfPacketSource::Counters() {
  tpacket_stats_v3 stats{};
  socklen_t len = sizeof(stats);
  if (fd_ >= 0 && getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &stats, &len) == 0) {
    counters_.kernel_drops += stats.tp_drops;
    counters_.freezes += stats.tp_freeze_q_cnt;
  }
  return counters_;
}

}  // namespace rampart::sensor
