#include "mitigate/bird_backend.h"

#include "mitigate/community.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <string_view>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace rampart::mitigate {
namespace {

//! birdc answers in milliseconds; a BIRD that has not answered in this time is stuck, and the
//! control thread must not wait for it.
constexpr std::chrono::milliseconds kBirdcTimeout{5000};
//! birdc's answer to `configure` is a few lines; more is kept only up to this.
constexpr size_t kMaxOutput = 16384;

//! "65535:666" → `bgp_community.add((65535,666));`, "1:2:3" → `bgp_large_community.add(...)`.
//! Checked because the text goes into BIRD's configuration, where anything else would change it.
bool AddCommunity(const std::string& text, std::string* actions, std::string* error) {
  const std::optional<Community> c = ParseCommunity(text);
  if (!c) {
    *error = fmt::format("bird: malformed community '{}'", text);
    return false;
  }
  *actions += c->large ? fmt::format(" bgp_large_community.add(({},{},{}));", c->parts[0],
                                     c->parts[1], c->parts[2])
                       : fmt::format(" bgp_community.add(({},{}));", c->parts[0], c->parts[1]);
  return true;
}

//! BIRD's numbers match: "= 80 || = 443".
template <typename T>
std::string NumbersMatch(const std::vector<T>& values) {
  std::string out;
  for (const T value : values) {
    out += fmt::format("{}= {}", out.empty() ? "" : " || ", static_cast<unsigned>(value));
  }
  return out;
}

std::optional<BirdRoute> BlackholeRoute(const Announcement& a, std::string* error) {
  if (!a.prefix.address.IsSet()) {
    *error = "bird: the blackhole has no prefix";
    return std::nullopt;
  }
  std::string actions;
  for (const std::string& community : a.communities) {
    if (!AddCommunity(community, &actions, error)) {
      return std::nullopt;
    }
  }
  BirdRoute route;
  route.channel = a.prefix.address.IsV4() ? BirdRoute::Channel::kIpv4 : BirdRoute::Channel::kIpv6;
  route.net = a.prefix.ToString();
  route.statement = actions.empty()
                        ? fmt::format("route {} blackhole;", route.net)
                        : fmt::format("route {} blackhole {{{} }};", route.net, actions);
  return route;
}

std::optional<BirdRoute> FlowRoute(const Announcement& a, std::string* error) {
  if (!a.flowspec) {
    *error = "bird: the flowspec announcement has no rule";
    return std::nullopt;
  }
  const FlowspecRule& rule = *a.flowspec;
  if (!rule.destination.address.IsSet()) {
    *error = "bird: the flowspec rule has no destination";
    return std::nullopt;
  }
  const bool v6 = rule.destination.address.IsV6();
  if (rule.source && rule.source->address.IsV6() != v6) {
    *error = "bird: the flowspec rule mixes IPv4 and IPv6";
    return std::nullopt;
  }
  std::string match = "dst " + rule.destination.ToString() + ";";
  if (rule.source) {
    match += " src " + rule.source->ToString() + ";";
  }
  if (!rule.protocols.empty()) {
    match += fmt::format(" {} {};", v6 ? "next header" : "proto", NumbersMatch(rule.protocols));
  }
  if (!rule.destination_ports.empty()) {
    match += " dport " + NumbersMatch(rule.destination_ports) + ";";
  }
  if (!rule.source_ports.empty()) {
    match += " sport " + NumbersMatch(rule.source_ports) + ";";
  }
  if (rule.tcp_flags_mask != 0) {
    // BIRD's bitmask match is exactly the rule's (flags & mask) == value.
    match += fmt::format(" tcp flags 0x{:02x}/0x{:02x};",
                         rule.tcp_flags_value & rule.tcp_flags_mask, rule.tcp_flags_mask);
  }
  if (rule.packet_length_max != 0) {
    match += fmt::format(" length >= {} && <= {};", rule.packet_length_min, rule.packet_length_max);
  }
  if (rule.fragments_only) {
    match += " fragment is_fragment;";
  }
  // Traffic-rate (RFC 8955 type 0x8006, AS 0): the rate in bytes/s as an IEEE float, 0 to
  // discard. The rule's rate is in bits per second.
  float bytes_per_s = 0;
  if (rule.action == FlowspecRule::Action::kRateLimit) {
    bytes_per_s = static_cast<float>(std::max(0.0, rule.rate_limit_bps / 8));
  }
  BirdRoute route;
  route.channel = v6 ? BirdRoute::Channel::kFlow6 : BirdRoute::Channel::kFlow4;
  route.net = fmt::format("{} {{ {} }}", v6 ? "flow6" : "flow4", match);
  route.statement =
      fmt::format("route {} {{ bgp_ext_community.add((generic, 0x80060000, 0x{:x})); }};",
                  route.net, std::bit_cast<uint32_t>(bytes_per_s));
  return route;
}

//! BIRD's protocol names are symbols; checked because the name goes into its configuration.
bool ValidProtocolName(const std::string& name) {
  if (name.empty() || name.size() > 58 || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

//! Writes `text` to `path` through a temporary file in the same directory and a rename, so
//! BIRD reads either the old file or the new one. No fsync: after a crash the ban manager
//! announces again, and the first call rewrites the file anyway.
bool WriteFileAtomically(const std::string& path, const std::string& text, std::string* error) {
  const std::string temporary = path + ".tmp";
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = fmt::format("bird: cannot create {}: {}", temporary, std::strerror(errno));
    return false;
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      *error = fmt::format("bird: cannot write {}: {}", temporary, std::strerror(errno));
      close(fd);
      unlink(temporary.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0 || rename(temporary.c_str(), path.c_str()) != 0) {
    *error = fmt::format("bird: cannot replace {}: {}", path, std::strerror(errno));
    unlink(temporary.c_str());
    return false;
  }
  return true;
}

//! Keeps a pipe's fds above 2: posix_spawn's dup2 of an fd onto itself would leave it
//! close-on-exec, and a daemon may well have closed its standard streams.
bool PipeAbove2(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return false;
  }
  for (int i = 0; i < 2; ++i) {
    if (fds[i] <= 2) {
      const int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
      close(fds[i]);
      fds[i] = moved;
    }
  }
  if (fds[0] < 0 || fds[1] < 0) {
    close(fds[0]);
    close(fds[1]);
    return false;
  }
  return true;
}

//! Runs birdc with `args` (no shell), its stdout and stderr into `*output`, for at most
//! kBirdcTimeout; then its process group is killed. False with `*error` when it could not
//! run or ran out of time; its exit status is then in the error, else ignored (the answer
//! text says more).
bool RunBirdc(const BirdSettings& settings, const std::vector<std::string>& args,
              std::string* output, std::string* error) {
  std::vector<std::string> argv_text = {settings.birdc};
  if (!settings.socket.empty()) {
    argv_text.insert(argv_text.end(), {"-s", settings.socket});
  }
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);

  int fds[2];
  if (!PipeAbove2(fds)) {
    *error = fmt::format("bird: pipe: {}", std::strerror(errno));
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, to kill it whole on a timeout; default signals and an empty mask,
  // whatever the daemon ignores or blocks.
  sigset_t all;
  sigset_t none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  const int spawn_rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (spawn_rc != 0) {
    close(fds[0]);
    *error = fmt::format("bird: cannot run {}: {}", settings.birdc, std::strerror(spawn_rc));
    return false;
  }

  const auto deadline = std::chrono::steady_clock::now() + kBirdcTimeout;
  const auto left_ms = [&] {
    return std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
  };
  bool timed_out = false;
  char buffer[4096];
  while (true) {
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(left_ms()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready == 0) {
      timed_out = true;
      break;
    }
    const ssize_t n = ready > 0 ? read(fds[0], buffer, sizeof(buffer)) : -1;
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;  // end of file: birdc is done (or exits right now)
    }
    // Read on past the cap: birdc must not block on a full pipe.
    const size_t room = kMaxOutput - std::min(kMaxOutput, output->size());
    output->append(buffer, std::min(static_cast<size_t>(n), room));
  }
  close(fds[0]);

  int status = 0;
  while (!timed_out) {
    const pid_t waited = waitpid(pid, &status, WNOHANG);
    if (waited == pid || (waited < 0 && errno != EINTR)) {
      break;
    }
    if (left_ms() == 0) {
      timed_out = true;
      break;
    }
    // It closed its output, so it is exiting: a few short naps at most.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (timed_out) {
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    *error =
        fmt::format("bird: {} did not answer within {} ms", settings.birdc, kBirdcTimeout.count());
    return false;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *error = WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                               : fmt::format("killed by signal {}", WTERMSIG(status));
  }
  return true;
}

//! True when birdc's answer to `configure` says BIRD took the new configuration.
bool Reconfigured(const std::string& output) {
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    end = end == std::string::npos ? output.size() : end;
    const std::string_view line(output.data() + start, end - start);
    if (line.starts_with("Reconfigured") || line.starts_with("Reconfiguration in progress") ||
        line.starts_with("Queueing new configuration")) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

//! birdc's answer as one line for an error: "Reading configuration from ...; ...: syntax error".
std::string OneLine(const std::string& output) {
  std::string out;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    end = end == std::string::npos ? output.size() : end;
    std::string_view line(output.data() + start, end - start);
    if (!line.empty() && !line.starts_with("BIRD ") && !line.ends_with(" ready.")) {
      out += out.empty() ? "" : "; ";
      out += line;
    }
    start = end + 1;
  }
  return out.empty() ? "no answer" : out;
}

class BirdBackend final : public Backend {
 public:
  explicit BirdBackend(BirdSettings settings) : settings_(std::move(settings)) {}

