#include "history/history_db.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace rampart::history {
namespace {
using Json = nlohmann::ordered_json;

Json Event(const std::string& ts, const std::string& type, Json record) {
  return Json{{"timestamp", ts}, {"event_type", type}, {type, std::move(record)}};
}

Json Attack(const std::string& ts, const std::string& state, int id, double peak_pps,
            uint64_t packets) {
  Json record{{"id", id},
              {"uid", "u-" + std::to_string(id)},
              {"state", state},
              {"target", "192.0.2.10"},
              {"direction", "incoming"},
              {"vectors", Json::array({Json{{"vector", "syn_flood"}, {"packets", packets}},
                                       Json{{"vector", "udp_flood"}, {"packets", 3}}})},
              {"start", "2026-11-24T10:00:00.000000Z"},
              {"detected_at", "2026-11-24T10:00:00.500000Z"},
              {"end", state == "end" ? Json(ts) : Json(nullptr)},
              {"ongoing", state != "end"},
              {"peak_pps", peak_pps},
              {"peak_bps", peak_pps * 480},
              {"packets", packets},
              {"bytes", packets * 60}};
  return Event(ts, "attack", std::move(record));
}

Json Scan(const std::string& scanner, const std::string& first, const std::string& last,
          uint64_t probes) {
  return Event(last, "scan",
               Json{{"scanner", scanner},
                    {"kind", "horizontal"},
                    {"probes", probes},
                    {"first_seen", first},
                    {"last_seen", last}});
}

Json Stats(const std::string& ts) {
  return Event(ts, "stats", Json{{"packets", 100}});
}

//! Runs one query with plain SQLite and returns the first row's columns as text.
std::vector<std::string> QueryRow(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> row;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const auto* text = sqlite3_column_text(s, c);
        row.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return row;
}

//! Runs SQL on a file with plain SQLite (to build files rampart did not write).
void ExecRaw(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

class HistoryDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "rampart-history-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "history.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<HistoryDb> OpenOk() {
    std::string error;
    auto db = HistoryDb::Open(path_, &error);
    EXPECT_NE(db, nullptr) << error;
    return db;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(HistoryDbTest, AttackRowEndsInStateEndWithTheUpdatesFigures) {
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  std::string error;
  ASSERT_TRUE(db->Store({Attack("2026-11-24T10:00:00.500000Z", "start", 7, 1000, 10)}, &error))
      << error;
  ASSERT_TRUE(db->Store({Attack("2026-11-24T10:00:05.000000Z", "update", 7, 25000, 90000)}, &error))
      << error;
  ASSERT_TRUE(db->Store({Attack("2026-11-24T10:00:30.000000Z", "end", 7, 25000, 90000)}, &error))
      << error;
  db.reset();

  const auto row = QueryRow(path_,
                            "SELECT count(*), key, id, state, vector, peak_pps, packets, bytes, "
                            "\"end\", ongoing, updated FROM attacks");
  ASSERT_EQ(row.size(), 11u);
  EXPECT_EQ(row[0], "1");
  EXPECT_EQ(row[1], "attack/u-7");
  EXPECT_EQ(row[2], "7");
  EXPECT_EQ(row[3], "end");
  EXPECT_EQ(row[4], "syn_flood");
  EXPECT_EQ(row[5], "25000.0");
  EXPECT_EQ(row[6], "90000");
  EXPECT_EQ(row[7], "5400000");
  EXPECT_EQ(row[8], "2026-11-24T10:00:30.000000Z");
  EXPECT_EQ(row[9], "0");
  EXPECT_EQ(row[10], "2026-11-24T10:00:30.000000Z");

  db = OpenOk();
  ASSERT_NE(db, nullptr);
  const auto attacks = db->Attacks(10);
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0]["state"], "end");
  EXPECT_EQ(attacks[0]["packets"], 90000);
  EXPECT_EQ(db->Events("", 100).size(), 3u);
}

TEST_F(HistoryDbTest, AttacksAreNewestFirstAndLimited) {
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  std::vector<Json> events;
  for (int id = 1; id <= 3; ++id) {
    Json event = Attack("2026-11-24T10:00:0" + std::to_string(id) + "Z", "start", id, 1, 1);
    event["attack"]["start"] = "2026-11-24T10:00:0" + std::to_string(id) + "Z";
    events.push_back(event);
  }
  std::string error;
  ASSERT_TRUE(db->Store(events, &error)) << error;
  const auto attacks = db->Attacks(2);
  ASSERT_EQ(attacks.size(), 2u);
  EXPECT_EQ(attacks[0]["id"], 3);
  EXPECT_EQ(attacks[1]["id"], 2);
}

TEST_F(HistoryDbTest, FindingsUpsertCountsUpdates) {
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  std::string error;
  ASSERT_TRUE(db->Store({Scan("198.51.100.1", "2026-11-24T10:00:00Z", "2026-11-24T10:00:10Z", 50),
                         Scan("198.51.100.2", "2026-11-24T10:00:01Z", "2026-11-24T10:00:02Z", 9)},
                        &error))
      << error;
  ASSERT_TRUE(db->Store({Scan("198.51.100.1", "2026-11-24T10:00:00Z", "2026-11-24T10:00:20Z", 80),
                         Scan("198.51.100.1", "2026-11-24T10:00:00Z", "2026-11-24T10:00:30Z", 120),
                         Event("2026-11-24T10:00:05Z", "brute_force",
                               Json{{"source", "203.0.113.5"}, {"service", "telnet"}})},
                        &error))
      << error;

  const auto scans = db->Findings("scan", 10);
  ASSERT_EQ(scans.size(), 2u);
  EXPECT_EQ(scans[0]["subject"], "198.51.100.1");
  EXPECT_EQ(scans[0]["updates"], 3);
  EXPECT_EQ(scans[0]["first_seen"], "2026-11-24T10:00:00Z");
  EXPECT_EQ(scans[0]["last_seen"], "2026-11-24T10:00:30Z");
  EXPECT_EQ(scans[0]["record"]["probes"], 120);
  EXPECT_EQ(scans[0]["key"], "scan/198.51.100.1/horizontal");
  EXPECT_EQ(scans[1]["updates"], 1);

  const auto brute = db->Findings("brute_force", 10);
  ASSERT_EQ(brute.size(), 1u);
  EXPECT_EQ(brute[0]["subject"], "203.0.113.5");
  // Without its own span a finding is seen at the event's time.
  EXPECT_EQ(brute[0]["first_seen"], "2026-11-24T10:00:05Z");
  EXPECT_EQ(db->Findings("", 10).size(), 3u);
  EXPECT_EQ(db->Findings("", 1).size(), 1u);
  EXPECT_TRUE(db->Findings("dns_attack", 10).empty());
}

TEST_F(HistoryDbTest, EventsAreCountedAndStatsOnlyGoThere) {
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  std::vector<Json> batch;
  for (int second = 0; second < 10; ++second) {
    batch.push_back(Stats("2026-11-24T10:00:0" + std::to_string(second) + "Z"));
  }
  batch.push_back(Scan("198.51.100.1", "2026-11-24T10:00:00Z", "2026-11-24T10:00:09Z", 5));
  std::string error;
  ASSERT_TRUE(db->Store(batch, &error)) << error;
  ASSERT_TRUE(db->Store({}, &error)) << error;

  EXPECT_EQ(db->Events("", SIZE_MAX).size(), 11u);
  EXPECT_EQ(db->Events("", 4).size(), 4u);
  const auto late = db->Events("2026-11-24T10:00:08Z", SIZE_MAX);
  ASSERT_EQ(late.size(), 3u);  // stats at :08 and :09, the scan at :09
  EXPECT_EQ(late[0]["timestamp"], "2026-11-24T10:00:08Z");
  EXPECT_EQ(late[0]["stats"]["packets"], 100);
  EXPECT_TRUE(db->Attacks(10).empty());
  EXPECT_EQ(db->Findings("", 10).size(), 1u);
  EXPECT_EQ(QueryRow(path_, "SELECT count(*) FROM events WHERE key IS NULL")[0], "10");
}

TEST_F(HistoryDbTest, MalformedEventsAreSkippedNotFatal) {
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  std::string error;
  ASSERT_TRUE(db->Store(
      {Json("text"), Json{{"event_type", 5}}, Json::object(),
       Json{{"event_type", "attack"}, {"attack", "not an object"}}, Stats("2026-11-24T10:00:00Z")},
      &error))
      << error;
  EXPECT_EQ(db->skipped_events(), 3u);
  EXPECT_EQ(db->Events("", 10).size(), 2u);
  EXPECT_TRUE(db->Attacks(10).empty());
}

TEST_F(HistoryDbTest, ReopenKeepsDataAndVersion) {
  {
    auto db = OpenOk();
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->SchemaVersion(), CurrentSchemaVersion());
    std::string error;
    ASSERT_TRUE(db->Store(
        {Attack("2026-11-24T10:00:01Z", "start", 1, 10, 10), Stats("2026-11-24T10:00:02Z")},
        &error))
        << error;
  }
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->SchemaVersion(), CurrentSchemaVersion());
  EXPECT_EQ(db->Attacks(10).size(), 1u);
  EXPECT_EQ(db->Events("", 10).size(), 2u);
  EXPECT_TRUE(db->IntegrityOk());
  EXPECT_EQ(QueryRow(path_, "PRAGMA journal_mode")[0], "wal");
}

