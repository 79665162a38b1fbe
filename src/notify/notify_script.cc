#include "notify/notify_script.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <system_error>
#include <utility>
#include <vector>

extern char** environ;  // NOLINT: POSIX declares it nowhere else.

namespace rampart::notify {
namespace {

using Clock = std::chrono::steady_clock;

//! Without a pidfd the loop has to poll waitpid; this bounds how late an exit is noticed.
constexpr int kReapPollMs = 10;
//! How often a CancelCheck is asked while the script is quiet.
constexpr int kCancelPollMs = 100;
constexpr size_t kWriteChunk = 64 * 1024;

std::string ErrnoText(std::string_view what, int err) {
  return fmt::format("{}: {}", what, std::generic_category().message(err));
}

//! An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~Fd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) {
      close(fd_);
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

//! Moves fd above 2: posix_spawn's dup2 of an fd onto itself would leave it close-on-exec, which
//! happens when the sensor runs with stdin, stdout or stderr closed.
bool MoveAboveStdio(Fd* fd) {
  if (fd->get() > 2) {
    return true;
  }
  const int moved = fcntl(fd->get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) {
    return false;
  }
  fd->Reset(moved);
  return true;
}

bool MakePipe(Fd* read_end, Fd* write_end, std::string* error) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    *error = ErrnoText("pipe", errno);
    return false;
  }
  read_end->Reset(fds[0]);
  write_end->Reset(fds[1]);
  if (!MoveAboveStdio(read_end) || !MoveAboveStdio(write_end)) {
    *error = ErrnoText("fcntl", errno);
    return false;
  }
  return true;
}

bool SetNonBlocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

//! Blocks SIGPIPE in this thread while the record is written, so a script that closed its stdin
//! makes write() fail with EPIPE instead of killing the sensor; swallows the signal it queued.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;
  ~SigpipeBlock() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

  //! After an EPIPE: takes the SIGPIPE it raised off this thread, unless one was pending before.
  void ConsumeRaised() {
    if (was_pending_) {
      return;
    }
    const timespec zero{};
    while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

//! waitpid that retries EINTR. 1: reaped (status set), 0: still running, -1: gone without a
//! status (ECHILD: SIGCHLD ignored by the process, so the kernel reaped it).
int Reap(pid_t pid, int* status, bool block) {
  for (;;) {
    const pid_t rc = waitpid(pid, status, block ? 0 : WNOHANG);
    if (rc == pid) {
      return 1;
    }
    if (rc == 0) {
      return 0;
    }
    if (errno != EINTR) {
      return -1;
    }
  }
}

//! A pollable handle on the child's exit (Linux 5.3+), or an invalid Fd where unsupported.
Fd OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  const long fd = syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    return Fd(static_cast<int>(fd));
  }
#else
  (void)pid;
#endif
  return Fd();
}

//! Appends what the pipe holds to the bounded output. False at end of file or on an error.
bool ReadOutput(int fd, size_t max_output, ScriptResult* result) {
  char buffer[4096];
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof(buffer));
    if (got > 0) {
      const size_t count = static_cast<size_t>(got);
      result->output_bytes += count;
      const size_t room = max_output - std::min(max_output, result->output.size());
      result->output.append(buffer, std::min(room, count));
      continue;
    }
    if (got < 0 && errno == EINTR) {
      continue;
    }
    return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

//! The posix_spawn attributes: the script starts clean whatever this process did to signals,
//! and in a process group of its own so a timeout kills what it started too.
class SpawnSetup {
 public:
  SpawnSetup(int stdin_fd, int output_fd) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawn_file_actions_adddup2(&actions_, stdin_fd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions_, output_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions_, output_fd, STDERR_FILENO);
    // Sockets and files the sensor opened without O_CLOEXEC are none of the script's business.
    posix_spawn_file_actions_addclosefrom_np(&actions_, 3);
    posix_spawnattr_init(&attr_);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr_, &none);
    // exec keeps ignored signals ignored (the sensor may ignore SIGPIPE); reset every one.
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigdefault(&attr_, &all);
    posix_spawnattr_setpgroup(&attr_, 0);
    posix_spawnattr_setflags(
        &attr_,
        static_cast<short>(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP));
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    posix_spawnattr_destroy(&attr_);
    posix_spawn_file_actions_destroy(&actions_);
  }

  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

void SetExitStatus(int status, ScriptResult* result) {
  if (WIFEXITED(status)) {
    result->outcome = ScriptResult::Outcome::kExited;
    result->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result->outcome = ScriptResult::Outcome::kSignaled;
    result->term_signal = WTERMSIG(status);
  }
}

}  // namespace

std::string_view DirectionName(bool incoming) {
  return incoming ? "incoming" : "outgoing";
}

std::string ScriptResult::Describe() const {
  switch (outcome) {
    case Outcome::kExited:
      return error.empty() ? fmt::format("exit status {}", exit_code) : error;
    case Outcome::kSignaled: {
      const char* name = sigabbrev_np(term_signal);
      return fmt::format("killed by signal {} (SIG{})", term_signal, name ? name : "?");
    }
    case Outcome::kTimedOut:
      return fmt::format("timed out after {} ms, killed", elapsed.count());
    case Outcome::kCancelled:
      return fmt::format("cancelled after {} ms (shutdown), killed", elapsed.count());
    case Outcome::kSpawnError:
      return fmt::format("spawn failed: {}", error);
  }
  return "unknown";
}

