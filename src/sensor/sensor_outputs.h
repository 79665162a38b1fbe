#pragma once
// Where the live sensor's events go (docs/sensor.md): the EVE JSON lines file, the SQLite
// history, and the notifier (script and webhook) for attack starts, details and ends. Opened
// before privileges are dropped; reopened on SIGHUP (log rotation, a changed path). Control
// thread only.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "history/history_db.h"
#include "notify/notifier.h"
#include "sensor/live_events.h"

namespace rampart::sensor {

class SensorOutputs {
 public:
  SensorOutputs() = default;
  ~SensorOutputs();
  SensorOutputs(const SensorOutputs&) = delete;
  SensorOutputs& operator=(const SensorOutputs&) = delete;

  //! Opens (or reopens, after a reload) every configured output; false with the reason.
  bool Open(const OutputSettings& settings, std::string* error);

  //! Writes the events (EVE and history) and hands attack changes to the notifier.
  void Publish(const std::vector<nlohmann::ordered_json>& events,
               const std::vector<AttackChange>& changes);
  //! Flushes, stores and lets the notifier finish within a few seconds.
  void Close();

  notify::NotifierCounters notifier_counters() const;
  uint64_t history_errors() const { return history_errors_; }
  //! The history database, or nullptr when none is configured.
  history::HistoryDb* history() { return history_.get(); }

 private:
  OutputSettings settings_;
  std::FILE* eve_ = nullptr;
  std::unique_ptr<history::HistoryDb> history_;
  std::unique_ptr<notify::Notifier> notifier_;
  uint64_t history_errors_ = 0;
};

}  // namespace rampart::sensor
