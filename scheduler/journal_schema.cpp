#include "journal_schema.hpp"

#include <stdexcept>
#include <string>

namespace loa {

namespace {

// "loaJ": tells a loa journal from any other SQLite database with a user_version of 1.
constexpr std::int64_t kApplicationId = 0x6C6F614A;
constexpr int kBusyTimeoutMs = 5000;

constexpr const char* kSchema = R"sql(
CREATE TABLE broadcasts(
  id INTEGER PRIMARY KEY,
  programme TEXT NOT NULL,
  slot INTEGER NOT NULL,
  scheduled_us INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  reference TEXT NOT NULL DEFAULT '',
  zones TEXT NOT NULL DEFAULT '',
  priority INTEGER NOT NULL,
  start_us INTEGER,
  end_us INTEGER,
  status TEXT NOT NULL CHECK(status IN ('playing','aired','interrupted','failed','missed','cut')),
  reason TEXT NOT NULL DEFAULT '',
  UNIQUE(programme, slot, scheduled_us));
CREATE INDEX broadcasts_by_time ON broadcasts(scheduled_us);
CREATE INDEX broadcasts_playing ON broadcasts(scheduled_us) WHERE status = 'playing';
CREATE TABLE items(
  id INTEGER PRIMARY KEY,
  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  start_us INTEGER NOT NULL,
  end_us INTEGER,
  status TEXT NOT NULL CHECK(status IN ('playing','aired','interrupted','failed','missed','cut')),
  reason TEXT NOT NULL DEFAULT '');
CREATE INDEX items_by_broadcast ON items(broadcast_id, start_us);
CREATE TABLE rotation(playlist TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE meta(key TEXT PRIMARY KEY, value);
CREATE TABLE actions(
  id INTEGER PRIMARY KEY,
  t_us INTEGER NOT NULL,
  who TEXT NOT NULL,
  origin TEXT NOT NULL,
  what TEXT NOT NULL);
)sql";

[[noreturn]] void not_a_journal(const sqlite::Db& db, const std::string& why) {
  throw std::runtime_error(db.file().string() + " is not a loa journal (" + why + ")");
}

enum class Identity { empty, journal };

// What the file holds; throws for anything but an empty database or a journal of this version.
Identity identify(sqlite::Db& db) {
  std::int64_t application_id = 0;
  std::int64_t version = 0;
  std::int64_t objects = 0;
  try {
    application_id = db.query_int("PRAGMA application_id");
    version = db.query_int("PRAGMA user_version");
    objects = db.query_int("SELECT count(*) FROM sqlite_master");
  } catch (const std::runtime_error&) {
    // A text file, an image, a truncated copy: SQLite says so on the first read.
    if ((sqlite3_errcode(db.handle()) & 0xFF) == SQLITE_NOTADB) {
      not_a_journal(db, sqlite3_errmsg(db.handle()));
    }
    throw;
  }
  if (application_id == 0 && version == 0 && objects == 0) return Identity::empty;
  if (application_id != kApplicationId) not_a_journal(db, "an SQLite database of another program");
  if (version != kJournalSchemaVersion) {
    not_a_journal(db, "schema version " + std::to_string(version) + "; this loa reads version " +
                          std::to_string(kJournalSchemaVersion) +
                          (version > kJournalSchemaVersion ? ": a newer loa wrote it" : ""));
  }
  return Identity::journal;
}

void use_wal(sqlite::Db& db) {
  sqlite::Statement pragma(db, "PRAGMA journal_mode=WAL");
  auto rows = pragma.query();
  const std::string mode = rows.next() ? rows.text(0) : "";
  if (mode != "wal") {
    throw std::runtime_error(db.file().string() +
                             ": cannot use write-ahead logging (journal mode stays '" + mode +
                             "'); is the state folder on a network or read-only file system?");
  }
}

}  // namespace

void prepare_journal(sqlite::Db& db, bool read_only) {
  sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
  const Identity found = identify(db);
  if (read_only) {
    if (found == Identity::empty) not_a_journal(db, "it is empty");
    return;
  }
  use_wal(db);
  db.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
  if (found == Identity::journal) return;
  sqlite::Transaction t(db, sqlite::Transaction::Kind::write);
  // Another process may have created it since identify().
  if (identify(db) == Identity::empty) {
    db.exec(kSchema);
    db.exec(("PRAGMA application_id=" + std::to_string(kApplicationId) +
             "; PRAGMA user_version=" + std::to_string(kJournalSchemaVersion))
                .c_str());
  }
  t.commit();
}

}  // namespace loa
