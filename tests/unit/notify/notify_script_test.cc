// NotifyScript: FastNetMon's arguments and stdin, exit codes and signals, bounded output,
// the timeout (no zombie, no stray child), spawn errors, scripts that never read their stdin.
#include "notify/notify_script.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace rampart::notify {
namespace {

using std::chrono::milliseconds;
using Outcome = ScriptResult::Outcome;
namespace fs = std::filesystem;

//! A fresh directory, removed with what the scripts left in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "rampart-notify-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

//! Writes an executable /bin/sh script and returns its path.
std::string WriteScript(const TempDir& dir, const std::string& name, const std::string& body,
                        bool executable = true) {
  const std::string path = dir.File(name);
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  chmod(path.c_str(), executable ? 0755 : 0644);
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Notification Ban(std::string json = R"({"attack":{"type":"udp_flood","pps":21298}})") {
  return Notification{"10.10.0.5", true, 21298, "ban", std::move(json)};
}

//! Whether pid is gone or only a zombie left to init (it may not reap in a container).
bool DeadOrZombie(pid_t pid) {
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) {
    return true;
  }
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() &&
         (stat[paren + 2] == 'Z' || stat[paren + 2] == 'X');
}

TEST(NotifyScriptTest, PassesFastNetMonArgumentsAndRecordOnStdin) {
  TempDir dir;
  const std::string script =
      WriteScript(dir, "notify.sh",
                  "printf '%s\\n' \"$#\" \"$0\" \"$1\" \"$2\" \"$3\" \"$4\" > " + dir.File("args") +
                      "\ncat > " + dir.File("stdin"));
  const Notification ban = Ban();
  const ScriptResult result = NotifyScript(script).Run(ban);
  ASSERT_TRUE(result.Ok()) << result.Describe() << " " << result.output;
  EXPECT_EQ(ReadFile(dir.File("args")), "4\n" + script + "\n10.10.0.5\nincoming\n21298\nban\n");
  EXPECT_EQ(ReadFile(dir.File("stdin")), ban.json + "\n");
  EXPECT_FALSE(result.stdin_not_read);
  EXPECT_GT(result.pid, 0);
  EXPECT_EQ(result.Describe(), "exit status 0");

  // unban, outgoing, no record: stdin is empty and closed at once.
  const ScriptResult unban =
      NotifyScript(script).Run(Notification{"2001:db8::1", false, 0, "unban", ""});
  ASSERT_TRUE(unban.Ok()) << unban.Describe();
  EXPECT_EQ(ReadFile(dir.File("args")), "4\n" + script + "\n2001:db8::1\noutgoing\n0\nunban\n");
  EXPECT_EQ(ReadFile(dir.File("stdin")), "");
}

TEST(NotifyScriptTest, RecordEndingInNewlineIsWrittenAsIs) {
  TempDir dir;
  const std::string script = WriteScript(dir, "notify.sh", "cat > " + dir.File("stdin"));
  ASSERT_TRUE(NotifyScript(script).Run(Ban("{\"a\":1}\n")).Ok());
  EXPECT_EQ(ReadFile(dir.File("stdin")), "{\"a\":1}\n");
}

TEST(NotifyScriptTest, ReportsExitCodeAndCapturesStdoutAndStderr) {
  TempDir dir;
  const std::string script =
      WriteScript(dir, "notify.sh", "cat > /dev/null\necho to-stdout\necho to-stderr >&2\nexit 3");
  const ScriptResult result = NotifyScript(script).Run(Ban());
  EXPECT_EQ(result.outcome, Outcome::kExited);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_FALSE(result.Ok());
  EXPECT_EQ(result.output, "to-stdout\nto-stderr\n");
  EXPECT_EQ(result.output_bytes, result.output.size());
  EXPECT_EQ(result.Describe(), "exit status 3");
}

TEST(NotifyScriptTest, OutputIsBoundedButDrained) {
  TempDir dir;
  // 200 000 bytes: far more than a pipe holds, so the script blocks unless we keep reading.
  const std::string script =
      WriteScript(dir, "notify.sh", "head -c 200000 /dev/zero | tr '\\0' x\nexit 0");
  const ScriptResult result = NotifyScript(script, milliseconds(10000), 4096).Run(Ban());
  ASSERT_TRUE(result.Ok()) << result.Describe();
  EXPECT_EQ(result.output, std::string(4096, 'x'));
  EXPECT_EQ(result.output_bytes, 200000u);
}

TEST(NotifyScriptTest, KilledBySignalIsReported) {
  TempDir dir;
  const std::string script = WriteScript(dir, "notify.sh", "kill -TERM $$\nsleep 5");
  const ScriptResult result = NotifyScript(script).Run(Ban());
  EXPECT_EQ(result.outcome, Outcome::kSignaled);
  EXPECT_EQ(result.term_signal, SIGTERM);
  EXPECT_EQ(result.Describe(), "killed by signal 15 (SIGTERM)");
}

TEST(NotifyScriptTest, TimeoutKillsTheScriptAndReapsIt) {
  TempDir dir;
  const std::string script = WriteScript(dir, "notify.sh", "sleep 60");
  const auto start = std::chrono::steady_clock::now();
  const ScriptResult result = NotifyScript(script, milliseconds(300)).Run(Ban());
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.outcome, Outcome::kTimedOut);
  EXPECT_EQ(result.term_signal, SIGKILL);
  EXPECT_GE(took, milliseconds(300));
  EXPECT_LT(took, milliseconds(2000));
  EXPECT_GE(result.elapsed, milliseconds(300));
  EXPECT_NE(result.Describe().find("timed out"), std::string::npos) << result.Describe();
  // Reaped already: no zombie of ours is left.
  ASSERT_GT(result.pid, 0);
  errno = 0;
  EXPECT_EQ(waitpid(result.pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(NotifyScriptTest, TimeoutKillsWhatTheScriptStarted) {
  TempDir dir;
  const std::string script =
      WriteScript(dir, "notify.sh", "sleep 60 &\necho $! > " + dir.File("child") + "\nwait");
  const ScriptResult result = NotifyScript(script, milliseconds(500)).Run(Ban());
  EXPECT_EQ(result.outcome, Outcome::kTimedOut);
  const pid_t child = static_cast<pid_t>(std::stol("0" + ReadFile(dir.File("child"))));
  ASSERT_GT(child, 0);
  // SIGKILL went to the whole process group; give the kernel a moment to finish it.
  bool dead = false;
  for (int tries = 0; tries < 100 && !dead; ++tries) {
    dead = DeadOrZombie(child);
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(dead) << "background child " << child << " survived the timeout";
}

TEST(NotifyScriptTest, BackgroundChildHoldingOutputDoesNotDelayTheResult) {
  TempDir dir;
  const std::string script =
      WriteScript(dir, "notify.sh", "echo started\nsleep 5 &\necho $! > " + dir.File("child"));
  const auto start = std::chrono::steady_clock::now();
  const ScriptResult result = NotifyScript(script).Run(Ban());
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2500));
  EXPECT_TRUE(result.Ok()) << result.Describe();
  EXPECT_EQ(result.output, "started\n");
  kill(-result.pid, SIGKILL);  // The leftover sleep, still in the script's process group.
}

TEST(NotifyScriptTest, MissingScriptIsASpawnError) {
  TempDir dir;
  const ScriptResult result = NotifyScript(dir.File("no-such-script")).Run(Ban());
  EXPECT_EQ(result.outcome, Outcome::kSpawnError);
  EXPECT_FALSE(result.Ok());
  EXPECT_EQ(result.pid, -1);
  EXPECT_NE(result.error.find("No such file"), std::string::npos) << result.error;
  EXPECT_NE(result.Describe().find("spawn failed"), std::string::npos);
}

TEST(NotifyScriptTest, NonExecutableScriptIsASpawnError) {
  TempDir dir;
  const std::string script = WriteScript(dir, "notify.sh", "exit 0", false);
  const ScriptResult result = NotifyScript(script).Run(Ban());
  EXPECT_EQ(result.outcome, Outcome::kSpawnError);
  EXPECT_NE(result.error.find("Permission denied"), std::string::npos) << result.error;
}

TEST(NotifyScriptTest, EmptyPathIsASpawnError) {
  const ScriptResult result = NotifyScript("").Run(Ban());
  EXPECT_EQ(result.outcome, Outcome::kSpawnError);
}

//! 8 MiB of JSON: far past a pipe's buffer, so the writer meets the script's closed stdin.
std::string LargeRecord() {
  std::string json = "{\"samples\":[";
  while (json.size() < (8u << 20)) {
    json += "\"10.0.0.1:12345 > 10.10.0.5:53 udp\",";
  }
  json += "\"end\"]}";
  return json;
}

TEST(NotifyScriptTest, ScriptThatNeverReadsStdinNeitherHangsNorRaisesSigpipe) {
  TempDir dir;
  const std::string json = LargeRecord();
  // One exits at once, one closes stdin and keeps running: EPIPE either way, and SIGPIPE
  // (default action: terminate) would end this test binary.
  for (const char* body : {"exit 0", "exec 0<&-\nsleep 0.3\nexit 0"}) {
    SCOPED_TRACE(body);
    const std::string script = WriteScript(dir, "notify.sh", body);
    const ScriptResult result = NotifyScript(script, milliseconds(5000)).Run(Ban(json));
    EXPECT_TRUE(result.Ok()) << result.Describe();
    EXPECT_TRUE(result.stdin_not_read);
    EXPECT_LT(result.elapsed, milliseconds(3000));
  }
  // SIGPIPE neither left blocked nor pending on this thread.
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  EXPECT_EQ(sigismember(&mask, SIGPIPE), 0);
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);
}

TEST(NotifyScriptTest, SlowReaderGetsTheWholeLargeRecord) {
  TempDir dir;
  const std::string json = LargeRecord();
  const std::string script = WriteScript(dir, "notify.sh", "sleep 0.2\ncat > " + dir.File("stdin"));
  const ScriptResult result = NotifyScript(script).Run(Ban(json));
  ASSERT_TRUE(result.Ok()) << result.Describe();
  EXPECT_FALSE(result.stdin_not_read);
  EXPECT_EQ(ReadFile(dir.File("stdin")), json + "\n");
}

TEST(NotifyScriptTest, CancelKillsTheScript) {
  TempDir dir;
  const std::string script = WriteScript(dir, "notify.sh", "sleep 60");
  const auto cancel_at = std::chrono::steady_clock::now() + milliseconds(200);
  const ScriptResult result = NotifyScript(script).Run(
      Ban(), [cancel_at] { return std::chrono::steady_clock::now() >= cancel_at; });
  EXPECT_EQ(result.outcome, Outcome::kCancelled);
  EXPECT_EQ(result.term_signal, SIGKILL);
  EXPECT_LT(result.elapsed, milliseconds(2000));
}

TEST(NotifyScriptTest, ScriptStartsWithDefaultSignalsWhateverTheCallerIgnores) {
  TempDir dir;
  // A signal ignored on entry stays ignored in a shell (`yes | head` would then see EPIPE
  // errors); the script must get SIGPIPE's default action, not the sensor's SIG_IGN.
  const std::string script = WriteScript(dir, "notify.sh", "kill -PIPE $$\nsleep 1\nexit 0");
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old = {};
  sigaction(SIGPIPE, &ignore, &old);
  const ScriptResult result = NotifyScript(script).Run(Ban());
  sigaction(SIGPIPE, &old, nullptr);
  EXPECT_EQ(result.outcome, Outcome::kSignaled) << result.Describe();
  EXPECT_EQ(result.term_signal, SIGPIPE);
}

TEST(NotifyScriptTest, RunsConcurrently) {
  TempDir dir;
  const std::string script = WriteScript(dir, "notify.sh", "cat > \"" + dir.path() + "/$1\"");
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int index = 0; index < 4; ++index) {
    threads.emplace_back([&, index] {
      const Notification note{"10.0.0." + std::to_string(index), true, 1, "ban",
                              "{\"n\":" + std::to_string(index) + "}"};
      ok += NotifyScript(script).Run(note).Ok() ? 1 : 0;
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(ok.load(), 4);
  for (int index = 0; index < 4; ++index) {
    EXPECT_EQ(ReadFile(dir.File("10.0.0." + std::to_string(index))),
              "{\"n\":" + std::to_string(index) + "}\n");
  }
}

}  // namespace
}  // namespace rampart::notify
