#include "sensor/flow_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "sensor/owned_counter.h"
#include "sensor/wall_clock.h"

namespace rampart::sensor {
namespace {

constexpr size_t kBatch = 64;
constexpr size_t kDatagramBytes = 65536;
constexpr TimestampNs kFlushIdleNs = 2 * kNanosPerSecond;  // no datagram: release what is held
constexpr TimestampNs kLogEveryNs = 60 * kNanosPerSecond;
constexpr size_t kMaxLoggedExporters = 4096;
constexpr int kMaxWaitUs = 200'000;

//! The live sensor releases chunks this far behind the exporters' newest record (analyze keeps
//! 30 s for captures read out of order); a live exporter's clock is the collector's.
flow::FlowSpreader::Options LiveSpreader() {
  flow::FlowSpreader::Options options;
  options.lag_ns = 5 * kNanosPerSecond;
  return options;
}

IpAddress FromSockaddr(const sockaddr_storage& address, uint16_t* port) {
  if (address.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    *port = ntohs(in.sin_port);
    return IpAddress::V4(ntohl(in.sin_addr.s_addr));
  }
  const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
  *port = ntohs(in6.sin6_port);
  // A v4-mapped exporter on a dual-stack socket is the v4 exporter.
  const uint8_t* b = in6.sin6_addr.s6_addr;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) {
    return IpAddress::V4((uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) |
                         (uint32_t{b[14]} << 8) | b[15]);
  }
  return IpAddress::V6(b);
}

}  // namespace

FlowListener::FlowListener(const ShardRouter* router, std::vector<ShardWorker*> shards)
    : router_(router), shards_(std::move(shards)), collector_({}, LiveSpreader()) {}

FlowListener::~FlowListener() {
  for (Socket& s : sockets_) {
    close(s.fd);
  }
}