  std::string_view name() const override { return "bird"; }

  bool Supports(ActionKind kind) const override {
    return kind == ActionKind::kBlackhole || kind == ActionKind::kFlowspec;
  }

  bool Announce(const Announcement& announcement, std::string* error) override {
    return Apply(announcement, true, error);
  }

  bool Withdraw(const Announcement& announcement, std::string* error) override {
    return Apply(announcement, false, error);
  }

 private:
  using Routes = std::map<std::string, BirdRoute>;  // by net, so the file's order is stable

  bool Apply(const Announcement& announcement, bool announce, std::string* error) {
    if (settings_.include_file.empty()) {
      *error = "bird: no include_file configured";
      return false;
    }
    if (!ValidProtocolName(settings_.protocol)) {
      *error = fmt::format("bird: invalid protocol name '{}'", settings_.protocol);
      return false;
    }
    std::optional<BirdRoute> route = MakeBirdRoute(announcement, error);
    if (!route) {
      return false;
    }
    Routes next = routes_;
    if (announce) {
      next[route->net] = *route;
    } else {
      next.erase(route->net);
    }
    if (written_ && SameRoutes(next, routes_)) {
      return true;  // already there / already gone: nothing for BIRD to do
    }
    if (!WriteFileAtomically(settings_.include_file, Text(next), error)) {
      return false;
    }
    std::string output;
    std::string run_error;
    const bool ran = RunBirdc(settings_, {"configure"}, &output, &run_error);
    if (!ran || !Reconfigured(output)) {
      *error = ran ? fmt::format("bird: birdc configure: {}{}", OneLine(output),
                                 run_error.empty() ? "" : " (" + run_error + ")")
                   : run_error;
      // Back to what BIRD runs with, so that the next change does not carry this one along
      // (a rejected route would keep every later configure failing).
      std::string ignored;
      WriteFileAtomically(settings_.include_file, Text(routes_), &ignored);
      return false;
    }
    routes_ = std::move(next);
    written_ = true;
    spdlog::debug("bird: {} {}", announce ? "announced" : "withdrew", route->statement);
    return true;
  }

