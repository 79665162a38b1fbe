#include "history/history_db.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <string_view>
#include <utility>

#include "output/eve_log.h"

namespace rampart::history {
namespace {
using Json = nlohmann::ordered_json;

// A busy writer (the sensor) holds its lock for one batch; readers and a second opener wait.
constexpr int kBusyTimeoutMs = 5000;

//! One schema step: the SQL that takes a file from `version - 1` to `version`.
struct Migration {
  int version;
  const char* sql;
};

// Append-only: a released step is never edited; the next version is a new entry (issue 7 adds
// the `bans` table as version 2 here).
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  event_type TEXT NOT NULL,
  key TEXT,
  body TEXT NOT NULL);
CREATE INDEX events_ts ON events(ts);
CREATE INDEX events_type_ts ON events(event_type, ts);
CREATE TABLE attacks(
  key TEXT PRIMARY KEY,
  id INTEGER,
  target TEXT,
  direction TEXT,
  vector TEXT,
  state TEXT,
  start TEXT,
  detected_at TEXT,
  "end" TEXT,
  ongoing INTEGER,
  peak_pps REAL,
  peak_bps REAL,
  packets INTEGER,
  bytes INTEGER,
  updated TEXT,
  record TEXT);
CREATE INDEX attacks_start ON attacks(start);
CREATE TABLE findings(
  key TEXT PRIMARY KEY,
  kind TEXT,
  subject TEXT,
  first_seen TEXT,
  last_seen TEXT,
  updates INTEGER,
  record TEXT);
CREATE INDEX findings_kind_last_seen ON findings(kind, last_seen);
)sql"},
    // The ban manager's bans (docs/mitigation.md): the latest state of each, so a restart
    // re-announces what is active and withdraws what expired meanwhile.
    {2, R"sql(
CREATE TABLE bans(
  id INTEGER PRIMARY KEY,
  target TEXT,
  state TEXT,
  expires_ns INTEGER,
  updated TEXT,
  record TEXT);
CREATE INDEX bans_state ON bans(state);
)sql"},
};

constexpr bool MigrationsAreConsecutive() {
  int expected = 1;
  for (const Migration& m : kMigrations) {
    if (m.version != expected++) {
      return false;
    }
  }
  return true;
}
static_assert(MigrationsAreConsecutive(), "schema versions must be 1, 2, 3, ... in order");

//! The finding event types and the record field that names what each is about.
struct FindingKind {
  std::string_view type;
  const char* subject;
};
constexpr FindingKind kFindingKinds[] = {{"scan", "scanner"},
                                         {"brute_force", "source"},
                                         {"default_credentials", "device"},
                                         {"dns_attack", "zone"},
                                         {"infected_device", "address"}};

const FindingKind* FindFindingKind(std::string_view type) {
  for (const FindingKind& kind : kFindingKinds) {
    if (kind.type == type) {
      return &kind;
    }
  }
  return nullptr;
}

// SQLITE_TRANSIENT without its C cast: SQLite copies the bytes before the bind returns.
const sqlite3_destructor_type kTransient = reinterpret_cast<sqlite3_destructor_type>(intptr_t{-1});

void BindText(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text64(s, index, text.data(), text.size(), kTransient, SQLITE_UTF8);
}

int64_t ClampLimit(size_t limit) {
  return limit > static_cast<size_t>(std::numeric_limits<int64_t>::max())
             ? -1  // SQLite: no limit
             : static_cast<int64_t>(limit);
}

//! Invalid UTF-8 in a record (a DNS name, a login) is replaced, never thrown over.
std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

//! Binds a record field with its JSON type: NULL when absent or null.
void BindField(sqlite3_stmt* s, int index, const Json& record, const char* field) {
  const auto it = record.find(field);
  if (it == record.end() || it->is_null()) {
    sqlite3_bind_null(s, index);
  } else if (it->is_boolean()) {
    sqlite3_bind_int(s, index, it->get<bool>() ? 1 : 0);
  } else if (it->is_number_unsigned()) {
    const uint64_t value = it->get<uint64_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      sqlite3_bind_double(s, index, static_cast<double>(value));
    } else {
      sqlite3_bind_int64(s, index, static_cast<int64_t>(value));
    }
  } else if (it->is_number_integer()) {
    sqlite3_bind_int64(s, index, it->get<int64_t>());
  } else if (it->is_number_float()) {
    sqlite3_bind_double(s, index, it->get<double>());
  } else if (it->is_string()) {
    BindText(s, index, it->get_ref<const std::string&>());
  } else {
    BindText(s, index, Dump(*it));
  }
}

