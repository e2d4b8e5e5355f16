#include "loa/journal.hpp"

#include <array>
#include <stdexcept>

#include "journal_columns.hpp"
#include "journal_schema.hpp"
#include "sqlite_db.hpp"

namespace loa {

namespace {

using journal_columns::join_zones;
using journal_columns::micros;
using journal_columns::split_zones;
using journal_columns::utc;
using sqlite::Statement;

constexpr std::array<std::string_view, 6> kStatusNames = {"playing", "aired",  "interrupted",
                                                          "failed",  "missed", "cut"};

// A status read back; a value this loa does not know (the CHECK constraints prevent it) reads as
// failed rather than aborting a report.
AirStatus status_of(const std::string& text) {
  return parse_air_status(text).value_or(AirStatus::failed);
}

constexpr const char* kBroadcastColumns =
    "SELECT id, programme, slot, scheduled_us, title, reference, zones, priority, start_us, "
    "end_us, "
    "status, reason FROM broadcasts ";

std::string broadcast_query(const char* where) {
  return std::string(kBroadcastColumns) + where;
}

}  // namespace

std::string_view air_status_name(AirStatus s) {
  return kStatusNames.at(static_cast<std::size_t>(s));
}

std::optional<AirStatus> parse_air_status(std::string_view name) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<AirStatus>(i);
  }
  return std::nullopt;
}

std::filesystem::path journal_path(const StationSettings& settings) {
  return settings.state / "journal.db";
}

struct Journal::Impl {
  Impl(const std::filesystem::path& file, int flags, bool read_only)
      : db(file, flags), ready((prepare_journal(db, read_only), true)) {}

  // Declared first: destroyed after every statement, so the connection closes cleanly.
  sqlite::Db db;
  // The schema must exist before the statements below are prepared (members initialize in order).
  bool ready;
  Statement begin_broadcast{
      db,
      "INSERT INTO broadcasts(programme, slot, scheduled_us, title, reference, zones, priority, "
      "start_us, status) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'playing') "
      "ON CONFLICT(programme, slot, scheduled_us) DO UPDATE SET status = 'playing', end_us = NULL, "
      "reason = '', start_us = coalesce(start_us, excluded.start_us) RETURNING id"};
  Statement begin_item{db,
                       "INSERT INTO items(broadcast_id, idx, kind, path, start_us, end_us, status, "
                       "reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id"};
  Statement end_item{db, "UPDATE items SET end_us = ?1, status = ?2, reason = ?3 WHERE id = ?4"};
  Statement add_item_event{db,
                           "INSERT INTO item_events(item_id, t_us, kind, reason, codec, rate, "
                           "channels, frame, fallback) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"};
  Statement events_of{
      db,
      "SELECT t_us, kind, reason, codec, rate, channels, frame, fallback FROM item_events "
      "WHERE item_id = ?1 ORDER BY t_us, id"};
  Statement end_broadcast{
      db, "UPDATE broadcasts SET end_us = ?1, status = ?2, reason = ?3 WHERE id = ?4"};
  Statement record_missed{
      db,
      "INSERT INTO broadcasts(programme, slot, scheduled_us, title, reference, zones, priority, "
      "status, reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT(programme, slot, scheduled_us) DO NOTHING"};
  Statement rotation{db, "SELECT playlist, next FROM rotation"};
  Statement clear_rotation{db, "DELETE FROM rotation"};
  Statement save_rotation{db, "INSERT INTO rotation(playlist, next) VALUES(?1, ?2)"};
  Statement mark_alive{db,
                       "INSERT INTO meta(key, value) VALUES('last_alive', ?1) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value"};
  Statement last_alive{db, "SELECT value FROM meta WHERE key = 'last_alive'"};
  Statement record_action{db,
                          "INSERT INTO actions(t_us, who, origin, what) VALUES(?1, ?2, ?3, ?4)"};
  Statement actions{db,
                    "SELECT t_us, who, origin, what FROM actions WHERE t_us >= ?1 AND t_us < ?2 "
                    "ORDER BY t_us, id"};
  Statement in_window{
      db,
      broadcast_query("WHERE scheduled_us >= ?1 AND scheduled_us < ?2 ORDER BY scheduled_us, id")
          .c_str()};
  Statement by_key{
      db, broadcast_query("WHERE programme = ?1 AND slot = ?2 AND scheduled_us = ?3").c_str()};
  Statement playing{db,
                    broadcast_query("WHERE status = 'playing' ORDER BY scheduled_us, id").c_str()};
  Statement items_of{db,
                     "SELECT idx, kind, path, start_us, end_us, status, reason, id FROM items "
                     "WHERE broadcast_id = ?1 ORDER BY start_us, id"};

