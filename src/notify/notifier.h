#pragma once
// The sensor's notifications off its control thread: a bounded queue and one thread that runs
// the notify script and the webhook for each entry, in order (docs/sensor.md).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "notify/notify_script.h"
#include "notify/webhook.h"

namespace rampart::notify {

//! What to run for each notification. Empty script_path or webhook_url: that one is off.
struct NotifierSettings {
  std::string script_path;
  std::chrono::milliseconds script_timeout = NotifyScript::kDefaultTimeout;
  std::string webhook_url;
  std::chrono::milliseconds webhook_timeout{5000};
  int webhook_retries = 3;
  std::chrono::milliseconds webhook_backoff{500};
  std::chrono::milliseconds webhook_max_backoff{8000};
  size_t queue_size = 1024;
};

//! A snapshot of the counters. A script run counts in exactly one of ok, failed (spawn error,
//! non-zero exit, signal, cancelled at shutdown) and timeouts; a post in one of ok and failed.
struct NotifierCounters {
  uint64_t queued = 0;   //!< Accepted by Enqueue.
  uint64_t dropped = 0;  //!< Refused (queue full, stopped) or left over at the deadline.
  uint64_t script_ok = 0;
  uint64_t script_failed = 0;
  uint64_t script_timeouts = 0;
  uint64_t webhook_ok = 0;
  uint64_t webhook_failed = 0;
  uint64_t webhook_retries = 0;  //!< Attempts after the first, over all posts.
};

//! Runs the notify script and the webhook on a thread of its own. Enqueue and Counters are
//! thread-safe; Start and Stop belong to the owner (the sensor's control thread).
class Notifier {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Notifier(NotifierSettings settings);
  //! Stop(now): whatever is still queued is dropped, a running script killed.
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  //! Starts the thread. What was enqueued before is kept. Once only.
  void Start();
  //! Queues a notification; false (and counted dropped) when the queue is full or stopped.
  //! Never blocks on the script or the webhook.
  bool Enqueue(Notification notification);
  //! Refuses new notifications, works through the queue until `deadline`, then abandons the
  //! rest (counted dropped) and cancels what is running, and joins. True when all got done.
  bool Stop(Clock::time_point deadline);
  //! Stop(now + grace).
  bool Stop(std::chrono::milliseconds grace) { return Stop(Clock::now() + grace); }

  NotifierCounters Counters() const;
  const NotifierSettings& settings() const { return settings_; }

 private:
  void Run();
  void Deliver(const Notification& notification);
  bool PastDeadline() const;

  NotifierSettings settings_;
  std::unique_ptr<NotifyScript> script_;
  std::unique_ptr<Webhook> webhook_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Notification> queue_;  // Guarded by mutex_.
  bool stopping_ = false;           // Guarded by mutex_.
  uint64_t abandoned_ = 0;          // Dropped or cut short by Stop's deadline; guarded by mutex_.
  //! Steady-clock nanoseconds after which work in progress is cancelled; max while running.
  std::atomic<int64_t> deadline_ns_;
  std::thread thread_;

  std::atomic<uint64_t> queued_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> script_ok_{0};
  std::atomic<uint64_t> script_failed_{0};
  std::atomic<uint64_t> script_timeouts_{0};
  std::atomic<uint64_t> webhook_ok_{0};
  std::atomic<uint64_t> webhook_failed_{0};
  std::atomic<uint64_t> webhook_retries_{0};
};

}  // namespace rampart::notify