//! The first string among `fields` of `record`, else `fallback`.
std::string FirstString(const Json& record, std::initializer_list<const char*> fields,
                        const std::string& fallback) {
  for (const char* field : fields) {
    const auto it = record.find(field);
    if (it != record.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return fallback;
}

//! The dominant vector's name: `vector` in the live sensor's records, `name` in the report's.
std::string FirstVector(const Json& record) {
  const auto it = record.find("vectors");
  if (it == record.end() || !it->is_array() || it->empty() || !it->front().is_object()) {
    return "";
  }
  return FirstString(it->front(), {"vector", "name"}, "");
}

Json ColumnJson(sqlite3_stmt* s, int column) {
  switch (sqlite3_column_type(s, column)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(s, column);
    case SQLITE_FLOAT:
      return sqlite3_column_double(s, column);
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      const auto* text = sqlite3_column_text(s, column);
      const int size = sqlite3_column_bytes(s, column);
      return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
    }
    default:
      return nullptr;
  }
}

//! A stored JSON column parsed back; null when it does not parse (never written by us).
Json ParseColumn(sqlite3_stmt* s, int column) {
  const Json text = ColumnJson(s, column);
  if (!text.is_string()) {
    return nullptr;
  }
  Json parsed = Json::parse(text.get_ref<const std::string&>(), nullptr, false);
  return parsed.is_discarded() ? Json(nullptr) : parsed;
}

}  // namespace

int CurrentSchemaVersion() {
  return std::end(kMigrations)[-1].version;
}

void HistoryDb::StatementDeleter::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

HistoryDb::HistoryDb(sqlite3* db, std::string path, bool read_only)
    : db_(db), path_(std::move(path)), read_only_(read_only) {}

HistoryDb::~HistoryDb() {
  // Statements first: sqlite3_close refuses a connection with live statements.
  begin_.reset();
  commit_.reset();
  rollback_.reset();
  insert_event_.reset();
  upsert_attack_.reset();
  upsert_finding_.reset();
  sqlite3_close(db_);
}

std::unique_ptr<HistoryDb> HistoryDb::Open(const std::string& path, std::string* error) {
  return OpenWith(path, false, error);
}

std::unique_ptr<HistoryDb> HistoryDb::OpenReadOnly(const std::string& path, std::string* error) {
  return OpenWith(path, true, error);
}

