#pragma once
// The embedded history: every EVE event the live sensor emits, kept in one SQLite file, with
// the latest state of each attack and finding beside the raw event log (docs/history.md).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace rampart::history {

//! The schema version this binary writes; a file with a higher `PRAGMA user_version` is refused.
int CurrentSchemaVersion();

//! One SQLite history file. Not thread-safe: one owner thread opens it, stores and queries (the
//! sensor's control thread; the CLI). Other processes may read the file at the same time (WAL).
//!
//! Durability: WAL with `synchronous=NORMAL`. A committed Store() survives the process being
//! killed (kill -9, crash); a power loss or OS crash may lose the last transactions, never
//! corrupt the file.
class HistoryDb {
 public:
  //! Opens `path` for writing, creating it if needed, and migrates its schema to the current
  //! version (one transaction a step). Null with `error` when the file cannot be opened, is not
  //! a SQLite database, holds another application's tables, or has a newer schema version.
  static std::unique_ptr<HistoryDb> Open(const std::string& path, std::string* error);

  //! Opens an existing history for reading only: never creates, migrates or writes the file
  //! (the `rampart history` command). Refuses what Open() refuses, and a database that is not
  //! a rampart history (version 0). Store() on it fails.
  static std::unique_ptr<HistoryDb> OpenReadOnly(const std::string& path, std::string* error);

  ~HistoryDb();
  HistoryDb(const HistoryDb&) = delete;
  HistoryDb& operator=(const HistoryDb&) = delete;

  //! Stores a batch of EVE events ({"timestamp", "event_type", "<type>": {record}}) in one
  //! transaction: each goes to `events`; `attack` events upsert `attacks`, the IoT and DNS
  //! findings upsert `findings`. Events that are not objects with a string `event_type` are
  //! skipped and counted (skipped_events()). False with `error` (and nothing stored) when
  //! SQLite fails.
  bool Store(const std::vector<nlohmann::ordered_json>& events, std::string* error);

  //! Attacks, most recently started first: each the latest stored record, with its `state`.
  std::vector<nlohmann::ordered_json> Attacks(size_t limit);
  //! The bans' latest records (`ban` events, schema v2): the active ones in id order, or all,
  //! newest first.
  std::vector<nlohmann::ordered_json> Bans(bool active_only, size_t limit);

  //! Findings of one kind (`scan`, `brute_force`, `default_credentials`, `dns_attack`,
  //! `infected_device`; "" for all), most recently seen first. Each is {"key", "kind",
  //! "subject", "first_seen", "last_seen", "updates", "record"}.
  std::vector<nlohmann::ordered_json> Findings(const std::string& kind, size_t limit);

  //! The stored events with `timestamp` >= `since_ts` ("" for all), oldest first.
  std::vector<nlohmann::ordered_json> Events(const std::string& since_ts, size_t limit);

  //! The file's `PRAGMA user_version`; -1 when it cannot be read.
  int SchemaVersion();

  //! `PRAGMA integrity_check` answered "ok".
  bool IntegrityOk();

  //! Events Store() skipped as malformed since Open().
  uint64_t skipped_events() const { return skipped_events_; }

  //! Finalizes a prepared statement (unique_ptr deleter).
  struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const;
  };
  using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

 private:
  explicit HistoryDb(sqlite3* db, std::string path, bool read_only);
  static std::unique_ptr<HistoryDb> OpenWith(const std::string& path, bool read_only,
                                             std::string* error);
  bool Configure(std::string* error);
  bool Migrate(int from_version, std::string* error);
  bool Exec(const char* sql, std::string* error, const char* what = nullptr);
  bool Prepare(const char* sql, StatementPtr* statement, std::string* error,
               bool persistent = false);
  bool PrepareWriteStatements(std::string* error);
  bool StoreOne(const nlohmann::ordered_json& event, std::string* error);
  bool Run(sqlite3_stmt* statement, const char* what, std::string* error);
  void Rollback();
  std::string Error(const std::string& what) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;
  uint64_t skipped_events_ = 0;
  // Store()'s statements, prepared on first use and reused for every batch.
  StatementPtr begin_;
  StatementPtr commit_;
  StatementPtr rollback_;
  StatementPtr insert_event_;
  StatementPtr upsert_attack_;
  StatementPtr upsert_finding_;
};

}  // namespace rampart::history
