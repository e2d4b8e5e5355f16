#pragma once
// The as-run outbox (issue 13): each state a journal broadcast went through, queued by the
// journal itself (SQLite triggers, in the same transaction as the change) until the district's
// broker has acknowledged it. Rows are read oldest first and marked sent only once acknowledged,
// so the district gets every row at least once, however long the station was offline.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "loa/journal.hpp"

namespace loa {

// One queued state. `broadcast` carries the broadcast's key, title, reference, zones and priority
// as journaled, and its start, end, status and reason as they were when this row was queued
// (broadcast.items stays empty).
struct AsRunRow {
  std::int64_t seq = 0;  // strictly increasing, never reused
  JournalBroadcast broadcast;
};

// Its own connection to the station's journal (one per thread, like Journal), opening or
// upgrading it as a writer would. Throws std::runtime_error naming the file on any SQLite failure.
class JournalOutbox {
 public:
  explicit JournalOutbox(const std::filesystem::path& journal_file);
  ~JournalOutbox();
  JournalOutbox(const JournalOutbox&) = delete;
  JournalOutbox& operator=(const JournalOutbox&) = delete;

  // The oldest rows not yet acknowledged, at most `limit`, in seq order, after `after` (to read
  // past rows already in flight).
  std::vector<AsRunRow> unsent(std::size_t limit, std::int64_t after = 0);
  // The broker acknowledged rows first..last (inclusive): they are not read again.
  void mark_sent(std::int64_t first, std::int64_t last, UtcTime at);
  // The broker acknowledged these rows (sent for the first time or again) at `at`.
  void mark_sent(const std::vector<std::int64_t>& seqs, UtcTime at);
  std::int64_t unsent_count();

  // The district's database has these rows (a receipt, as_run_receipt.hpp). The first receipt
  // ever also tells the outbox that this district sends them: from then on rows_to_resend() finds
  // the rows sent and never receipted.
  void mark_received(const std::vector<std::int64_t>& seqs, UtcTime at);
  // Rows the broker took before `sent_before` that the district has not receipted, oldest first,
  // at most `limit`; none until the first receipt (a district that sends none would otherwise get
  // every row again and again).
  std::vector<AsRunRow> rows_to_resend(UtcTime sent_before, std::size_t limit);

  // Deletes the rows acknowledged before `before` (the journal's broadcasts keep every state; the
  // outbox only carries them up), but not those a receipting district has not receipted. Returns
  // how many went. Their seq are never reused.
  std::int64_t forget_sent(UtcTime before);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loa
