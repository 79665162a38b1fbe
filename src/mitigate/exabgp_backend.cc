#include "mitigate/exabgp_backend.h"

#include "mitigate/community.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace rampart::mitigate {
namespace {

//! How long a write may wait for room in a full FIFO: ExaBGP reads within milliseconds
//! when it is alive, so a FIFO full for this long means it is stuck.
constexpr std::chrono::milliseconds kWriteTimeout{2000};

//! Parses a decimal number up to `max`; nullopt for anything else (signs, spaces, overflow).

//! A community in ExaBGP's spelling, checked: "65535:666" (standard) or "1:2:3" (large, RFC
//! 8092). The well-known names become numbers. Checked because the text goes into a command
//! line, where anything unexpected would change the command.
bool AddCommunity(const std::string& text, std::string* standard, std::string* large,
                  std::string* error) {
  const std::optional<Community> c = ParseCommunity(text);
  if (!c) {
    *error = fmt::format("exabgp: malformed community '{}'", text);
    return false;
  }
  std::string* list = c->large ? large : standard;
  if (!list->empty()) {
    *list += ' ';
  }
  *list += c->large ? fmt::format("{}:{}:{}", c->parts[0], c->parts[1], c->parts[2])
                    : fmt::format("{}:{}", c->parts[0], c->parts[1]);
  return true;
}

template <typename T>
std::string NumericList(const std::vector<T>& values) {
  std::string out;
  for (const T value : values) {
    out += fmt::format(" ={}", static_cast<unsigned>(value));
  }
  return out;
}

//! TCP flag names as ExaBGP spells them, bit 0 (FIN) first.
std::string FlagNames(uint8_t flags) {
  static constexpr const char* kNames[8] = {"fin", "syn", "rst", "push",
                                            "ack", "urg", "ece", "cwr"};
  std::string out;
  for (int bit = 0; bit < 8; ++bit) {
    if ((flags & (1u << bit)) != 0) {
      out += out.empty() ? "" : "+";
      out += kNames[bit];
    }
  }
  return out;
}

std::string BlackholeCommand(const Announcement& a, bool announce, std::string* error) {
  if (!a.prefix.address.IsSet()) {
    *error = "exabgp: the blackhole has no prefix";
    return "";
  }
  std::string next_hop = "self";
  if (!a.next_hop.empty()) {
    const std::optional<IpAddress> parsed = IpAddress::Parse(a.next_hop);
    if (!parsed) {
      *error = fmt::format("exabgp: malformed next hop '{}'", a.next_hop);
      return "";
    }
    next_hop = parsed->ToString();
  }
  std::string standard;
  std::string large;
  for (const std::string& community : a.communities) {
    if (!AddCommunity(community, &standard, &large, error)) {
      return "";
    }
  }
  std::string out = fmt::format("{} route {} next-hop {}", announce ? "announce" : "withdraw",
                                a.prefix.ToString(), next_hop);
  if (!standard.empty()) {
    out += " community [" + standard + "]";
  }
  if (!large.empty()) {
    out += " large-community [" + large + "]";
  }
  return out;
}

std::string FlowspecCommand(const Announcement& a, bool announce, std::string* error) {
  if (!a.flowspec) {
    *error = "exabgp: the flowspec announcement has no rule";
    return "";
  }
  const FlowspecRule& rule = *a.flowspec;
  if (!rule.destination.address.IsSet()) {
    *error = "exabgp: the flowspec rule has no destination";
    return "";
  }
  const bool v6 = rule.destination.address.IsV6();
  if (rule.source && rule.source->address.IsV6() != v6) {
    *error = "exabgp: the flowspec rule mixes IPv4 and IPv6";
    return "";
  }
  std::string match = "destination " + rule.destination.ToString() + ";";
  if (rule.source) {
    match += " source " + rule.source->ToString() + ";";
  }
  if (!rule.protocols.empty()) {
    // Items of a [ ] list are ORed; IPv6 calls the protocol the next header.
    match +=
        fmt::format(" {} [{} ];", v6 ? "next-header" : "protocol", NumericList(rule.protocols));
  }
  if (!rule.destination_ports.empty()) {
    match += fmt::format(" destination-port [{} ];", NumericList(rule.destination_ports));
  }
  if (!rule.source_ports.empty()) {
    match += fmt::format(" source-port [{} ];", NumericList(rule.source_ports));
  }
  if (rule.tcp_flags_mask != 0) {
    // (flags & mask) == value as RFC 8955 bitmask terms ANDed: `=x` all of x set, `!y` none
    // of y set.
    const uint8_t set = rule.tcp_flags_value & rule.tcp_flags_mask;
    const uint8_t clear = rule.tcp_flags_mask & static_cast<uint8_t>(~rule.tcp_flags_value);
    std::string terms;
    if (set != 0) {
      terms += "=" + FlagNames(set);
    }
    if (clear != 0) {
      terms += (terms.empty() ? "!" : "&!") + FlagNames(clear);
    }
    match += " tcp-flags [ " + terms + " ];";
  }
  if (rule.packet_length_max != 0) {
    match += fmt::format(" packet-length [ >={}&<={} ];", rule.packet_length_min,
                         rule.packet_length_max);
  }
  if (rule.fragments_only) {
    match += " fragment [ is-fragment ];";
  }
  std::string then = "discard;";
  if (rule.action == FlowspecRule::Action::kRateLimit) {
    // The traffic-rate community carries bytes per second; the rule has bits per second.
    const double bytes_per_s = std::max(0.0, rule.rate_limit_bps / 8);
    then = fmt::format("rate-limit {};", static_cast<uint64_t>(std::llround(bytes_per_s)));
  }
  return fmt::format("{} flow route {{ match {{ {} }} then {{ {} }} }}",
                     announce ? "announce" : "withdraw", match, then);
}

//! Blocks SIGPIPE on this thread while a write may raise it, and swallows the one it raised,
//! so a vanished reader is an EPIPE to handle, never the process's death.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    already_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;
  ~SigpipeGuard() {
    if (!already_pending_) {
      const timespec zero{0, 0};
      while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool already_pending_ = false;
};

class ExabgpBackend final : public Backend {
 public:
  explicit ExabgpBackend(ExabgpSettings settings) : settings_(std::move(settings)) {}
  ~ExabgpBackend() override { Close(); }
  ExabgpBackend(const ExabgpBackend&) = delete;
  ExabgpBackend& operator=(const ExabgpBackend&) = delete;

  std::string_view name() const override { return "exabgp"; }

  bool Supports(ActionKind kind) const override {
    return kind == ActionKind::kBlackhole || kind == ActionKind::kFlowspec;
  }

  bool Announce(const Announcement& announcement, std::string* error) override {
    return Send(announcement, true, error);
  }

  bool Withdraw(const Announcement& announcement, std::string* error) override {
    return Send(announcement, false, error);
  }

 private:
  bool Send(const Announcement& announcement, bool announce, std::string* error) {
    if (!Supports(announcement.kind)) {
      *error = fmt::format("exabgp cannot do {}", ActionName(announcement.kind));
      return false;
    }
    const std::string command = ExabgpCommand(announcement, announce, error);
    if (command.empty()) {
      return false;
    }
    const std::string line = command + "\n";
    if (line.size() > PIPE_BUF) {
      // Only writes up to PIPE_BUF are atomic: a longer line could be cut by a reader's death
      // and glued to the next one.
      *error = fmt::format("exabgp: command longer than {} bytes", PIPE_BUF);
      return false;
    }
    SigpipeGuard sigpipe;
    // The kept fd fails with EPIPE once its reader is gone (ExaBGP respawned cat, or was
    // restarted): open again, once, to reach the new reader or learn that there is none.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !Open(error)) {
        return false;
      }
      int write_errno = 0;
      if (WriteLine(line, &write_errno, error)) {
        spdlog::debug("exabgp: {}", command);
        return true;
      }
      if (write_errno != EPIPE) {
        return false;
      }
      Close();
      *error = fmt::format("ExaBGP is not reading {}", settings_.pipe);
    }
    return false;
  }