std::unique_ptr<HistoryDb> HistoryDb::OpenWith(const std::string& path, bool read_only,
                                               std::string* error) {
  sqlite3* raw = nullptr;
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // The object owns the handle from here, even a failed one (sqlite3_open_v2 allocates it).
  std::unique_ptr<HistoryDb> db(new HistoryDb(raw, path, read_only));
  if (rc != SQLITE_OK) {
    *error = path + ": cannot open: " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    return nullptr;
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // READWRITE quietly falls back to read-only on a file we may not write.
  if (!read_only && sqlite3_db_readonly(raw, "main") == 1) {
    *error = path + ": not writable";
    return nullptr;
  }

  // The first read of the header: a file that is not SQLite fails here.
  const int version = db->SchemaVersion();
  if (version < 0) {
    *error = db->Error("cannot read the schema version");
    return nullptr;
  }
  if (version > CurrentSchemaVersion()) {
    *error = fmt::format(
        "{}: schema version {} is newer than this rampart knows ({}); use a newer rampart", path,
        version, CurrentSchemaVersion());
    return nullptr;
  }
  if (version == 0) {
    // Version 0 with tables is some other application's database: never write into it.
    StatementPtr count;
    if (!db->Prepare("SELECT count(*) FROM sqlite_master", &count, error)) {
      return nullptr;
    }
    if (sqlite3_step(count.get()) != SQLITE_ROW) {
      *error = db->Error("cannot read the schema");
      return nullptr;
    }
    if (sqlite3_column_int64(count.get(), 0) > 0) {
      *error = path + ": a SQLite database, but not a rampart history (it has other tables)";
      return nullptr;
    }
    if (read_only) {
      *error = path + ": an empty database, not a rampart history";
      return nullptr;
    }
  }
  if (!db->Configure(error)) {
    return nullptr;
  }
  if (!read_only && !db->Migrate(version, error)) {
    return nullptr;
  }
  return db;
}

bool HistoryDb::Configure(std::string* error) {
  if (!Exec("PRAGMA foreign_keys=ON", error)) {
    return false;
  }
  if (read_only_) {
    return true;  // the journal mode is the file's; a reader cannot change it
  }
  // WAL: readers (the CLI) never block the sensor, and a commit is one append. NORMAL syncs at
  // checkpoints only: a killed process loses nothing committed, a power cut the last commits.
  StatementPtr wal;
  if (!Prepare("PRAGMA journal_mode=WAL", &wal, error)) {
    return false;
  }
  if (sqlite3_step(wal.get()) != SQLITE_ROW) {
    *error = Error("cannot switch to WAL");
    return false;
  }
  // SQLite answers with the mode it kept instead of failing (no shared memory: NFS).
  const Json mode = ColumnJson(wal.get(), 0);
  if (mode != "wal") {
    *error = fmt::format("{}: cannot use WAL (journal mode stays {}); use a local disk", path_,
                         mode.dump());
    return false;
  }
  return Exec("PRAGMA synchronous=NORMAL", error);
}

bool HistoryDb::Migrate(int from_version, std::string* error) {
  for (const Migration& m : kMigrations) {
    if (m.version <= from_version) {
      continue;
    }
    // IMMEDIATE takes the write lock first, so two processes opening a new file at once apply
    // each step once: the second sees the version the first committed.
    if (!Exec("BEGIN IMMEDIATE", error)) {
      return false;
    }
    const int now = SchemaVersion();
    const std::string set_version = fmt::format("PRAGMA user_version={}", m.version);
    const std::string step = fmt::format("migrating to schema version {}", m.version);
    bool ok = now >= 0;
    if (!ok) {
      *error = Error(step);
    } else if (now < m.version) {
      ok = Exec(m.sql, error, step.c_str()) && Exec(set_version.c_str(), error, step.c_str());
    }
    if (!ok || !Exec("COMMIT", error)) {
      std::string ignored;
      Exec("ROLLBACK", &ignored);
      return false;
    }
  }
  return true;
}

bool HistoryDb::Exec(const char* sql, std::string* error, const char* what) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) {
    return true;
  }
  sqlite3_free(message);  // the same text as sqlite3_errmsg, which Error() reads
  *error = Error(what != nullptr ? what : sql);
  return false;
}

bool HistoryDb::Prepare(const char* sql, StatementPtr* statement, std::string* error,
                        bool persistent) {
  sqlite3_stmt* raw = nullptr;
  const unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  if (sqlite3_prepare_v3(db_, sql, -1, flags, &raw, nullptr) != SQLITE_OK) {
    *error = Error("cannot prepare a statement");
    return false;
  }
  statement->reset(raw);
  return true;
}

std::string HistoryDb::Error(const std::string& what) const {
  if ((sqlite3_extended_errcode(db_) & 0xff) == SQLITE_NOTADB) {
    return path_ + ": not a SQLite database";
  }
  return fmt::format("{}: {}: {}", path_, what, sqlite3_errmsg(db_));
}

bool HistoryDb::PrepareWriteStatements(std::string* error) {
  if (upsert_finding_) {
    return true;
  }
  return Prepare("BEGIN IMMEDIATE", &begin_, error, true) &&
         Prepare("COMMIT", &commit_, error, true) && Prepare("ROLLBACK", &rollback_, error, true) &&
         Prepare("INSERT INTO events(ts, event_type, key, body) VALUES(?1, ?2, ?3, ?4)",
                 &insert_event_, error, true) &&
         Prepare(R"sql(
INSERT INTO attacks(key, id, target, direction, vector, state, start, detected_at, "end", ongoing,
                    peak_pps, peak_bps, packets, bytes, updated, record)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
ON CONFLICT(key) DO UPDATE SET
  id = excluded.id, target = excluded.target, direction = excluded.direction,
  vector = excluded.vector, state = excluded.state, start = excluded.start,
  detected_at = excluded.detected_at, "end" = excluded."end", ongoing = excluded.ongoing,
  peak_pps = excluded.peak_pps, peak_bps = excluded.peak_bps, packets = excluded.packets,
  bytes = excluded.bytes, updated = excluded.updated, record = excluded.record)sql",
                 &upsert_attack_, error, true) &&
         // A NULL time never replaces a known one (NULL < x is not true).
         Prepare(R"sql(
INSERT INTO findings(key, kind, subject, first_seen, last_seen, updates, record)
VALUES(?1, ?2, ?3, ?4, ?5, 1, ?6)
ON CONFLICT(key) DO UPDATE SET
  subject = excluded.subject,
  first_seen = CASE WHEN findings.first_seen IS NULL OR excluded.first_seen < findings.first_seen
                    THEN excluded.first_seen ELSE findings.first_seen END,
  last_seen = CASE WHEN findings.last_seen IS NULL OR excluded.last_seen > findings.last_seen
                   THEN excluded.last_seen ELSE findings.last_seen END,
  updates = findings.updates + 1,
  record = excluded.record)sql",
                 &upsert_finding_, error, true);
}