  // Every row of a query over kBroadcastColumns, with its items, in one snapshot.
  template <class... Args>
  std::vector<JournalBroadcast> read(Statement& s, const Args&... args) {
    sqlite::Transaction snapshot(db, sqlite::Transaction::Kind::read);
    std::vector<JournalBroadcast> out;
    {
      auto rows = s.query(args...);
      while (rows.next()) out.push_back(broadcast(rows));
    }
    for (auto& b : out) b.items = items(b.id);
    snapshot.commit();
    return out;
  }

  static JournalBroadcast broadcast(const Statement::Rows& r) {
    JournalBroadcast b;
    b.id = r.integer(0);
    b.key = {r.text(1), static_cast<int>(r.integer(2)), UtcTime(Micros(r.integer(3)))};
    b.title = r.text(4);
    b.reference = r.text(5);
    b.zones = split_zones(r.text(6));
    b.priority = static_cast<int>(r.integer(7));
    b.start = utc(r.optional_integer(8));
    b.end = utc(r.optional_integer(9));
    b.status = status_of(r.text(10));
    b.reason = r.text(11);
    return b;
  }

  std::vector<JournalItem> items(std::int64_t broadcast) {
    std::vector<JournalItem> out;
    auto r = items_of.query(broadcast);
    while (r.next()) {
      out.push_back({static_cast<int>(r.integer(0)),
                     r.text(1),
                     r.text(2),
                     UtcTime(Micros(r.integer(3))),
                     utc(r.optional_integer(4)),
                     status_of(r.text(5)),
                     r.text(6),
                     r.integer(7),
                     {}});
    }
    for (auto& item : out) {
      if (item.kind == "relay" || item.kind == "input") item.events = events(item.id);
    }
    return out;
  }

  std::vector<JournalItemEvent> events(std::int64_t item) {
    std::vector<JournalItemEvent> out;
    auto r = events_of.query(item);
    while (r.next()) {
      out.push_back({UtcTime(Micros(r.integer(0))), r.text(1), r.text(2), r.text(3),
                     static_cast<int>(r.integer(4)), static_cast<int>(r.integer(5)), r.integer(6),
                     r.text(7)});
    }
    return out;
  }

  // An UPDATE by id that must find its row: an unknown id is the caller's mistake, said loudly.
  void update(Statement& s, std::int64_t id, UtcTime end, AirStatus status,
              const std::string& reason, const char* what) {
    if (s.exec(micros(end), air_status_name(status), reason, id) == 0) {
      throw std::runtime_error(db.file().string() + ": no " + what + " with id " +
                               std::to_string(id));
    }
  }
};

Journal::Journal(const std::filesystem::path& file, bool read_only) {
  std::error_code ec;
  if (read_only) {
    if (!std::filesystem::exists(file, ec)) {
      throw std::runtime_error("no journal at " + file.string() + ": loa run has not run yet");
    }
    impl_ = std::make_unique<Impl>(file, SQLITE_OPEN_READONLY, true);
    return;
  }
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) {
    throw std::runtime_error("cannot create the folder of the journal " + file.string() + ": " +
                             ec.message());
  }
  impl_ = std::make_unique<Impl>(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, false);
}

