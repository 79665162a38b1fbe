#pragma once
// The operator's notify script, called as FastNetMon calls its notify_script_path (docs/sensor.md):
//   script IP incoming|outgoing PPS ban|unban|attack_details
// with the JSON record on stdin. Executed directly (no shell), bounded in time and in output.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace rampart::notify {

//! One thing to tell the operator about: a host banned, unbanned, or the details of its attack.
struct Notification {
  std::string ip;        //!< The host, as text ("10.10.0.5", "2001:db8::1").
  bool incoming = true;  //!< Attack towards the host (true) or from it (false).
  uint64_t pps = 0;      //!< The attack's packet rate.
  std::string action;    //!< "ban" | "unban" | "attack_details".
  std::string json;      //!< The record, one JSON document.
};

//! "incoming" or "outgoing", FastNetMon's direction argument.
std::string_view DirectionName(bool incoming);

//! Checked while a script or a webhook runs: true gives up (shutdown past its deadline).
using CancelCheck = std::function<bool()>;

//! How one run of the script ended.
struct ScriptResult {
  enum class Outcome {
    kExited,      //!< Exited by itself; exit_code holds its status.
    kSignaled,    //!< Killed by a signal it did not get from us; see term_signal.
    kTimedOut,    //!< Ran past the timeout; we killed its process group with SIGKILL.
    kCancelled,   //!< The CancelCheck said stop; killed like a timeout.
    kSpawnError,  //!< Never started; see error.
  };
  Outcome outcome = Outcome::kSpawnError;
  int exit_code = -1;   //!< For kExited.
  int term_signal = 0;  //!< For kSignaled, kTimedOut and kCancelled.
  std::string error;    //!< For kSpawnError (and a failed pipe or wait): what went wrong.
  pid_t pid = -1;       //!< The script's process id, already reaped when Run returns.
  //! The first bytes of its stdout and stderr, interleaved as written (both go to one pipe).
  std::string output;
  uint64_t output_bytes = 0;    //!< All it wrote; more than output.size() when cut.
  bool stdin_not_read = false;  //!< It exited or closed stdin before reading the whole record.
  std::chrono::milliseconds elapsed{0};

  //! Exited with status 0.
  bool Ok() const { return outcome == Outcome::kExited && exit_code == 0; }
  //! For logs: "exit status 3", "killed by signal 9 (timeout 10000 ms)", "spawn failed: ...".
  std::string Describe() const;
};

//! Runs one script path. Thread-safe: Run keeps no state between calls.
class NotifyScript {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{10000};
  static constexpr size_t kDefaultMaxOutput = 4096;

  explicit NotifyScript(std::string path, std::chrono::milliseconds timeout = kDefaultTimeout,
                        size_t max_output = kDefaultMaxOutput);

  const std::string& path() const { return path_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  //! Runs `path IP incoming|outgoing PPS ACTION`, writes notification.json (plus a newline when
  //! it has none) to its stdin and closes it, collects its output, and waits for it until the
  //! timeout, when its whole process group is killed. Never leaves a zombie, never raises
  //! SIGPIPE in this process, even when the script does not read its stdin.
  ScriptResult Run(const Notification& notification, const CancelCheck& cancelled = {}) const;

 private:
  std::string path_;
  std::chrono::milliseconds timeout_;
  size_t max_output_;
};

}  // namespace rampart::notify
