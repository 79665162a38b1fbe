#pragma once
// `rampart run`: the live sensor (docs/sensor.md, docs/architecture.md). The control thread
// starts one ShardWorker per configured worker (each with a fanout socket per interface), the
// flow listener, and the outputs; then once a second it collects the shards' snapshots, turns
// them into EVE events, history rows and notifications, and every `stats_interval` writes a
// stats event. SIGHUP reloads the configuration (a bad one is refused and the old one kept) and
// reopens the outputs; SIGTERM and SIGINT flush and exit.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "engine/analyzer.h"
#include "mitigate/ban_manager.h"
#include "sensor/control_socket.h"
#include "sensor/flow_listener.h"
#include "sensor/live_events.h"
#include "sensor/sensor_outputs.h"
#include "sensor/shard_router.h"
#include "sensor/shard_worker.h"

namespace rampart::sensor {

struct RunOptions {
  std::string config_path;
  uint64_t seed = 0;  // 0 = random
};

class Sensor {
 public:
  explicit Sensor(RunOptions options);
  ~Sensor();
  Sensor(const Sensor&) = delete;
  Sensor& operator=(const Sensor&) = delete;

  //! Loads the configuration, opens sockets and outputs, drops privileges, starts the threads.
  bool Start(std::string* error);
  //! Runs until SIGTERM or SIGINT; returns the process exit code.
  int Run();

 private:
  bool LoadAndCheck(Config* config, std::string* error) const;
  std::unique_ptr<Analyzer> MakeAnalyzer(const Config& config, std::string* error) const;
  bool OpenSources(std::string* error);
  void Tick(bool final);
  //! The ban manager's part of a tick: attack and device events in, ban events and notices out.
  void Mitigate(std::vector<nlohmann::ordered_json>* events, std::vector<AttackChange>* changes);
  //! The ban manager's events and its ban/unban notices (for the notifier), taken.
  void TakeBanDecisions(std::vector<nlohmann::ordered_json>* events,
                        std::vector<AttackChange>* changes);
  nlohmann::ordered_json Control(const nlohmann::ordered_json& request);
  bool StartMitigation(std::string* error);
  void Reload();
  nlohmann::ordered_json StatsEvent() const;
  void Shutdown();

  RunOptions options_;
  Config config_;
  std::unique_ptr<ShardRouter> router_;
  std::vector<std::unique_ptr<ShardWorker>> workers_;
  std::unique_ptr<FlowListener> flows_;
  std::vector<std::thread> threads_;
  std::thread flow_thread_;
  std::atomic<bool> stop_workers_{false};
  std::atomic<bool> stop_flows_{false};
  SensorOutputs outputs_;
  std::unique_ptr<LiveEvents> live_;
  std::unique_ptr<mitigate::BanManager> bans_;
  ControlServer control_;
  int wake_fd_ = -1;  // eventfd: a worker found an attack, publish now
  std::vector<nlohmann::ordered_json> shard_capture_;  // each shard's latest `capture` block
  TimestampNs started_wall_ = 0;
  TimestampNs next_stats_ = 0;  // monotonic
  uint64_t reloads_ = 0;
  uint64_t reloads_refused_ = 0;
};

}  // namespace rampart::sensor
