#include "sensor/shard_worker.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include <unistd.h>

#include "decode/packet_decoder.h"
#include "output/report_builder.h"
#include "output/report_json.h"
#include "sensor/owned_counter.h"
#include "sensor/wall_clock.h"

namespace rampart::sensor {
namespace {

constexpr size_t kInboundSlots = 4096;  // 8 MiB of frames per sending worker
constexpr size_t kFlowSlots = size_t{1} << 16;
constexpr TimestampNs kPublishEveryNs = kNanosPerSecond;
constexpr TimestampNs kFastPublishNs = kNanosPerSecond / 10;
constexpr TimestampNs kIdleAfterNs = kNanosPerSecond;  // then packet time moves with the wall
constexpr int kPollMs = 50;
constexpr TimestampNs kRecentAttackNs = 600 * kNanosPerSecond;  // > the IoT scan window
constexpr size_t kMaxRecentAttacks = 1024;
constexpr uint64_t kIotEvery = 5;  // snapshots

}  // namespace

ShardWorker::ShardWorker(uint32_t index, uint32_t shards, std::unique_ptr<Analyzer> analyzer,
                         const ShardRouter* router)
    : index_(index),
      shards_(shards),
      analyzer_(std::move(analyzer)),
      router_(router),
      flow_inbound_(kFlowSlots) {
  for (uint32_t j = 0; j < shards_; ++j) {
    inbound_.push_back(j == index_ ? nullptr : std::make_unique<FrameRing>(kInboundSlots));
  }
}

ShardWorker::~ShardWorker() = default;

void ShardWorker::AddSource(std::unique_ptr<AfPacketSource> source) {
  af_packet_.push_back(std::move(source));
}

void ShardWorker::AddSource(std::unique_ptr<PcapSource> source) {
  pcap_.push_back(std::move(source));
}

void ShardWorker::Connect(const std::vector<ShardWorker*>& peers) {
  outbound_.assign(shards_, nullptr);
  for (uint32_t j = 0; j < shards_; ++j) {
    if (j != index_) {
      outbound_[j] = &peers[j]->InboundFrom(index_);
    }
  }
}

void ShardWorker::OnFrame(const RawPacket& packet) {
  Bump(counters_.frames_read);
  uint32_t owner = index_;
  if (shards_ > 1) {
    // The one extra decode of the sharded path: the owner decodes the frame again.
    DecodePacket(packet, scratch_, scratch_stats_);
    owner = router_->ShardOf(scratch_, index_);
  }
  if (owner == index_) {
    analyzer_->Process(packet);
    Bump(counters_.frames_analyzed);
    return;
  }
  FrameSlot* slot = outbound_[owner]->Reserve();
  if (slot == nullptr) {
    Bump(counters_.pass_drops);
    return;
  }
  slot->ts_ns = packet.ts_ns;
  slot->cap_len = std::min(packet.cap_len, FrameSlot::kBytes);
  slot->wire_len = packet.wire_len;
  slot->link_type = packet.link_type;
  std::memcpy(slot->data, packet.data, slot->cap_len);
  outbound_[owner]->Commit();
  Bump(counters_.passed_out);
}

bool ShardWorker::DrainInbound() {
  bool any = false;
  RawPacket packet;
  for (uint32_t j = 0; j < shards_; ++j) {
    if (j == index_) {
      continue;
    }
    FrameRing& ring = *inbound_[j];
    while (const FrameSlot* slot = ring.Front()) {
      packet.ts_ns = slot->ts_ns;
      packet.data = slot->data;
      packet.cap_len = slot->cap_len;
      packet.wire_len = slot->wire_len;
      packet.link_type = slot->link_type;
      analyzer_->Process(packet);
      ring.Pop();
      Bump(counters_.frames_analyzed);
      any = true;
    }
  }
  while (const PacketMeta* meta = flow_inbound_.Front()) {
    analyzer_->ProcessFlowRecord(*meta);
    flow_inbound_.Pop();
    Bump(counters_.flow_records);
    any = true;
  }
  return any;
}

void ShardWorker::Run(const std::atomic<bool>& stop) {
  last_activity_wall_ = MonotonicNowNs();
  next_publish_ = last_activity_wall_ + kPublishEveryNs;
  const auto on_frame = [this](const RawPacket& packet) { OnFrame(packet); };
  while (!stop.load(std::memory_order_relaxed)) {
    size_t read = 0;
    bool first = true;
    for (auto& source : af_packet_) {
      read += source->Poll(first ? kPollMs : 0, on_frame);
      first = false;
    }
    for (auto& source : pcap_) {
      read += source->Poll(first ? kPollMs : 0, on_frame);
      first = false;
    }
    const bool passed = DrainInbound();
    const TimestampNs now = MonotonicNowNs();
    if (read > 0 || passed) {
      last_activity_wall_ = now;
    } else {
      if (first) {
        // No sockets to wait on (flows only): a short sleep instead of a busy loop.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      // Quiet: packet time moves on with the wall clock, from the last packet's time, so an
      // attack that stops is ended on time and a replayed capture keeps its own clock.
      const TimestampNs idle = now - last_activity_wall_;
      // Only when a new second of packet time begins: the detectors judge whole seconds, and
      // the DNS detector's pass over its zones need not run on every idle poll.
      const TimestampNs clock = analyzer_->last_ts() + idle;
      if (idle >= kIdleAfterNs && analyzer_->last_ts() != 0 &&
          clock / kNanosPerSecond != advanced_second_) {
        advanced_second_ = clock / kNanosPerSecond;
        analyzer_->AdvanceTime(clock);
      }
    }
    const DdosDetector* detector = analyzer_->detector();
    // A new attack is published at once (at most every 100 ms), the rest once a second.
    const bool new_attack = detector != nullptr && detector->next_attack_id() != attacks_seen_ &&
                            now >= last_publish_ + kFastPublishNs;
    if (now >= next_publish_ || new_attack) {
      next_publish_ = now + kPublishEveryNs;
      last_publish_ = now;
      SwitchAnalyzerIfPosted();
      Publish(false);
      if (new_attack && wake_fd_ >= 0) {
        const uint64_t one = 1;
        // The control thread reads it; a full counter (never, in practice) only delays a tick.
        [[maybe_unused]] const ssize_t n = write(wake_fd_, &one, sizeof(one));
      }
    }
  }
  DrainInbound();
  analyzer_->Finish();
  Publish(true);
}

void ShardWorker::SwitchAnalyzerIfPosted() {
  if (!analyzer_posted_.load(std::memory_order_acquire)) {
    return;
  }
  std::unique_ptr<Analyzer> next;
  {
    std::lock_guard<std::mutex> lock(mailbox_mutex_);
    next = std::move(posted_);
    analyzer_posted_.store(false, std::memory_order_relaxed);
  }
  if (!next) {
    return;
  }
  analyzer_->Finish();
  Publish(true);
  analyzer_ = std::move(next);
  attack_cursor_ = 0;
  attacks_seen_ = 1;
}

void ShardWorker::Publish(bool final) {
  ReadCaptureCounters();
  analyzer_->Flush();
  std::vector<AttackRecord> attacks;
  if (DdosDetector* detector = analyzer_->mutable_detector()) {
    attacks_seen_ = detector->next_attack_id();
    attacks = detector->ActiveAndEndedSince(&attack_cursor_);
    // Published once: the detector may forget them (memory stays bounded however long it runs).
    detector->ForgetEnded(attack_cursor_);
  }
  std::vector<bool> active;
  for (AttackRecord& a : attacks) {
    active.push_back(a.end == 0);
    if (a.end == 0) {
      a.end = analyzer_->last_ts();
      a.ongoing = true;
    }
  }
  std::vector<dnsmon::DnsFinding> dns;
  if (dnsmon::DnsMonitor* monitor = analyzer_->mutable_dns()) {
    dns = monitor->TakeLiveFindings();
  }
  // Context for the IoT findings: attacks that ended within the scan window (bounded).
  const TimestampNs horizon = analyzer_->last_ts() - kRecentAttackNs;
  std::erase_if(recent_attacks_, [horizon](const AttackRecord& a) { return a.end < horizon; });
  if (recent_attacks_.size() > kMaxRecentAttacks) {
    recent_attacks_.erase(recent_attacks_.begin(),
                          recent_attacks_.end() - static_cast<std::ptrdiff_t>(kMaxRecentAttacks));
  }
  std::vector<AttackRecord> ended_now;
  for (size_t i = 0; i < attacks.size(); ++i) {
    if (!active[i]) {
      ended_now.push_back(attacks[i]);
    }
  }
  // IoT findings every few seconds (and at the end): they cost a pass over every flagged source.
  const bool iot = final || publishes_++ % kIotEvery == 0;
  AnalysisReport report =
      BuildAnalysisReport(*analyzer_, 0, std::move(attacks), std::move(dns), recent_attacks_, iot);
  recent_attacks_.insert(recent_attacks_.end(), ended_now.begin(), ended_now.end());
  ShardSnapshot snapshot;
  snapshot.shard = index_;
  snapshot.packet_time = analyzer_->last_ts();
  snapshot.final = final;
  snapshot.report = ReportToJson(report);
  // Which attacks are still running: the detector's own (water tortures carry `ongoing`).
  auto& json_attacks = snapshot.report["attacks"];
  for (size_t i = 0; i < json_attacks.size(); ++i) {
    const bool running =
        i < active.size() ? active[i] && !final : json_attacks[i].value("ongoing", false) && !final;
    json_attacks[i]["active"] = running;
  }
  std::lock_guard<std::mutex> lock(mailbox_mutex_);
  snapshots_.push_back(std::move(snapshot));
}

void ShardWorker::PostAnalyzer(std::unique_ptr<Analyzer> analyzer) {
  std::lock_guard<std::mutex> lock(mailbox_mutex_);
  posted_ = std::move(analyzer);
  analyzer_posted_.store(true, std::memory_order_release);
}

std::vector<ShardSnapshot> ShardWorker::TakeSnapshots() {
  std::lock_guard<std::mutex> lock(mailbox_mutex_);
  std::vector<ShardSnapshot> out = std::move(snapshots_);
  snapshots_.clear();
  return out;
}

void ShardWorker::ReadCaptureCounters() {
  uint64_t drops = 0;
  uint64_t freezes = 0;
  for (auto& source : af_packet_) {
    const CaptureCounters& c = source->Counters();
    drops += c.kernel_drops;
    freezes += c.freezes;
  }
  for (auto& source : pcap_) {
    drops += source->Counters().kernel_drops;
  }
  counters_.kernel_drops.store(drops, std::memory_order_relaxed);
  counters_.ring_freezes.store(freezes, std::memory_order_relaxed);
}

}  // namespace rampart::sensor
