#include "loa/journal_outbox.hpp"

#include <string>

#include "journal_columns.hpp"
#include "journal_schema.hpp"
#include "sqlite_db.hpp"

namespace loa {

using journal_columns::split_zones;
using journal_columns::utc;

struct JournalOutbox::Impl {
  explicit Impl(const std::filesystem::path& file)
      : db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE),
        ready((prepare_journal(db, false), true)) {}
  sqlite::Db db;
  bool ready;
  static constexpr const char* kRow =
      "SELECT o.seq, b.id, b.programme, b.slot, b.scheduled_us, b.title, b.reference, b.zones, "
      "b.priority, o.start_us, o.end_us, o.status, o.reason FROM outbox o "
      "JOIN broadcasts b ON b.id = o.broadcast_id ";
  sqlite::Statement unsent{
      db, (std::string(kRow) + "WHERE o.sent_us IS NULL AND o.seq > ?1 ORDER BY o.seq LIMIT ?2")
              .c_str()};
  sqlite::Statement resend{
      db, (std::string(kRow) +
           "WHERE o.received_us IS NULL AND o.sent_us IS NOT NULL AND o.sent_us < ?1 "
           "AND EXISTS(SELECT 1 FROM meta WHERE key = 'district_receipts') "
           "ORDER BY o.seq LIMIT ?2")
              .c_str()};
  sqlite::Statement mark{db,
                         "UPDATE outbox SET sent_us = ?1 WHERE seq >= ?2 AND seq <= ?3 "
                         "AND sent_us IS NULL"};
  sqlite::Statement mark_one{db, "UPDATE outbox SET sent_us = ?1 WHERE seq = ?2"};
  sqlite::Statement receive{
      db, "UPDATE outbox SET received_us = ?1 WHERE seq = ?2 AND received_us IS NULL"};
  sqlite::Statement receipts_seen{
      db, "INSERT OR IGNORE INTO meta(key, value) VALUES('district_receipts', ?1)"};
  sqlite::Statement count{db, "SELECT count(*) FROM outbox WHERE sent_us IS NULL"};
  sqlite::Statement forget{
      db,
      "DELETE FROM outbox WHERE sent_us IS NOT NULL AND sent_us < ?1 AND (received_us IS NOT NULL "
      "OR NOT EXISTS(SELECT 1 FROM meta WHERE key = 'district_receipts'))"};

  // Rows of an outbox query whose two parameters are `first` and `second`.
  std::vector<AsRunRow> rows(sqlite::Statement& s, std::int64_t first, std::int64_t second);
};

JournalOutbox::JournalOutbox(const std::filesystem::path& journal_file) {
  std::error_code ec;
  if (journal_file.has_parent_path())
    std::filesystem::create_directories(journal_file.parent_path(), ec);
  impl_ = std::make_unique<Impl>(journal_file);
}

JournalOutbox::~JournalOutbox() = default;

std::vector<AsRunRow> JournalOutbox::unsent(std::size_t limit, std::int64_t after) {
  return impl_->rows(impl_->unsent, after, static_cast<std::int64_t>(limit));
}

std::vector<AsRunRow> JournalOutbox::rows_to_resend(UtcTime sent_before, std::size_t limit) {
  return impl_->rows(impl_->resend, sent_before.time_since_epoch().count(),
                     static_cast<std::int64_t>(limit));
}

std::vector<AsRunRow> JournalOutbox::Impl::rows(sqlite::Statement& s, std::int64_t first,
                                                std::int64_t second) {
  std::vector<AsRunRow> out;
  auto r = s.query(first, second);
  while (r.next()) {
    AsRunRow row;
    row.seq = r.integer(0);
    auto& b = row.broadcast;
    b.id = r.integer(1);
    b.key = {r.text(2), static_cast<int>(r.integer(3)), UtcTime(Micros(r.integer(4)))};
    b.title = r.text(5);
    b.reference = r.text(6);
    b.zones = split_zones(r.text(7));
    b.priority = static_cast<int>(r.integer(8));
    b.start = utc(r.optional_integer(9));
    b.end = utc(r.optional_integer(10));
    b.status = parse_air_status(r.text(11)).value_or(AirStatus::failed);
    b.reason = r.text(12);
    out.push_back(std::move(row));
  }
  return out;
}

void JournalOutbox::mark_sent(std::int64_t first, std::int64_t last, UtcTime at) {
  impl_->mark.exec(at.time_since_epoch().count(), first, last);
}

void JournalOutbox::mark_sent(const std::vector<std::int64_t>& seqs, UtcTime at) {
  sqlite::Transaction t(impl_->db, sqlite::Transaction::Kind::write);
  for (const std::int64_t seq : seqs) impl_->mark_one.exec(at.time_since_epoch().count(), seq);
  t.commit();
}

void JournalOutbox::mark_received(const std::vector<std::int64_t>& seqs, UtcTime at) {
  sqlite::Transaction t(impl_->db, sqlite::Transaction::Kind::write);
  impl_->receipts_seen.exec(at.time_since_epoch().count());
  for (const std::int64_t seq : seqs) impl_->receive.exec(at.time_since_epoch().count(), seq);
  t.commit();
}

std::int64_t JournalOutbox::forget_sent(UtcTime before) {
  return impl_->forget.exec(before.time_since_epoch().count());
}

std::int64_t JournalOutbox::unsent_count() {
  auto r = impl_->count.query();
  return r.next() ? r.integer(0) : 0;
}

}  // namespace loa