Journal::~Journal() = default;

const std::filesystem::path& Journal::file() const {
  return impl_->db.file();
}

std::int64_t Journal::begin_broadcast(const JournalBroadcast& b, UtcTime start) {
  auto r =
      impl_->begin_broadcast.query(b.key.programme, b.key.slot, micros(b.key.scheduled), b.title,
                                   b.reference, join_zones(b.zones), b.priority, micros(start));
  if (!r.next()) impl_->db.fail("recording the start of a broadcast");
  const std::int64_t id = r.integer(0);
  while (r.next()) {
  }
  return id;
}

std::int64_t Journal::begin_item(std::int64_t broadcast, const JournalItem& item) {
  auto r = impl_->begin_item.query(broadcast, item.index, item.kind, item.path, micros(item.start),
                                   micros(item.end), air_status_name(item.status), item.reason);
  if (!r.next()) impl_->db.fail("recording the start of an item");
  const std::int64_t id = r.integer(0);
  while (r.next()) {
  }
  return id;
}

void Journal::end_item(std::int64_t item, UtcTime end, AirStatus status,
                       const std::string& reason) {
  impl_->update(impl_->end_item, item, end, status, reason, "item");
}

void Journal::add_item_event(std::int64_t item, const JournalItemEvent& e) {
  impl_->add_item_event.exec(item, micros(e.t), e.kind, e.reason, e.codec,
                             static_cast<std::int64_t>(e.rate),
                             static_cast<std::int64_t>(e.channels), e.frame, e.fallback);
}

void Journal::end_broadcast(std::int64_t broadcast, UtcTime end, AirStatus status,
                            const std::string& reason) {
  impl_->update(impl_->end_broadcast, broadcast, end, status, reason, "broadcast");
}

void Journal::record_missed(const JournalBroadcast& b, AirStatus status,
                            const std::string& reason) {
  impl_->record_missed.exec(b.key.programme, b.key.slot, micros(b.key.scheduled), b.title,
                            b.reference, join_zones(b.zones), b.priority, air_status_name(status),
                            reason);
}

RotationState Journal::rotation() const {
  RotationState out;
  auto r = impl_->rotation.query();
  while (r.next()) out[r.text(0)] = static_cast<std::uint64_t>(r.integer(1));
  return out;
}

void Journal::save_rotation(const RotationState& state) {
  sqlite::Transaction t(impl_->db, sqlite::Transaction::Kind::write);
  impl_->clear_rotation.exec();
  for (const auto& [playlist, next] : state) {
    impl_->save_rotation.exec(playlist, static_cast<std::int64_t>(next));
  }
  t.commit();
}

void Journal::mark_alive(UtcTime t) {
  impl_->mark_alive.exec(micros(t));
}

std::optional<UtcTime> Journal::last_alive() const {
  auto r = impl_->last_alive.query();
  if (!r.next()) return std::nullopt;
  return utc(r.optional_integer(0));
}

void Journal::record_action(UtcTime t, const std::string& who, const std::string& from,
                            const std::string& what) {
  impl_->record_action.exec(micros(t), who, from, what);
}

std::vector<ControlAction> Journal::actions(UtcTime from, UtcTime to) const {
  std::vector<ControlAction> out;
  auto r = impl_->actions.query(micros(from), micros(to));
  while (r.next()) {
    out.push_back({UtcTime(Micros(r.integer(0))), r.text(1), r.text(2), r.text(3)});
  }
  return out;
}

std::vector<JournalBroadcast> Journal::broadcasts(UtcTime from, UtcTime to) const {
  return impl_->read(impl_->in_window, micros(from), micros(to));
}

std::optional<JournalBroadcast> Journal::find(const BroadcastKey& key) const {
  auto found = impl_->read(impl_->by_key, key.programme, key.slot, micros(key.scheduled));
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<JournalBroadcast> Journal::unfinished() const {
  return impl_->read(impl_->playing);
}

}  // namespace loa
