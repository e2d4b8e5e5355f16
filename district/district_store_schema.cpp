#include "district_store_schema.hpp"

#include <stdexcept>
#include <string>

namespace loa {

namespace {

// "loaD": tells a district database from a station journal ("loaJ") or any other SQLite file.
constexpr std::int64_t kApplicationId = 0x6C6F6144;
constexpr int kBusyTimeoutMs = 5000;

// as_run: per (station, broadcast) the latest state the station sent (highest seq).
// The partial index serves the report: it is read in GROUP BY order, so 2 million rows need no
// sort.
constexpr const char* kSchema = R"sql(
CREATE TABLE as_run(
  station TEXT NOT NULL,
  broadcast INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  programme TEXT NOT NULL,
  campaign TEXT NOT NULL DEFAULT '',
  slot INTEGER NOT NULL,
  scheduled_us INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  reference TEXT NOT NULL DEFAULT '',
  zones TEXT NOT NULL DEFAULT '[]',
  priority INTEGER NOT NULL,
  start_us INTEGER,
  end_us INTEGER,
  status TEXT NOT NULL CHECK(status IN ('playing','aired','interrupted','failed','missed','cut')),
  reason TEXT NOT NULL DEFAULT '',
  received_us INTEGER NOT NULL,
  PRIMARY KEY(station, broadcast)) WITHOUT ROWID;
CREATE INDEX as_run_by_station_time ON as_run(station, scheduled_us);
CREATE INDEX as_run_campaigns ON as_run(campaign, station, status, scheduled_us, start_us, end_us)
  WHERE campaign != '';
CREATE TABLE stations(
  station TEXT PRIMARY KEY,
  max_seq INTEGER NOT NULL DEFAULT 0,
  last_as_run_us INTEGER);
CREATE TABLE health(
  station TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  received_us INTEGER NOT NULL,
  last_up_us INTEGER,
  payload TEXT NOT NULL DEFAULT '');
CREATE TABLE campaigns(
  campaign TEXT NOT NULL,
  version INTEGER NOT NULL,
  valid_from TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  pushed_us INTEGER NOT NULL,
  signed_by TEXT NOT NULL,
  manifest TEXT NOT NULL,
  PRIMARY KEY(campaign, version));
CREATE TABLE campaign_slots(
  campaign TEXT NOT NULL,
  version INTEGER NOT NULL,
  programme TEXT NOT NULL,
  title TEXT NOT NULL,
  slot INTEGER NOT NULL,
  rule TEXT NOT NULL,
  PRIMARY KEY(campaign, version, programme, slot));
CREATE TABLE pushes(
  id INTEGER PRIMARY KEY,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  retained INTEGER NOT NULL,
  recorded_us INTEGER NOT NULL,
  pushed_us INTEGER);
CREATE INDEX pushes_pending ON pushes(id) WHERE pushed_us IS NULL;
CREATE INDEX pushes_by_topic ON pushes(topic);
)sql";

[[noreturn]] void not_ours(const sqlite::Db& db, const std::string& why) {
  throw std::runtime_error(db.file().string() + " is not a loa district database (" + why + ")");
}

enum class Identity { empty, ours };

Identity identify(sqlite::Db& db) {
  std::int64_t application_id = 0;
  std::int64_t version = 0;
  std::int64_t objects = 0;
  try {
    application_id = db.query_int("PRAGMA application_id");
    version = db.query_int("PRAGMA user_version");
    objects = db.query_int("SELECT count(*) FROM sqlite_master");
  } catch (const std::runtime_error&) {
    if ((sqlite3_errcode(db.handle()) & 0xFF) == SQLITE_NOTADB) {
      not_ours(db, sqlite3_errmsg(db.handle()));
    }
    throw;
  }
  if (application_id == 0 && version == 0 && objects == 0) return Identity::empty;
  if (application_id != kApplicationId) {
    not_ours(db, application_id == 0x6C6F614A ? "it is a station's journal"
                                              : "an SQLite database of another program");
  }
  if (version != kDistrictSchemaVersion) {
    not_ours(db, "schema version " + std::to_string(version) + "; this loa reads version " +
                     std::to_string(kDistrictSchemaVersion) +
                     (version > kDistrictSchemaVersion ? ": a newer loa wrote it" : ""));
  }
  return Identity::ours;
}

}  // namespace

void check_district_db(sqlite::Db& db) {
  sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
  if (identify(db) == Identity::empty) not_ours(db, "it is empty: no district daemon made it yet");
}

void prepare_district_db(sqlite::Db& db) {
  sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
  if (identify(db) == Identity::ours) {
    db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
    return;
  }
  {
    sqlite::Statement pragma(db, "PRAGMA journal_mode=WAL");
    auto rows = pragma.query();
    const std::string mode = rows.next() ? rows.text(0) : "";
    if (mode != "wal") {
      throw std::runtime_error(db.file().string() +
                               ": cannot use write-ahead logging (journal mode stays '" + mode +
                               "'); is it on a network or read-only file system?");
    }
  }
  db.exec("PRAGMA synchronous=NORMAL");
  sqlite::Transaction t(db, sqlite::Transaction::Kind::write);
  if (identify(db) == Identity::empty) {
    db.exec(kSchema);
    db.exec(("PRAGMA application_id=" + std::to_string(kApplicationId) +
             "; PRAGMA user_version=" + std::to_string(kDistrictSchemaVersion))
                .c_str());
  }
  t.commit();
}

}  // namespace loa