bool HistoryDb::Run(sqlite3_stmt* s, const char* what, std::string* error) {
  const bool done = sqlite3_step(s) == SQLITE_DONE;
  if (!done) {
    *error = Error(what);  // before the reset, which may change the connection's message
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return done;
}

void HistoryDb::Rollback() {
  std::string ignored;  // the caller reports what failed first
  if (!sqlite3_get_autocommit(db_)) {
    Run(rollback_.get(), "cannot roll back", &ignored);
  }
}

bool HistoryDb::Store(const std::vector<Json>& events, std::string* error) {
  if (read_only_) {
    *error = path_ + ": opened read-only";
    return false;
  }
  if (!PrepareWriteStatements(error)) {
    return false;
  }
  if (!Run(begin_.get(), "cannot begin a transaction", error)) {
    return false;
  }
  for (const Json& event : events) {
    if (!StoreOne(event, error)) {
      Rollback();
      return false;
    }
  }
  if (!Run(commit_.get(), "cannot commit", error)) {
    Rollback();  // a failed COMMIT may leave the transaction open; the next batch must begin
    return false;
  }
  return true;
}

bool HistoryDb::StoreOne(const Json& event, std::string* error) {
  const auto type_it = event.is_object() ? event.find("event_type") : event.end();
  if (!event.is_object() || type_it == event.end() || !type_it->is_string()) {
    ++skipped_events_;
    return true;
  }
  const std::string& type = type_it->get_ref<const std::string&>();
  const std::string ts = FirstString(event, {"timestamp"}, "");
  const std::string key = EveEventKey(event);
  const std::string body = Dump(event);

  sqlite3_stmt* s = insert_event_.get();
  BindText(s, 1, ts);
  BindText(s, 2, type);
  if (key.empty()) {
    sqlite3_bind_null(s, 3);
  } else {
    BindText(s, 3, key);
  }
  BindText(s, 4, body);
  if (!Run(s, "cannot store an event", error)) {
    return false;
  }

  const auto record_it = event.find(type);
  if (record_it == event.end() || !record_it->is_object() || key.empty()) {
    return true;  // stats, and types this version does not keep a row for
  }
  const Json& record = *record_it;
  if (type == "attack") {
    s = upsert_attack_.get();
    BindText(s, 1, key);
    BindField(s, 2, record, "id");
    BindField(s, 3, record, "target");
    BindField(s, 4, record, "direction");
    BindText(s, 5, FirstVector(record));
    BindField(s, 6, record, "state");
    BindField(s, 7, record, "start");
    BindField(s, 8, record, "detected_at");
    BindField(s, 9, record, "end");
    BindField(s, 10, record, "ongoing");
    BindField(s, 11, record, "peak_pps");
    BindField(s, 12, record, "peak_bps");
    BindField(s, 13, record, "packets");
    BindField(s, 14, record, "bytes");
    BindText(s, 15, ts);
    BindText(s, 16, Dump(record));
    return Run(s, "cannot store an attack", error);
  }
  if (type == "ban") {
    StatementPtr ban;
    if (!Prepare("INSERT INTO bans(id, target, state, expires_ns, updated, record) "
                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET "
                 "target=excluded.target, state=excluded.state, expires_ns=excluded.expires_ns, "
                 "updated=excluded.updated, record=excluded.record",
                 &ban, error, true)) {
      return false;
    }
    BindField(ban.get(), 1, record, "id");
    BindField(ban.get(), 2, record, "target");
    BindField(ban.get(), 3, record, "state");
    BindField(ban.get(), 4, record, "expires_ns");
    BindText(ban.get(), 5, ts);
    BindText(ban.get(), 6, Dump(record));
    return Run(ban.get(), "cannot store a ban", error);
  }
  const FindingKind* kind = FindFindingKind(type);
  if (kind == nullptr) {
    return true;
  }
  // The record's own span when it has one (dns_attack: start/end), else the event's time.
  const std::string first_seen = FirstString(record, {"first_seen", "start"}, ts);
  const std::string last_seen = FirstString(record, {"last_seen", "end"}, ts);
  s = upsert_finding_.get();
  BindText(s, 1, key);
  BindText(s, 2, type);
  BindField(s, 3, record, kind->subject);
  BindText(s, 4, first_seen);
  BindText(s, 5, last_seen);
  BindText(s, 6, Dump(record));
  return Run(s, "cannot store a finding", error);
}

std::vector<Json> HistoryDb::Bans(bool active_only, size_t limit) {
  std::vector<Json> out;
  StatementPtr s;
  std::string ignored;
  if (!Prepare(active_only ? "SELECT record FROM bans WHERE state = 'active' ORDER BY id LIMIT ?1"
                           : "SELECT record FROM bans ORDER BY id DESC LIMIT ?1",
               &s, &ignored)) {
    return out;
  }
  sqlite3_bind_int64(s.get(), 1, ClampLimit(limit));
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    out.push_back(ParseColumn(s.get(), 0));
  }
  return out;
}