TEST_F(HistoryDbTest, ReadOnlyNeitherCreatesNorStores) {
  std::string error;
  EXPECT_EQ(HistoryDb::OpenReadOnly(path_, &error), nullptr);
  EXPECT_FALSE(std::filesystem::exists(path_));
  {
    auto db = OpenOk();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Store({Stats("2026-11-24T10:00:00Z")}, &error)) << error;
  }
  auto reader = HistoryDb::OpenReadOnly(path_, &error);
  ASSERT_NE(reader, nullptr) << error;
  EXPECT_EQ(reader->Events("", 10).size(), 1u);
  EXPECT_FALSE(reader->Store({Stats("2026-11-24T10:00:01Z")}, &error));
  EXPECT_EQ(reader->Events("", 10).size(), 1u);
}

TEST_F(HistoryDbTest, NewerSchemaVersionIsRefused) {
  ExecRaw(path_, "PRAGMA user_version=99");
  std::string error;
  EXPECT_EQ(HistoryDb::Open(path_, &error), nullptr);
  EXPECT_NE(error.find("schema version 99 is newer"), std::string::npos) << error;
  error.clear();
  EXPECT_EQ(HistoryDb::OpenReadOnly(path_, &error), nullptr);
  EXPECT_NE(error.find("newer"), std::string::npos) << error;
  EXPECT_EQ(QueryRow(path_, "PRAGMA user_version")[0], "99");
  EXPECT_EQ(QueryRow(path_, "SELECT count(*) FROM sqlite_master")[0], "0");
}