  static bool SameRoutes(const Routes& a, const Routes& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
             return x.first == y.first && x.second.statement == y.second.statement;
           });
  }

  std::string Text(const Routes& routes) const {
    std::vector<BirdRoute> list;
    list.reserve(routes.size());
    for (const auto& [net, route] : routes) {
      list.push_back(route);
    }
    return BirdIncludeText(settings_.protocol, list);
  }

  BirdSettings settings_;
  Routes routes_;
  bool written_ = false;  // the file holds routes_ (not yet: it may hold an earlier run's)
};

}  // namespace

std::optional<BirdRoute> MakeBirdRoute(const Announcement& announcement, std::string* error) {
  switch (announcement.kind) {
    case ActionKind::kBlackhole:
      return BlackholeRoute(announcement, error);
    case ActionKind::kFlowspec:
      return FlowRoute(announcement, error);
    case ActionKind::kNftDrop:
    case ActionKind::kNftQuarantine:
      break;
  }
  *error = fmt::format("bird cannot do {}", ActionName(announcement.kind));
  return std::nullopt;
}

std::string BirdIncludeText(const std::string& protocol, const std::vector<BirdRoute>& routes) {
  struct Section {
    BirdRoute::Channel channel;
    const char* suffix;
    const char* channel_name;
    bool always;
  };
  static constexpr Section kSections[] = {
      {BirdRoute::Channel::kIpv4, "4", "ipv4", true},
      {BirdRoute::Channel::kIpv6, "6", "ipv6", true},
      {BirdRoute::Channel::kFlow4, "flow4", "flow4", false},
      {BirdRoute::Channel::kFlow6, "flow6", "flow6", false},
  };
  std::string out = "# Written by rampart (BIRD backend) on every change; do not edit.\n";
  for (const Section& section : kSections) {
    std::string body;
    for (const BirdRoute& route : routes) {
      if (route.channel == section.channel) {
        body += "  " + route.statement + "\n";
      }
    }
    if (body.empty() && !section.always) {
      continue;
    }
    out += fmt::format("protocol static {}{} {{\n  {};\n{}}}\n", protocol, section.suffix,
                       section.channel_name, body);
  }
  return out;
}

std::unique_ptr<Backend> MakeBirdBackend(const BirdSettings& settings) {
  return std::make_unique<BirdBackend>(settings);
}

}  // namespace rampart::mitigate
