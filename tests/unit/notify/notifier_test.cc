// Notifier: the bounded queue and its drop count, Stop draining in order and giving up at its
// deadline, script outcomes counted, concurrent Enqueue. (Webhook counters: webhook_test.cc.)
#include "notify/notifier.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace rampart::notify {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "rampart-notifier-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  //! An executable /bin/sh script in the test's directory.
  std::string Script(const std::string& body) const {
    const std::string path = dir_ + "/notify.sh";
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    chmod(path.c_str(), 0755);
    return path;
  }
  //! A script appending "IP ACTION" to the log, one line a call.
  std::string LoggingScript() const { return Script("echo \"$1 $4\" >> " + Log()); }
  std::string Log() const { return dir_ + "/log"; }
  std::vector<std::string> LogLines() const {
    std::ifstream in(Log());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
    }
    return lines;
  }

  std::string dir_;
};

Notification Note(int index, std::string action = "ban") {
  return Notification{"10.0.0." + std::to_string(index), true, 1000, std::move(action),
                      "{\"index\":" + std::to_string(index) + "}"};
}

TEST_F(NotifierTest, FullQueueDropsAndCounts) {
  NotifierSettings settings;
  settings.script_path = LoggingScript();
  settings.queue_size = 3;
  Notifier notifier(settings);
  // Not started yet, so nothing leaves the queue while it fills.
  EXPECT_TRUE(notifier.Enqueue(Note(1)));
  EXPECT_TRUE(notifier.Enqueue(Note(2)));
  EXPECT_TRUE(notifier.Enqueue(Note(3)));
  EXPECT_FALSE(notifier.Enqueue(Note(4)));
  EXPECT_FALSE(notifier.Enqueue(Note(5)));
  NotifierCounters counters = notifier.Counters();
  EXPECT_EQ(counters.queued, 3u);
  EXPECT_EQ(counters.dropped, 2u);

  notifier.Start();
  EXPECT_TRUE(notifier.Stop(milliseconds(10000)));
  counters = notifier.Counters();
  EXPECT_EQ(counters.script_ok, 3u);
  EXPECT_EQ(counters.dropped, 2u);
  EXPECT_EQ(LogLines(), (std::vector<std::string>{"10.0.0.1 ban", "10.0.0.2 ban", "10.0.0.3 ban"}));
}

TEST_F(NotifierTest, StopDrainsTheQueueInOrder) {
  NotifierSettings settings;
  settings.script_path = LoggingScript();
  Notifier notifier(settings);
  notifier.Start();
  std::vector<std::string> expected;
  for (int index = 0; index < 20; ++index) {
    const char* action = index % 2 == 0 ? "ban" : "unban";
    EXPECT_TRUE(notifier.Enqueue(Note(index, action)));
    expected.push_back("10.0.0." + std::to_string(index) + " " + action);
  }
  EXPECT_TRUE(notifier.Stop(milliseconds(20000)));
  EXPECT_EQ(LogLines(), expected);
  const NotifierCounters counters = notifier.Counters();
  EXPECT_EQ(counters.queued, 20u);
  EXPECT_EQ(counters.script_ok, 20u);
  EXPECT_EQ(counters.dropped, 0u);
  EXPECT_EQ(counters.script_failed, 0u);
}

TEST_F(NotifierTest, StopGivesUpAtItsDeadline) {
  NotifierSettings settings;
  settings.script_path = Script("sleep 60");
  settings.script_timeout = milliseconds(30000);
  Notifier notifier(settings);
  for (int index = 0; index < 3; ++index) {
    EXPECT_TRUE(notifier.Enqueue(Note(index)));
  }
  notifier.Start();
  const auto start = Clock::now();
  EXPECT_FALSE(notifier.Stop(milliseconds(300)));
  EXPECT_LT(Clock::now() - start, milliseconds(3000));
  const NotifierCounters counters = notifier.Counters();
  EXPECT_EQ(counters.script_ok, 0u);
  EXPECT_EQ(counters.script_timeouts, 0u);
  // The running one is killed (failed), the rest dropped; the first may not have started yet.
  EXPECT_EQ(counters.script_failed + counters.dropped, 3u);
  EXPECT_GE(counters.dropped, 2u);
}

