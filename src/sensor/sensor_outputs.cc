#include "sensor/sensor_outputs.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace rampart::sensor {

SensorOutputs::~SensorOutputs() {
  Close();
}

bool SensorOutputs::Open(const OutputSettings& settings, std::string* error) {
  std::FILE* eve = nullptr;
  if (!settings.eve.empty()) {
    eve = std::fopen(settings.eve.c_str(), "a");
    if (eve == nullptr) {
      *error = settings.eve + ": " + std::strerror(errno);
      return false;
    }
  }
  std::unique_ptr<history::HistoryDb> db;
  if (!settings.history.empty()) {
    if (history_ && settings.history == settings_.history) {
      db = std::move(history_);  // same file: keep the open handle (it may be past a priv drop)
    } else {
      db = history::HistoryDb::Open(settings.history, error);
      if (!db) {
        if (eve != nullptr) {
          std::fclose(eve);
        }
        return false;
      }
    }
  }
  std::unique_ptr<notify::Notifier> notifier;
  if (!settings.notify_script.empty() || !settings.webhook_url.empty()) {
    notify::NotifierSettings n;
    n.script_path = settings.notify_script;
    n.script_timeout =
        std::chrono::milliseconds(static_cast<int64_t>(settings.notify_timeout_s * 1000));
    n.webhook_url = settings.webhook_url;
    n.webhook_timeout =
        std::chrono::milliseconds(static_cast<int64_t>(settings.webhook_timeout_s * 1000));
    n.webhook_retries = static_cast<int>(settings.webhook_retries);
    notifier = std::make_unique<notify::Notifier>(n);
    notifier->Start();
  }
  // Everything opened: swap in, and let the old notifier finish what it had.
  if (eve_ != nullptr) {
    std::fclose(eve_);
  }
  eve_ = eve;
  history_ = std::move(db);
  if (notifier_) {
    notifier_->Stop(std::chrono::milliseconds(2000));
  }
  notifier_ = std::move(notifier);
  settings_ = settings;
  return true;
}

void SensorOutputs::Publish(const std::vector<nlohmann::ordered_json>& events,
                            const std::vector<AttackChange>& changes) {
  if (eve_ != nullptr && !events.empty()) {
    for (const auto& event : events) {
      const std::string line = event.dump() + "\n";
      std::fwrite(line.data(), 1, line.size(), eve_);
    }
    std::fflush(eve_);
  }
  if (history_ && !events.empty()) {
    std::string error;
    if (!history_->Store(events, &error)) {
      if (history_errors_++ == 0) {
        spdlog::error("history {}: {}", settings_.history, error);
      }
    }
  }
  if (notifier_) {
    for (const AttackChange& change : changes) {
      const auto& a = change.attack;
      notify::Notification n;
      n.ip = a.value("target", "");
      n.incoming = a.value("direction", "incoming") == "incoming";
      n.pps = static_cast<uint64_t>(a.value("peak_pps", 0.0));
      n.action = change.action;
      n.json = a.dump();
      notifier_->Enqueue(std::move(n));
    }
  }
}

void SensorOutputs::Close() {
  if (eve_ != nullptr) {
    std::fclose(eve_);
    eve_ = nullptr;
  }
  history_.reset();
  if (notifier_) {
    notifier_->Stop(std::chrono::milliseconds(5000));
    notifier_.reset();
  }
}

notify::NotifierCounters SensorOutputs::notifier_counters() const {
  return notifier_ ? notifier_->Counters() : notify::NotifierCounters{};
}

}  // namespace rampart::sensor