std::vector<Json> HistoryDb::Attacks(size_t limit) {
  std::vector<Json> out;
  StatementPtr s;
  std::string ignored;
  if (!Prepare("SELECT state, record FROM attacks ORDER BY start DESC, updated DESC, rowid DESC "
               "LIMIT ?1",
               &s, &ignored)) {
    return out;
  }
  sqlite3_bind_int64(s.get(), 1, ClampLimit(limit));
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    Json record = ParseColumn(s.get(), 1);
    if (!record.is_object()) {
      continue;
    }
    const Json state = ColumnJson(s.get(), 0);
    if (!state.is_null()) {
      record["state"] = state;
    }
    out.push_back(std::move(record));
  }
  return out;
}

std::vector<Json> HistoryDb::Findings(const std::string& kind, size_t limit) {
  std::vector<Json> out;
  StatementPtr s;
  std::string ignored;
  if (!Prepare("SELECT key, kind, subject, first_seen, last_seen, updates, record FROM findings "
               "WHERE ?1 = '' OR kind = ?1 ORDER BY last_seen DESC, rowid DESC LIMIT ?2",
               &s, &ignored)) {
    return out;
  }
  BindText(s.get(), 1, kind);
  sqlite3_bind_int64(s.get(), 2, ClampLimit(limit));
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    Json row;
    row["key"] = ColumnJson(s.get(), 0);
    row["kind"] = ColumnJson(s.get(), 1);
    row["subject"] = ColumnJson(s.get(), 2);
    row["first_seen"] = ColumnJson(s.get(), 3);
    row["last_seen"] = ColumnJson(s.get(), 4);
    row["updates"] = ColumnJson(s.get(), 5);
    row["record"] = ParseColumn(s.get(), 6);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<Json> HistoryDb::Events(const std::string& since_ts, size_t limit) {
  std::vector<Json> out;
  StatementPtr s;
  std::string ignored;
  if (!Prepare("SELECT body FROM events WHERE ts >= ?1 ORDER BY ts, id LIMIT ?2", &s, &ignored)) {
    return out;
  }
  BindText(s.get(), 1, since_ts);
  sqlite3_bind_int64(s.get(), 2, ClampLimit(limit));
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    Json event = ParseColumn(s.get(), 0);
    if (!event.is_null()) {
      out.push_back(std::move(event));
    }
  }
  return out;
}

int HistoryDb::SchemaVersion() {
  StatementPtr s;
  std::string ignored;
  if (!Prepare("PRAGMA user_version", &s, &ignored) || sqlite3_step(s.get()) != SQLITE_ROW) {
    return -1;
  }
  return sqlite3_column_int(s.get(), 0);
}

bool HistoryDb::IntegrityOk() {
  StatementPtr s;
  std::string ignored;
  if (!Prepare("PRAGMA integrity_check", &s, &ignored) || sqlite3_step(s.get()) != SQLITE_ROW) {
    return false;
  }
  const Json result = ColumnJson(s.get(), 0);
  return result == "ok" && sqlite3_step(s.get()) == SQLITE_DONE;
}

}  // namespace rampart::history