bool FlowListener::Open(const std::vector<FlowListen>& listen, uint32_t buffer_mib,
                        std::string* error) {
  for (const FlowListen& l : listen) {
    const auto address = IpAddress::Parse(l.address);
    const bool v6 = address && address->family == IpFamily::kV6;
    const std::string where = v6 ? "[" + l.address + "]:" + std::to_string(l.port)
                                 : l.address + ":" + std::to_string(l.port);
    const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      *error = where + ": socket: " + std::strerror(errno);
      return false;
    }
    sockets_.push_back(Socket{fd, l.port, 0});
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    // Ask the kernel to report the datagrams it dropped for a full buffer.
    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
    const int bytes = static_cast<int>(buffer_mib << 20);
    // FORCE passes rmem_max as root; otherwise the capped size still helps.
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) != 0) {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
    }
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (v6) {
      auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
      in6.sin6_family = AF_INET6;
      in6.sin6_port = htons(l.port);
      inet_pton(AF_INET6, l.address.c_str(), &in6.sin6_addr);
      length = sizeof(in6);
    } else {
      auto& in = reinterpret_cast<sockaddr_in&>(storage);
      in.sin_family = AF_INET;
      in.sin_port = htons(l.port);
      inet_pton(AF_INET, l.address.c_str(), &in.sin_addr);
      length = sizeof(in);
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
      *error = where + ": bind: " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

void FlowListener::Emit(const PacketMeta& meta) {
  Bump(counters_.chunks);
  ShardWorker* owner = shards_[router_->ShardOf(meta, 0)];
  PacketMeta* slot = owner->flow_inbound().Reserve();
  // A burst of records outruns the shard for a moment: wait for it (the socket buffer holds the
  // datagrams meanwhile) rather than drop, up to a bound so a stuck shard cannot stall us.
  for (int waited_us = 0; slot == nullptr && waited_us < kMaxWaitUs; waited_us += 50) {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    slot = owner->flow_inbound().Reserve();
  }
  if (slot == nullptr) {
    Bump(counters_.queue_drops);
    return;
  }
  *slot = meta;
  owner->flow_inbound().Commit();
}

void FlowListener::NoteBadInput(const IpAddress& exporter, const flow::FlowDecodeStats& before,
                                TimestampNs now) {
  using Values = std::array<uint64_t, flow::FlowDecodeStats::kCount>;
  // Which counters name a malformed case, by position: worked out once, not per datagram.
  static const std::array<bool, flow::FlowDecodeStats::kCount> kMalformed = [] {
    std::array<bool, flow::FlowDecodeStats::kCount> out{};
    size_t i = 0;
    flow::FlowDecodeStats{}.ForEach(
        [&](const char* name, uint64_t) { out[i++] = !flow::IsInformationalFlowCounter(name); });
    return out;
  }();
  const Values was = before.Values();
  const Values is = collector_.stats().Values();
  uint64_t total = 0;
  for (size_t i = 0; i < was.size(); ++i) {
    total += kMalformed[i] ? is[i] - was[i] : 0;
  }
  if (total == 0) {
    return;
  }
  Bump(counters_.malformed, total);
  const std::string key = exporter.ToString();
  auto it = last_logged_.find(key);
  if (it != last_logged_.end() && now - it->second < kLogEveryNs) {
    return;
  }
  if (it == last_logged_.end() && last_logged_.size() >= kMaxLoggedExporters) {
    last_logged_.clear();  // a flood of spoofed exporters must not grow this without bound
  }
  last_logged_[key] = now;
  std::string what;  // the counters that moved, for the log line only
  size_t i = 0;
  collector_.stats().ForEach([&](const char* name, uint64_t) {
    if (kMalformed[i] && is[i] > was[i]) {
      what += what.empty() ? name : std::string(", ") + name;
    }
    ++i;
  });
  spdlog::warn("flow exporter {}: bad input ({}); counted, logged at most once a minute", key,
               what);
}

void FlowListener::ReadSocket(Socket& socket, TimestampNs now) {
  static thread_local std::array<std::array<uint8_t, kDatagramBytes>, kBatch> buffers;
  std::array<mmsghdr, kBatch> messages{};
  std::array<iovec, kBatch> iovecs{};
  std::array<sockaddr_storage, kBatch> sources{};
  std::array<std::array<uint8_t, CMSG_SPACE(sizeof(uint32_t))>, kBatch> controls{};
  for (size_t i = 0; i < kBatch; ++i) {
    iovecs[i] = {buffers[i].data(), buffers[i].size()};
    messages[i].msg_hdr.msg_iov = &iovecs[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_name = &sources[i];
    messages[i].msg_hdr.msg_namelen = sizeof(sources[i]);
    messages[i].msg_hdr.msg_control = controls[i].data();
    messages[i].msg_hdr.msg_controllen = controls[i].size();
  }
  const int n = recvmmsg(socket.fd, messages.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) {
    return;
  }
  const TimestampNs arrival = WallNowNs();
  const auto emit = [this](const PacketMeta& meta) { Emit(meta); };
  for (int i = 0; i < n; ++i) {
    const msghdr& header = messages[i].msg_hdr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr;
         c = CMSG_NXTHDR(const_cast<msghdr*>(&header), c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
          c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
        uint32_t overflow = 0;
        std::memcpy(&overflow, CMSG_DATA(c), sizeof(overflow));
        if (overflow > socket.last_overflow) {
          Bump(counters_.socket_drops, overflow - socket.last_overflow);
          socket.last_overflow = overflow;
        }
      }
    }
    uint16_t exporter_port = 0;
    const IpAddress exporter = FromSockaddr(sources[i], &exporter_port);
    const flow::FlowDecodeStats before = collector_.stats();
    const uint64_t records_before = collector_.records();
    collector_.LiveDatagram(exporter, exporter_port, arrival, buffers[i].data(),
                            messages[i].msg_len);
    Bump(counters_.datagrams);
    Bump(counters_.records, collector_.records() - records_before);
    NoteBadInput(exporter, before, now);
    collector_.ReleaseByRecordClock(emit);
  }
  last_datagram_ = now;
  held_ = true;
}

void FlowListener::Run(const std::atomic<bool>& stop) {
  std::vector<pollfd> fds;
  for (const Socket& s : sockets_) {
    fds.push_back(pollfd{s.fd, POLLIN, 0});
  }
  const auto emit = [this](const PacketMeta& meta) { Emit(meta); };
  while (!stop.load(std::memory_order_relaxed)) {
    const int ready = poll(fds.data(), fds.size(), 100);
    const TimestampNs now = MonotonicNowNs();
    if (ready > 0) {
      for (size_t i = 0; i < fds.size(); ++i) {
        if ((fds[i].revents & POLLIN) != 0) {
          ReadSocket(sockets_[i], now);
        }
      }
    }
    if (held_ && now - last_datagram_ >= kFlushIdleNs) {
      // The exporters went quiet: what they sent last is all there is for now.
      collector_.Finish(emit);
      held_ = false;
    }
  }
  collector_.Finish(emit);
}

}  // namespace rampart::sensor