NotifyScript::NotifyScript(std::string path, std::chrono::milliseconds timeout, size_t max_output)
    : path_(std::move(path)), timeout_(timeout), max_output_(max_output) {}

ScriptResult NotifyScript::Run(const Notification& notification,
                               const CancelCheck& cancelled) const {
  const auto start = Clock::now();
  const auto deadline = start + timeout_;
  ScriptResult result;
  const auto finish = [&]() {
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return std::move(result);
  };
  if (path_.empty()) {
    result.error = "no script path";
    return finish();
  }

  Fd stdin_read;
  Fd stdin_write;
  Fd output_read;
  Fd output_write;
  if (!MakePipe(&stdin_read, &stdin_write, &result.error) ||
      !MakePipe(&output_read, &output_write, &result.error)) {
    return finish();
  }

  std::string pps = std::to_string(notification.pps);
  std::string direction(DirectionName(notification.incoming));
  std::string path = path_;
  std::string ip = notification.ip;
  std::string action = notification.action;
  std::vector<char*> argv = {path.data(), ip.data(),     direction.data(),
                             pps.data(),  action.data(), nullptr};
  pid_t pid = -1;
  {
    SpawnSetup setup(stdin_read.get(), output_write.get());
    const int rc =
        posix_spawn(&pid, path_.c_str(), setup.actions(), setup.attr(), argv.data(), environ);
    if (rc != 0) {
      // glibc reports a failed exec here and has already reaped its child.
      result.error = ErrnoText(path_, rc);
      return finish();
    }
  }
  result.pid = pid;
  // The child holds its own copies; ours would hide its EOF and its closed stdin.
  stdin_read.Reset();
  output_write.Reset();
  SetNonBlocking(stdin_write.get());
  SetNonBlocking(output_read.get());
  const Fd pidfd = OpenPidFd(pid);

  std::string input = notification.json;
  if (!input.empty() && input.back() != '\n') {
    input.push_back('\n');
  }
  size_t written = 0;
  if (input.empty()) {
    stdin_write.Reset();
  }

  SigpipeBlock sigpipe;
  int status = 0;
  for (;;) {
    const int reaped = Reap(pid, &status, false);
    if (reaped == 1) {
      SetExitStatus(status, &result);
      break;
    }
    if (reaped < 0) {
      result.outcome = ScriptResult::Outcome::kExited;
      result.error = ErrnoText("waitpid (exit status lost)", errno);
      break;
    }
    const auto now = Clock::now();
    const bool timed_out = now >= deadline;
    if (timed_out || (cancelled && cancelled())) {
      // The group first: once the leader is reaped its group may be gone or its id reused.
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      Reap(pid, &status, true);
      result.outcome =
          timed_out ? ScriptResult::Outcome::kTimedOut : ScriptResult::Outcome::kCancelled;
      result.term_signal = SIGKILL;
      break;
    }

    pollfd fds[3];
    nfds_t count = 0;
    pollfd* in_poll = nullptr;
    pollfd* out_poll = nullptr;
    if (stdin_write.valid()) {
      in_poll = &fds[count++];
      *in_poll = {stdin_write.get(), POLLOUT, 0};
    }
    if (output_read.valid()) {
      out_poll = &fds[count++];
      *out_poll = {output_read.get(), POLLIN, 0};
    }
    if (pidfd.valid()) {
      fds[count++] = {pidfd.get(), POLLIN, 0};
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    const int slice = pidfd.valid() ? kCancelPollMs : kReapPollMs;
    const int wait_ms = static_cast<int>(std::min<int64_t>(left, slice));
    if (poll(fds, count, wait_ms) < 0 && errno != EINTR) {
      result.outcome = ScriptResult::Outcome::kSpawnError;
      result.error = ErrnoText("poll", errno);
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      Reap(pid, &status, true);
      break;
    }

    if (in_poll != nullptr && in_poll->revents != 0) {
      const size_t chunk = std::min(kWriteChunk, input.size() - written);
      const ssize_t sent = write(stdin_write.get(), input.data() + written, chunk);
      if (sent > 0) {
        written += static_cast<size_t>(sent);
        if (written == input.size()) {
          stdin_write.Reset();
        }
      } else if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        if (errno == EPIPE) {
          sigpipe.ConsumeRaised();
        }
        result.stdin_not_read = true;
        stdin_write.Reset();
      }
    }
    if (out_poll != nullptr && out_poll->revents != 0 &&
        !ReadOutput(output_read.get(), max_output_, &result)) {
      output_read.Reset();
    }
  }

  // What it wrote before exiting; not waiting for EOF, which a background child may hold off.
  if (output_read.valid()) {
    ReadOutput(output_read.get(), max_output_, &result);
  }
  if (stdin_write.valid()) {
    result.stdin_not_read = true;
  }
  return finish();
}

}  // namespace rampart::notify
