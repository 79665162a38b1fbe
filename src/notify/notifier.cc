#include "notify/notifier.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace rampart::notify {
namespace {

//! A full queue drops a lot at once; the first drop and every this many after are logged.
constexpr uint64_t kDropLogEvery = 100;

int64_t SinceEpochNs(Notifier::Clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
}

//! A script's output on one log line.
std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

}  // namespace

Notifier::Notifier(NotifierSettings settings)
    : settings_(std::move(settings)), deadline_ns_(std::numeric_limits<int64_t>::max()) {
  if (!settings_.script_path.empty()) {
    script_ = std::make_unique<NotifyScript>(settings_.script_path, settings_.script_timeout);
  }
  if (!settings_.webhook_url.empty()) {
    WebhookSettings webhook;
    webhook.url = settings_.webhook_url;
    webhook.timeout = settings_.webhook_timeout;
    webhook.retries = settings_.webhook_retries;
    webhook.backoff = settings_.webhook_backoff;
    webhook.max_backoff = settings_.webhook_max_backoff;
    webhook_ = std::make_unique<Webhook>(std::move(webhook));
  }
}

Notifier::~Notifier() {
  Stop(Clock::now());
}

void Notifier::Start() {
  const std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) {
    return;
  }
  thread_ = std::thread(&Notifier::Run, this);
}

bool Notifier::Enqueue(Notification notification) {
  {
    const std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < settings_.queue_size) {
      queue_.push_back(std::move(notification));
      queued_.fetch_add(1, std::memory_order_relaxed);
      wake_.notify_one();
      return true;
    }
  }
  const uint64_t dropped = dropped_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (dropped == 1 || dropped % kDropLogEvery == 0) {
    spdlog::warn("notify: queue full or stopped ({} queued at most), dropped {} {} ({} so far)",
                 settings_.queue_size, notification.action, notification.ip, dropped);
  }
  return false;
}

bool Notifier::Stop(Clock::time_point deadline) {
  {
    const std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      deadline_ns_.store(SinceEpochNs(deadline));
    }
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  const std::lock_guard lock(mutex_);
  // Never started: nothing will deliver what was queued.
  if (!queue_.empty()) {
    dropped_.fetch_add(queue_.size(), std::memory_order_relaxed);
    abandoned_ += queue_.size();
    spdlog::warn("notify: stopped with {} notifications never delivered", queue_.size());
    queue_.clear();
  }
  return abandoned_ == 0;
}

NotifierCounters Notifier::Counters() const {
  NotifierCounters counters;
  counters.queued = queued_.load(std::memory_order_relaxed);
  counters.dropped = dropped_.load(std::memory_order_relaxed);
  counters.script_ok = script_ok_.load(std::memory_order_relaxed);
  counters.script_failed = script_failed_.load(std::memory_order_relaxed);
  counters.script_timeouts = script_timeouts_.load(std::memory_order_relaxed);
  counters.webhook_ok = webhook_ok_.load(std::memory_order_relaxed);
  counters.webhook_failed = webhook_failed_.load(std::memory_order_relaxed);
  counters.webhook_retries = webhook_retries_.load(std::memory_order_relaxed);
  return counters;
}

bool Notifier::PastDeadline() const {
  return SinceEpochNs(Clock::now()) >= deadline_ns_.load();
}

void Notifier::Run() {
  // TLS writes in libcurl can raise SIGPIPE on this thread; the sensor must not die of it.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  for (;;) {
    Notification notification;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;
      }
      if (stopping_ && PastDeadline()) {
        dropped_.fetch_add(queue_.size(), std::memory_order_relaxed);
        abandoned_ += queue_.size();
        spdlog::warn("notify: shutdown deadline passed, {} notifications dropped", queue_.size());
        queue_.clear();
        return;
      }
      notification = std::move(queue_.front());
      queue_.pop_front();
    }
    Deliver(notification);
  }
}

void Notifier::Deliver(const Notification& notification) {
  const CancelCheck cancelled = [this] { return PastDeadline(); };
  const auto direction = DirectionName(notification.incoming);
  bool cut_short = false;
  if (script_) {
    const ScriptResult result = script_->Run(notification, cancelled);
    const std::string output = OneLine(result.output);
    if (result.Ok()) {
      script_ok_.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("notify script {} {} {} {} {}: done in {} ms{}{}", script_->path(),
                   notification.ip, direction, notification.pps, notification.action,
                   result.elapsed.count(), output.empty() ? "" : ", output: ", output);
    } else {
      if (result.outcome == ScriptResult::Outcome::kTimedOut) {
        script_timeouts_.fetch_add(1, std::memory_order_relaxed);
      } else {
        script_failed_.fetch_add(1, std::memory_order_relaxed);
      }
      cut_short = result.outcome == ScriptResult::Outcome::kCancelled;
      spdlog::warn("notify script {} {} {} {} {} failed: {}{}{}", script_->path(), notification.ip,
                   direction, notification.pps, notification.action, result.Describe(),
                   output.empty() ? "" : ", output: ", output);
    }
  }
  if (webhook_) {
    const WebhookResult result = webhook_->Post(notification, cancelled);
    if (result.attempts > 1) {
      webhook_retries_.fetch_add(static_cast<uint64_t>(result.attempts - 1),
                                 std::memory_order_relaxed);
    }
    if (result.ok) {
      webhook_ok_.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("notify webhook {} {} {}: HTTP {} after {} attempt(s) in {} ms",
                   webhook_->settings().url, notification.action, notification.ip,
                   result.http_status, result.attempts, result.elapsed.count());
    } else {
      webhook_failed_.fetch_add(1, std::memory_order_relaxed);
      cut_short = cut_short || PastDeadline();
      spdlog::warn("notify webhook {} {} {} failed after {} attempt(s) in {} ms: {}",
                   webhook_->settings().url, notification.action, notification.ip, result.attempts,
                   result.elapsed.count(), result.error);
    }
  }
  if (cut_short) {
    const std::lock_guard lock(mutex_);
    ++abandoned_;
  }
}

}  // namespace rampart::notify
