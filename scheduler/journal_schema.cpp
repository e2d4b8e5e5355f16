#include "journal_schema.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "journal_outbox_schema.hpp"

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

// What each later version adds, in order: kUpgrades[0] takes version 1 to 2, and so on. A step
// only adds (tables, columns with defaults, indexes, triggers), so that every row a station
// journaled before stays, and readers of a newer journal find what they expect. Steps run inside
// the writer's transaction in prepare_journal: a power cut mid-upgrade leaves the old version.
constexpr std::array<const char*, kJournalSchemaVersion - 1> kUpgrades{
    kOutboxSchemaStep,  // 2: the as-run outbox (issue 13)
    // 3: what a relay or input item experienced while it aired (RelayEvent): connected (codec,
    // rate, channels), lost, reconnecting, warning, dead air started and ended (`frame` from the
    // item's start) with the fallback that covered it, ended.
    R"sql(
CREATE TABLE item_events(
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  t_us INTEGER NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  codec TEXT NOT NULL DEFAULT '',
  rate INTEGER NOT NULL DEFAULT 0,
  channels INTEGER NOT NULL DEFAULT 0,
  frame INTEGER NOT NULL DEFAULT -1,
  fallback TEXT NOT NULL DEFAULT '');
CREATE INDEX item_events_by_item ON item_events(item_id, t_us);
)sql",
    kReceiptSchemaStep,  // 4: the district's receipts of as-run rows (issue 13)
};

// Runs the steps from the journal's version up to `version`, in the caller's transaction.
void upgrade(sqlite::Db& db, std::int64_t version) {
  for (std::int64_t from = db.query_int("PRAGMA user_version"); from < version; ++from) {
    db.exec(kUpgrades.at(static_cast<std::size_t>(from - 1)));
    db.exec(("PRAGMA user_version=" + std::to_string(from + 1)).c_str());
  }
}

[[noreturn]] void not_a_journal(const sqlite::Db& db, const std::string& why) {
  throw std::runtime_error(db.file().string() + " is not a loa journal (" + why + ")");
}

enum class Identity { empty, older_journal, journal };

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
  if (version < 1 || version > kJournalSchemaVersion) {
    not_a_journal(db, "schema version " + std::to_string(version) + "; this loa reads version " +
                          std::to_string(kJournalSchemaVersion) +
                          (version > kJournalSchemaVersion ? ": a newer loa wrote it" : ""));
  }
  return version < kJournalSchemaVersion ? Identity::older_journal : Identity::journal;
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
    if (found == Identity::older_journal) {
      throw std::runtime_error(db.file().string() +
                               " was written by an older loa (schema version " +
                               std::to_string(db.query_int("PRAGMA user_version")) +
                               "); start `loa run` once to upgrade it, then try again");
    }
    return;
  }
  use_wal(db);
  db.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
  if (found == Identity::journal) return;
  sqlite::Transaction t(db, sqlite::Transaction::Kind::write);
  // Another process may have created or upgraded it since identify().
  const Identity now = identify(db);
  if (now == Identity::empty) {
    db.exec(kSchema);
    db.exec(("PRAGMA application_id=" + std::to_string(kApplicationId) + "; PRAGMA user_version=1")
                .c_str());
  }
  if (now != Identity::journal) upgrade(db, kJournalSchemaVersion);
  t.commit();
}

void create_journal_for_test(sqlite::Db& db, std::int64_t version) {
  sqlite::Transaction t(db, sqlite::Transaction::Kind::write);
  db.exec(kSchema);
  db.exec(("PRAGMA application_id=" + std::to_string(kApplicationId) + "; PRAGMA user_version=1")
              .c_str());
  upgrade(db, version);
  t.commit();
}

}  // namespace loa