TEST_F(HistoryDbTest, NonDatabaseFileIsRefusedAndLeftAlone) {
  const std::string text(4096, 'x');
  {
    std::ofstream out(path_);
    out << text;
  }
  std::string error;
  EXPECT_EQ(HistoryDb::Open(path_, &error), nullptr);
  EXPECT_NE(error.find("not a SQLite database"), std::string::npos) << error;
  error.clear();
  EXPECT_EQ(HistoryDb::OpenReadOnly(path_, &error), nullptr);
  EXPECT_NE(error.find("not a SQLite database"), std::string::npos) << error;
  EXPECT_EQ(std::filesystem::file_size(path_), text.size());
}

TEST_F(HistoryDbTest, AnotherApplicationsDatabaseIsRefused) {
  ExecRaw(path_, "CREATE TABLE cookies(name TEXT)");
  std::string error;
  EXPECT_EQ(HistoryDb::Open(path_, &error), nullptr);
  EXPECT_NE(error.find("not a rampart history"), std::string::npos) << error;
  EXPECT_EQ(QueryRow(path_, "SELECT count(*) FROM sqlite_master")[0], "1");
}

TEST_F(HistoryDbTest, EmptyVersionZeroDatabaseIsMigrated) {
  ExecRaw(path_, "PRAGMA user_version=0");
  std::string error;
  EXPECT_EQ(HistoryDb::OpenReadOnly(path_, &error), nullptr);  // a reader never migrates
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->SchemaVersion(), CurrentSchemaVersion());
  ASSERT_TRUE(db->Store({Attack("2026-11-24T10:00:01Z", "start", 1, 10, 10)}, &error)) << error;
  EXPECT_EQ(db->Attacks(10).size(), 1u);
  EXPECT_EQ(QueryRow(path_,
                     "SELECT count(*) FROM sqlite_master WHERE name IN ('events', 'attacks', "
                     "'findings', 'events_ts', 'events_type_ts')")[0],
            "5");
}

//! Reads native integers from `fd` until EOF or `want` is reached (0: until EOF); the last one.
uint32_t ReadReported(int fd, uint32_t want, int timeout_ms) {
  uint32_t last = 0;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) {
      return last;
    }
    uint32_t value = 0;
    if (read(fd, &value, sizeof value) != sizeof value) {
      return last;
    }
    last = value;
    if (want != 0 && last >= want) {
      return last;
    }
  }
}

TEST_F(HistoryDbTest, CommittedBatchesSurviveKillNine) {
  constexpr int kEventsPerBatch = 40;
  constexpr uint32_t kKillAfter = 25;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The child: no gtest assertions, only exit codes.
    close(fds[0]);
    std::string error;
    auto db = HistoryDb::Open(path_, &error);
    if (!db) {
      _exit(3);
    }
    for (uint32_t batch = 1; batch < 1000000; ++batch) {
      std::vector<Json> events;
      for (int i = 0; i < kEventsPerBatch; ++i) {
        events.push_back(i % 2 == 0 ? Stats("2026-11-24T10:00:00Z")
                                    : Attack("2026-11-24T10:00:00Z", "update",
                                             static_cast<int>(batch % 7), i, batch));
      }
      if (!db->Store(events, &error)) {
        _exit(4);
      }
      if (write(fds[1], &batch, sizeof batch) != sizeof batch) {
        _exit(5);
      }
    }
    _exit(0);
  }
  close(fds[1]);
  const uint32_t seen = ReadReported(fds[0], kKillAfter, 60000);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  // The child may have reported more batches between our read and the kill.
  const uint32_t reported = std::max(seen, ReadReported(fds[0], 0, 1000));
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
  ASSERT_GE(reported, kKillAfter);

  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(db->IntegrityOk());
  const size_t events = db->Events("", SIZE_MAX).size();
  EXPECT_GE(events, size_t{reported} * kEventsPerBatch);
  // Whole batches or nothing: a transaction cut by the kill leaves no trace.
  EXPECT_EQ(events % kEventsPerBatch, 0u);
  EXPECT_LE(events, size_t{reported + 1} * kEventsPerBatch);
  EXPECT_EQ(db->Attacks(100).size(), 7u);
}

}  // namespace
}  // namespace rampart::history