  bool Open(std::string* error) {
    const std::string& pipe = settings_.pipe;
    if (pipe.empty()) {
      *error = "exabgp: no pipe configured";
      return false;
    }
    struct stat st {};
    if (stat(pipe.c_str(), &st) != 0) {
      if (errno != ENOENT) {
        *error = fmt::format("exabgp: cannot stat {}: {}", pipe, std::strerror(errno));
        return false;
      }
      if (mkfifo(pipe.c_str(), 0600) != 0 && errno != EEXIST) {
        *error = fmt::format("exabgp: cannot create the FIFO {}: {}", pipe, std::strerror(errno));
        return false;
      }
      if (stat(pipe.c_str(), &st) != 0) {
        *error = fmt::format("exabgp: cannot stat {}: {}", pipe, std::strerror(errno));
        return false;
      }
    }
    if (!S_ISFIFO(st.st_mode)) {
      *error = fmt::format("exabgp: {} is not a FIFO", pipe);
      return false;
    }
    // O_NONBLOCK: opening for writing never waits for a reader; with none it fails with ENXIO.
    fd_ = open(pipe.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
      *error = errno == ENXIO
                   ? fmt::format("ExaBGP is not reading {}", pipe)
                   : fmt::format("exabgp: cannot open {}: {}", pipe, std::strerror(errno));
      return false;
    }
    return true;
  }