TEST_F(NotifierTest, CountsScriptOutcomes) {
  NotifierSettings settings;
  settings.script_path =
      Script("case \"$4\" in\n  ban) exit 0 ;;\n  unban) exit 3 ;;\n  *) sleep 60 ;;\nesac");
  settings.script_timeout = milliseconds(300);
  Notifier notifier(settings);
  notifier.Start();
  EXPECT_TRUE(notifier.Enqueue(Note(1, "ban")));
  EXPECT_TRUE(notifier.Enqueue(Note(1, "unban")));
  EXPECT_TRUE(notifier.Enqueue(Note(1, "attack_details")));
  const auto start = Clock::now();
  EXPECT_TRUE(notifier.Stop(milliseconds(10000)));
  EXPECT_LT(Clock::now() - start, milliseconds(3000));
  const NotifierCounters counters = notifier.Counters();
  EXPECT_EQ(counters.script_ok, 1u);
  EXPECT_EQ(counters.script_failed, 1u);
  EXPECT_EQ(counters.script_timeouts, 1u);
}

TEST_F(NotifierTest, MissingScriptCountsAsFailed) {
  NotifierSettings settings;
  settings.script_path = dir_ + "/no-such-script";
  Notifier notifier(settings);
  notifier.Start();
  EXPECT_TRUE(notifier.Enqueue(Note(1)));
  EXPECT_TRUE(notifier.Stop(milliseconds(10000)));
  EXPECT_EQ(notifier.Counters().script_failed, 1u);
}

TEST_F(NotifierTest, EnqueueAfterStopIsDropped) {
  NotifierSettings settings;
  settings.script_path = LoggingScript();
  Notifier notifier(settings);
  notifier.Start();
  EXPECT_TRUE(notifier.Stop(milliseconds(1000)));
  EXPECT_FALSE(notifier.Enqueue(Note(1)));
  EXPECT_EQ(notifier.Counters().dropped, 1u);
  EXPECT_EQ(notifier.Counters().queued, 0u);
  EXPECT_TRUE(LogLines().empty());
}

TEST_F(NotifierTest, NeverStartedStopDropsWhatWasQueued) {
  NotifierSettings settings;
  settings.script_path = LoggingScript();
  Notifier notifier(settings);
  EXPECT_TRUE(notifier.Enqueue(Note(1)));
  EXPECT_FALSE(notifier.Stop(milliseconds(1000)));
  EXPECT_EQ(notifier.Counters().dropped, 1u);
  EXPECT_TRUE(LogLines().empty());
}

TEST_F(NotifierTest, DestructorDoesNotWaitForARunningScript) {
  const auto start = Clock::now();
  {
    NotifierSettings settings;
    settings.script_path = Script("sleep 60");
    Notifier notifier(settings);
    notifier.Start();
    EXPECT_TRUE(notifier.Enqueue(Note(1)));
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_LT(Clock::now() - start, milliseconds(3000));
}

TEST_F(NotifierTest, ConcurrentEnqueueCountsEveryNotification) {
  NotifierSettings settings;  // Neither script nor webhook: the thread only empties the queue.
  settings.queue_size = 64;
  Notifier notifier(settings);
  notifier.Start();
  constexpr int kThreads = 4;
  constexpr int kEach = 2000;
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&notifier] {
      for (int index = 0; index < kEach; ++index) {
        notifier.Enqueue(Note(index));
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_TRUE(notifier.Stop(milliseconds(10000)));
  const NotifierCounters counters = notifier.Counters();
  EXPECT_EQ(counters.queued + counters.dropped, static_cast<uint64_t>(kThreads * kEach));
  EXPECT_GT(counters.queued, 0u);
}

}  // namespace
}  // namespace rampart::notify
