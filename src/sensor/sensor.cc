#include "sensor/sensor.h"

#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <csignal>
#include <ctime>

#include "core/hash.h"
#include "iot/credential_setup.h"
#include "mitigate/ban_request.h"
#include "sensor/daemon_support.h"
#include "sensor/mitigation_setup.h"
#include "sensor/wall_clock.h"

namespace rampart::sensor {
namespace {

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

//! What only a restart can change.
bool SameSources(const SensorSettings& a, const SensorSettings& b) {
  if (a.interfaces != b.interfaces || a.method != b.method || a.workers != b.workers ||
      a.flow_listen.size() != b.flow_listen.size() || a.ring_mib != b.ring_mib ||
      a.snaplen != b.snaplen) {
    return false;
  }
  for (size_t i = 0; i < a.flow_listen.size(); ++i) {
    if (a.flow_listen[i].address != b.flow_listen[i].address ||
        a.flow_listen[i].port != b.flow_listen[i].port) {
      return false;
    }
  }
  return true;
}

}  // namespace

Sensor::Sensor(RunOptions options) : options_(std::move(options)) {}

Sensor::~Sensor() {
  Shutdown();
}

bool Sensor::LoadAndCheck(Config* config, std::string* error) const {
  std::vector<ConfigError> errors;
  auto loaded = LoadConfig(options_.config_path, &errors);
  if (!loaded) {
    *error = options_.config_path;
    for (const ConfigError& e : errors) {
      *error += "\n  " + e.ToString();
    }
    return false;
  }
  if (loaded->sensor.interfaces.empty() && loaded->sensor.flow_listen.empty()) {
    *error =
        options_.config_path + ": nothing to read: set sensor.interfaces and/or sensor.flow_listen";
    return false;
  }
  *config = std::move(*loaded);
  return true;
}

std::unique_ptr<Analyzer> Sensor::MakeAnalyzer(const Config& config, std::string* error) const {
  AnalyzerOptions options;
  options.config = config;
  options.hash_seed = options_.seed;
  options.count_hosts = false;  // the live view is attacks and findings, not a host table
  if (config.iot.enabled) {
    auto credentials = iot::CredentialsForConfig(config.iot, error);
    if (!credentials) {
      return nullptr;
    }
    options.credentials = std::move(*credentials);
  }
  return std::make_unique<Analyzer>(options);
}

bool Sensor::OpenSources(std::string* error) {
  const SensorSettings& s = config_.sensor;
  // One fanout group per interface, shared by the workers; the id only has to be unique on
  // this host, so it comes from our pid.
  for (size_t i = 0; i < s.interfaces.size(); ++i) {
    const int group = s.workers > 1 ? static_cast<int>((getpid() + i * 7919) & 0xffff) : -1;
    for (auto& worker : workers_) {
      if (s.method == CaptureMethod::kAfPacket) {
        auto source = std::make_unique<AfPacketSource>();
        AfPacketSource::Options o{s.interfaces[i], s.ring_mib, s.snaplen, s.promiscuous, group};
        if (!source->Open(o, error)) {
          return false;
        }
        worker->AddSource(std::move(source));
      } else {
        if (worker.get() != workers_.front().get()) {
          break;  // libpcap has no fanout: one worker reads each interface
        }
        auto source = std::make_unique<PcapSource>();
        PcapSource::Options o{s.interfaces[i], s.ring_mib, s.snaplen, s.promiscuous};
        if (!source->Open(o, error)) {
          return false;
        }
        worker->AddSource(std::move(source));
      }
    }
  }
  std::vector<ShardWorker*> shards;
  for (auto& worker : workers_) {
    shards.push_back(worker.get());
  }
  flows_ = std::make_unique<FlowListener>(router_.get(), shards);
  return flows_->Open(s.flow_listen, s.flow_socket_buffer_mib, error);
}

bool Sensor::Start(std::string* error) {
  // First of all: every thread started from here on (ours, gRPC's, libcurl's) inherits this
  // mask, so the signals reach only the control thread's signalfd.
  const sigset_t signals = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (!LoadAndCheck(&config_, error)) {
    return false;
  }
  if (!SetUpLogging(config_.sensor, error)) {
    return false;
  }
  started_wall_ = WallNowNs();
  const uint64_t seed = options_.seed != 0 ? options_.seed : RandomSeed();
  const uint32_t shards = config_.sensor.workers;
  router_ = std::make_unique<ShardRouter>(config_, shards, seed);
  for (uint32_t i = 0; i < shards; ++i) {
    auto analyzer = MakeAnalyzer(config_, error);
    if (!analyzer) {
      return false;
    }
    workers_.push_back(
        std::make_unique<ShardWorker>(i, shards, std::move(analyzer), router_.get()));
  }
  std::vector<ShardWorker*> peers;
  for (auto& worker : workers_) {
    peers.push_back(worker.get());
  }
  for (auto& worker : workers_) {
    worker->Connect(peers);
  }
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  for (auto& worker : workers_) {
    worker->SetWakeFd(wake_fd_);
  }
  if (!OpenSources(error) || !outputs_.Open(config_.outputs, error) || !StartMitigation(error) ||
      !WritePidFile(config_.sensor.pid_file, error) ||
      !DropPrivileges(
          config_.sensor.user,
          {config_.outputs.eve, config_.outputs.history, config_.outputs.history + "-wal",
           config_.outputs.history + "-shm", config_.sensor.log_file},
          error)) {
    return false;
  }
  live_ = std::make_unique<LiveEvents>(std::to_string(started_wall_ / kNanosPerSecond),
                                       config_.outputs.attack_update_interval_s);
  shard_capture_.assign(shards, nlohmann::ordered_json::object());
  for (auto& worker : workers_) {
    threads_.emplace_back([w = worker.get(), this] { w->Run(stop_workers_); });
  }
  if (!flows_->empty()) {
    flow_thread_ = std::thread([this] { flows_->Run(stop_flows_); });
  }
  spdlog::info("rampart run: {} worker(s), interfaces [{}], {} flow socket(s), method {}", shards,
               fmt::join(config_.sensor.interfaces, ", "), config_.sensor.flow_listen.size(),
               config_.sensor.method == CaptureMethod::kAfPacket ? "af_packet" : "pcap");
  next_stats_ = MonotonicNowNs() +
                static_cast<TimestampNs>(config_.outputs.stats_interval_s * kNanosPerSecond);
  return true;
}

bool Sensor::StartMitigation(std::string* error) {
  const MitigationSettings& m = config_.mitigation;
  if (!m.enabled) {
    return true;
  }
  std::vector<std::unique_ptr<mitigate::Backend>> backends;
  if (!MakeBackends(m, &backends, error)) {
    return false;
  }
  if (!control_.Open(m.control_socket, error)) {
    *error = "mitigation.control_socket: " + *error;
    return false;
  }
  bans_ = std::make_unique<mitigate::BanManager>(m, config_, std::move(backends));
  if (history::HistoryDb* db = outputs_.history()) {
    bans_->Restore(db->Bans(true, 100'000), WallNowNs());
  } else {
    spdlog::warn("mitigation without outputs.history: bans will not survive a restart");
  }
  spdlog::info("mitigation {}: {} rule(s), ban time {}s, control socket {}",
               m.dry_run ? "in dry-run (nothing is announced)" : "on", m.rules.size(), m.ban_time_s,
               m.control_socket);
  return true;
}

void Sensor::Mitigate(std::vector<nlohmann::ordered_json>* events,
                      std::vector<AttackChange>* changes) {
  if (!bans_) {
    return;
  }
  const TimestampNs now = WallNowNs();
  for (const auto& event : *events) {
    const std::string type = event.value("event_type", "");
    if (type == "attack") {
      bans_->OnAttack(event.at("attack"), now);
    } else if (type == "infected_device") {
      bans_->OnInfectedDevice(event.at("infected_device"), now);
    }
  }
  bans_->Tick(now);
  // With the ban manager on, ban and unban are the bans' (attack_details stays the attack's).
  std::erase_if(*changes, [](const AttackChange& c) { return c.action != "attack_details"; });
  TakeBanDecisions(events, changes);
}

void Sensor::TakeBanDecisions(std::vector<nlohmann::ordered_json>* events,
                              std::vector<AttackChange>* changes) {
  for (auto& notice : bans_->TakeNotices()) {
    // What the notify script's arguments are made of: the direction and the attack's rate.
    nlohmann::ordered_json record = notice.ban;
    const auto& attack = notice.ban.at("attack");
    record["direction"] = notice.ban.value("origin", "") == "device" ? "outgoing" : "incoming";
    record["peak_pps"] = attack.is_object() ? attack.value("peak_pps", 0.0) : 0.0;
    changes->push_back({notice.action, std::move(record)});
  }
  for (auto& event : bans_->TakeEvents()) {
    events->push_back(std::move(event));
  }
}

nlohmann::ordered_json Sensor::Control(const nlohmann::ordered_json& request) {
  if (!bans_) {
    return {{"error", "mitigation is not configured"}};
  }
  nlohmann::ordered_json reply =
      mitigate::HandleBanRequest(*bans_, request, config_.mitigation.dry_run, WallNowNs());
  // The decision's event goes out now, not at the next tick.
  std::vector<nlohmann::ordered_json> events;
  std::vector<AttackChange> changes;
  TakeBanDecisions(&events, &changes);
  outputs_.Publish(events, changes);
  return reply;
}

void Sensor::Tick(bool final) {
  std::vector<nlohmann::ordered_json> events;
  std::vector<AttackChange> changes;
  for (auto& worker : workers_) {
    for (ShardSnapshot& snapshot : worker->TakeSnapshots()) {
      live_->Apply(snapshot.shard, snapshot.report, snapshot.packet_time, snapshot.final, &events,
                   &changes);
      if (const auto it = snapshot.report.find("capture"); it != snapshot.report.end()) {
        shard_capture_[snapshot.shard] = *it;
      }
    }
  }
  Mitigate(&events, &changes);
  const TimestampNs now = MonotonicNowNs();
  if (final || now >= next_stats_) {
    next_stats_ =
        now + static_cast<TimestampNs>(config_.outputs.stats_interval_s * kNanosPerSecond);
    events.push_back(StatsEvent());
  }
  outputs_.Publish(events, changes);
}

nlohmann::ordered_json Sensor::StatsEvent() const {
  using Json = nlohmann::ordered_json;
  uint64_t read = 0, analyzed = 0, passed = 0, pass_drops = 0, flow_records = 0, drops = 0,
           freezes = 0, packets = 0, bytes = 0;
  for (size_t i = 0; i < workers_.size(); ++i) {
    const WorkerCounters& c = workers_[i]->counters();
    read += c.frames_read.load(std::memory_order_relaxed);
    analyzed += c.frames_analyzed.load(std::memory_order_relaxed);
    passed += c.passed_out.load(std::memory_order_relaxed);
    pass_drops += c.pass_drops.load(std::memory_order_relaxed);
    flow_records += c.flow_records.load(std::memory_order_relaxed);
    drops += c.kernel_drops.load(std::memory_order_relaxed);
    freezes += c.ring_freezes.load(std::memory_order_relaxed);
    packets += shard_capture_[i].value("packets", uint64_t{0});
    bytes += shard_capture_[i].value("bytes", uint64_t{0});
  }
  // The protocol mix in packets, summed over the shards (a wrong link type shows as undecoded).
  Json protocols = Json::object();
  for (const char* name : {"ipv4", "ipv6", "tcp", "udp", "icmp", "icmpv6", "gre", "undecoded"}) {
    uint64_t n = 0;
    for (const auto& capture : shard_capture_) {
      const auto it = capture.find("protocols");
      if (it != capture.end() && it->contains(name)) {
        n += (*it)[name].value("packets", uint64_t{0});
      }
    }
    protocols[name] = n;
  }
  const FlowListenerCounters& f = flows_->counters();
  const notify::NotifierCounters n = outputs_.notifier_counters();
  const TimestampNs wall = WallNowNs();
  Json stats = {
      {"uptime_s", static_cast<double>(wall - started_wall_) / 1e9},
      {"workers", workers_.size()},
      {"packets", packets},
      {"bytes", bytes},
      {"protocols", protocols},
      {"capture",
       {{"frames_read", read},
        {"frames_analyzed", analyzed},
        {"passed_between_workers", passed},
        {"kernel_drops", drops},
        {"ring_freezes", freezes},
        {"queue_drops", pass_drops}}},
      {"flows",
       {{"datagrams", f.datagrams.load()},
        {"records", f.records.load()},
        {"chunks", f.chunks.load()},
        {"chunks_analyzed", flow_records},
        {"malformed", f.malformed.load()},
        {"socket_drops", f.socket_drops.load()},
        {"queue_drops", f.queue_drops.load()}}},
      {"attacks", {{"active", live_->active_attacks()}, {"started", live_->attacks_started()}}},
      {"notify",
       {{"queued", n.queued},
        {"dropped", n.dropped},
        {"script_ok", n.script_ok},
        {"script_failed", n.script_failed},
        {"script_timeouts", n.script_timeouts},
        {"webhook_ok", n.webhook_ok},
        {"webhook_failed", n.webhook_failed}}},
      {"history_errors", outputs_.history_errors()},
      {"reloads", reloads_},
      {"reloads_refused", reloads_refused_}};
  return Json{{"timestamp", FormatIso8601(wall)}, {"event_type", "stats"}, {"stats", stats}};
}

void Sensor::Reload() {
  Config next;
  std::string error;
  if (!LoadAndCheck(&next, &error)) {
    ++reloads_refused_;
    spdlog::error("SIGHUP: configuration refused, the running one is kept: {}", error);
    return;
  }
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  for (size_t i = 0; i < workers_.size(); ++i) {
    auto analyzer = MakeAnalyzer(next, &error);
    if (!analyzer) {
      ++reloads_refused_;
      spdlog::error("SIGHUP: configuration refused, the running one is kept: {}", error);
      return;
    }
    analyzers.push_back(std::move(analyzer));
  }
  if (!outputs_.Open(next.outputs, &error)) {
    ++reloads_refused_;
    spdlog::error("SIGHUP: outputs not reopened, the running ones are kept: {}", error);
    return;
  }
  if (!SameSources(config_.sensor, next.sensor)) {
    spdlog::warn(
        "SIGHUP: interfaces, flow sockets, workers, ring and snaplen change only on "
        "restart; the rest is applied");
  }
  // Attacks in progress are closed by the old analyzers and found again under the new
  // thresholds within a second if they go on.
  for (size_t i = 0; i < workers_.size(); ++i) {
    workers_[i]->PostAnalyzer(std::move(analyzers[i]));
  }
  const SensorSettings sources = config_.sensor;
  config_ = std::move(next);
  config_.sensor.interfaces = sources.interfaces;
  config_.sensor.flow_listen = sources.flow_listen;
  config_.sensor.workers = sources.workers;
  ++reloads_;
  spdlog::info("SIGHUP: configuration {} reloaded", options_.config_path);
}

int Sensor::Run() {
  const sigset_t signals = HandledSignals();
  const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  TimestampNs next_tick = MonotonicNowNs() + kNanosPerSecond;
  bool running = true;
  while (running) {
    pollfd fds[3] = {{signal_fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}, {control_.fd(), POLLIN, 0}};
    const TimestampNs wait_ns = std::max<TimestampNs>(0, next_tick - MonotonicNowNs());
    poll(fds, control_.fd() >= 0 ? 3 : 2, static_cast<int>(wait_ns / 1'000'000) + 1);
    signalfd_siginfo info{};
    while (read(signal_fd, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
      if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
        spdlog::info("{}: flushing and exiting", info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
        running = false;
      } else if (info.ssi_signo == SIGHUP) {
        Reload();
      }
    }
    if (!running) {
      break;
    }
    if ((fds[2].revents & POLLIN) != 0) {
      control_.ServeOne([this](const nlohmann::ordered_json& r) { return Control(r); });
    }
    uint64_t woken = 0;
    const bool wake = (fds[1].revents & POLLIN) != 0 &&
                      read(wake_fd_, &woken, sizeof(woken)) == static_cast<ssize_t>(sizeof(woken));
    const TimestampNs now = MonotonicNowNs();
    if (wake || now >= next_tick) {
      // A worker found an attack: publish (and ban) now rather than at the next second.
      next_tick = wake ? next_tick : now + kNanosPerSecond;
      Tick(false);
    }
  }
  close(signal_fd);
  Shutdown();
  return 0;
}

void Sensor::Shutdown() {
  if (!live_) {
    return;
  }
  // Flows first: the listener releases what it holds into the shards' rings before they stop.
  stop_flows_ = true;
  if (flow_thread_.joinable()) {
    flow_thread_.join();
  }
  stop_workers_ = true;
  for (std::thread& t : threads_) {
    t.join();
  }
  threads_.clear();
  Tick(true);
  outputs_.Close();
  RemovePidFile(config_.sensor.pid_file);
  if (wake_fd_ >= 0) {
    close(wake_fd_);
    wake_fd_ = -1;
  }
  live_.reset();
}

}  // namespace rampart::sensor