  void Close() {
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
  }

  //! Writes the whole line, waiting at most kWriteTimeout for room. False with the errno of
  //! a failed write in `*write_errno` (0 for a timeout or a poll failure).
  bool WriteLine(const std::string& line, int* write_errno, std::string* error) {
    const auto deadline = std::chrono::steady_clock::now() + kWriteTimeout;
    size_t done = 0;
    while (done < line.size()) {
      const ssize_t n = write(fd_, line.data() + done, line.size() - done);
      if (n > 0) {
        done += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0 && errno != EAGAIN) {
        *write_errno = errno;
        *error =
            fmt::format("exabgp: cannot write to {}: {}", settings_.pipe, std::strerror(errno));
        return false;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd pfd{fd_, POLLOUT, 0};
      const int ready = left.count() > 0 ? poll(&pfd, 1, static_cast<int>(left.count())) : 0;
      if (ready < 0 && errno != EINTR) {
        *error = fmt::format("exabgp: poll on {}: {}", settings_.pipe, std::strerror(errno));
        return false;
      }
      if (ready == 0) {
        *error = fmt::format("ExaBGP is not reading {}: full for {} ms", settings_.pipe,
                             kWriteTimeout.count());
        return false;
      }
    }
    return true;
  }

  ExabgpSettings settings_;
  int fd_ = -1;  // the FIFO's write end, kept between calls
};

}  // namespace

std::string ExabgpCommand(const Announcement& announcement, bool announce, std::string* error) {
  switch (announcement.kind) {
    case ActionKind::kBlackhole:
      return BlackholeCommand(announcement, announce, error);
    case ActionKind::kFlowspec:
      return FlowspecCommand(announcement, announce, error);
    case ActionKind::kNftDrop:
    case ActionKind::kNftQuarantine:
      break;
  }
  *error = fmt::format("exabgp cannot do {}", ActionName(announcement.kind));
  return "";
}

std::unique_ptr<Backend> MakeExabgpBackend(const ExabgpSettings& settings) {
  return std::make_unique<ExabgpBackend>(settings);
}

}  // namespace rampart::mitigate
