// The as-run outbox: every state of every journal broadcast is queued with the change itself, in
// order, until it is marked sent; nothing is lost by reopening the journal.
#include "loa/journal_outbox.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "journal_schema.hpp"
#include "loa_test/temp_dir.hpp"
#include "sqlite_db.hpp"

namespace loa {
namespace {

using std::chrono::seconds;

const UtcTime kSix = date::sys_days{date::year{2026} / 11 / 30} + std::chrono::hours(23);

JournalBroadcast broadcast(const std::string& programme, UtcTime scheduled = kSix) {
  JournalBroadcast b;
  b.key = {programme, 0, scheduled};
  b.title = "Tin sáng";
  b.reference = "CV 12";
  b.zones = {"ap-1", "ap-2"};
  b.priority = 60;
  return b;
}

std::vector<std::string> states(const std::vector<AsRunRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    out.push_back(r.broadcast.key.programme + ":" +
                  std::string(air_status_name(r.broadcast.status)));
  }
  return out;
}

class Outbox : public ::testing::Test {
 protected:
  test::TempDir dir;
  std::filesystem::path file = dir / "state/journal.db";
};

TEST_F(Outbox, EveryStateOfEveryBroadcastIsQueuedInOrder) {
  Journal journal(file);
  JournalOutbox outbox(file);
  EXPECT_TRUE(outbox.unsent(200).empty());
  const auto id = journal.begin_broadcast(broadcast("sang"), kSix);
  JournalItem item;
  item.kind = "clip";
  item.path = "tin.wav";
  item.start = kSix;
  const auto item_id = journal.begin_item(id, item);
  journal.end_item(item_id, kSix + seconds(30), AirStatus::aired);  // items are not as-run rows
  journal.end_broadcast(id, kSix + seconds(31), AirStatus::aired);
  journal.record_missed(broadcast("chieu", kSix + std::chrono::hours(10)), AirStatus::missed,
                        "loa was not running");
  journal.record_missed(broadcast("chieu", kSix + std::chrono::hours(10)));  // already journaled

  const auto rows = outbox.unsent(200);
  EXPECT_EQ(states(rows), (std::vector<std::string>{"sang:playing", "sang:aired", "chieu:missed"}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_LT(rows[0].seq, rows[1].seq);
  EXPECT_LT(rows[1].seq, rows[2].seq);
  EXPECT_EQ(rows[0].broadcast.id, id);
  EXPECT_EQ(rows[0].broadcast.start, kSix);
  EXPECT_FALSE(rows[0].broadcast.end);  // as it was when queued, not as it is now
  EXPECT_EQ(rows[1].broadcast.end, kSix + seconds(31));
  EXPECT_EQ(rows[1].broadcast.title, "Tin sáng");
  EXPECT_EQ(rows[1].broadcast.zones, (std::vector<std::string>{"ap-1", "ap-2"}));
  EXPECT_EQ(rows[1].broadcast.priority, 60);
  EXPECT_EQ(rows[2].broadcast.reason, "loa was not running");
  EXPECT_FALSE(rows[2].broadcast.start);
}

TEST_F(Outbox, RowsMarkedSentAreNotReadAgainAndTheRestSurviveAReopen) {
  std::int64_t first = 0;
  {
    Journal journal(file);
    JournalOutbox outbox(file);
    for (int i = 0; i < 5; ++i) journal.record_missed(broadcast("p" + std::to_string(i)));
    auto rows = outbox.unsent(2);
    ASSERT_EQ(rows.size(), 2u);
    first = rows[0].seq;
    EXPECT_EQ(states(outbox.unsent(2, rows[1].seq)),
              (std::vector<std::string>{"p2:missed", "p3:missed"}));  // past those in flight
    outbox.mark_sent(rows[0].seq, rows[1].seq, kSix);
    EXPECT_EQ(outbox.unsent_count(), 3);
  }
  JournalOutbox reopened(file);
  const auto rows = reopened.unsent(200);
  EXPECT_EQ(states(rows), (std::vector<std::string>{"p2:missed", "p3:missed", "p4:missed"}));
  EXPECT_GT(rows[0].seq, first + 1);
  reopened.mark_sent(rows.front().seq, rows.back().seq, kSix);
  EXPECT_TRUE(reopened.unsent(200).empty());
  Journal journal(file);
  journal.record_missed(broadcast("p5"));
  const auto later = reopened.unsent(200);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_GT(later[0].seq, rows.back().seq);
}

// Rows the district has had for a while are forgotten, so a station's journal does not grow by the
// outbox for ever; rows not yet sent stay whatever their age, and no seq is used twice.
TEST_F(Outbox, RowsSentLongAgoAreForgottenAndUnsentOnesAreKept) {
  Journal journal(file);
  JournalOutbox outbox(file);
  for (int i = 0; i < 4; ++i) journal.record_missed(broadcast("p" + std::to_string(i)));
  const auto rows = outbox.unsent(200);
  ASSERT_EQ(rows.size(), 4u);
  outbox.mark_sent(rows[0].seq, rows[0].seq, kSix);
  outbox.mark_sent(rows[1].seq, rows[1].seq, kSix + std::chrono::hours(48));
  EXPECT_EQ(outbox.forget_sent(kSix + std::chrono::hours(24)), 1);
  EXPECT_EQ(outbox.forget_sent(kSix + std::chrono::hours(24)), 0);
  EXPECT_EQ(states(outbox.unsent(200)), (std::vector<std::string>{"p2:missed", "p3:missed"}));
  EXPECT_EQ(outbox.forget_sent(kSix + std::chrono::hours(72)), 1);
  EXPECT_EQ(outbox.unsent_count(), 2);
  outbox.mark_sent(rows[2].seq, rows[3].seq, kSix);
  EXPECT_EQ(outbox.forget_sent(kSix + std::chrono::hours(72)), 2);
  journal.record_missed(broadcast("p4"));
  const auto later = outbox.unsent(200);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_GT(later[0].seq, rows.back().seq);
  EXPECT_EQ(journal.broadcasts(kSix - std::chrono::hours(1), kSix + std::chrono::hours(1)).size(),
            5u);
}

// A district that sends receipts (as_run_receipt.hpp) gets again what the broker took and it
// never stored; a district that sends none is never sent anything twice.
TEST_F(Outbox, RowsNeverReceiptedAreSentAgainOnceTheDistrictSendsReceipts) {
  Journal journal(file);
  JournalOutbox outbox(file);
  for (int i = 0; i < 4; ++i) journal.record_missed(broadcast("p" + std::to_string(i)));
  const auto rows = outbox.unsent(200);
  ASSERT_EQ(rows.size(), 4u);
  outbox.mark_sent(rows[0].seq, rows[3].seq, kSix);
  const UtcTime later = kSix + std::chrono::minutes(11);
  EXPECT_TRUE(outbox.rows_to_resend(later, 200).empty()) << "no receipt yet: none is resent";
  EXPECT_EQ(outbox.forget_sent(later), 4) << "a district without receipts: sent is enough";

  for (int i = 4; i < 8; ++i) journal.record_missed(broadcast("p" + std::to_string(i)));
  const auto more = outbox.unsent(200);
  ASSERT_EQ(more.size(), 4u);
  outbox.mark_sent(more[0].seq, more[3].seq, kSix);
  outbox.mark_received({more[0].seq, more[2].seq}, kSix + std::chrono::seconds(1));
  EXPECT_TRUE(outbox.rows_to_resend(kSix, 200).empty()) << "not before they are due";
  EXPECT_EQ(states(outbox.rows_to_resend(later, 200)),
            (std::vector<std::string>{"p5:missed", "p7:missed"}));
  outbox.mark_sent(std::vector<std::int64_t>{more[1].seq, more[3].seq}, later);
  EXPECT_TRUE(outbox.rows_to_resend(later, 200).empty()) << "sent again: due again later";
  EXPECT_EQ(outbox.rows_to_resend(later + std::chrono::minutes(11), 200).size(), 2u);
  EXPECT_EQ(outbox.forget_sent(later + std::chrono::days(60)), 2)
      << "only the receipted rows are forgotten";
  outbox.mark_received({more[1].seq, more[3].seq}, later + std::chrono::seconds(1));
  EXPECT_TRUE(outbox.rows_to_resend(later + std::chrono::days(60), 200).empty());
  EXPECT_EQ(outbox.forget_sent(later + std::chrono::days(60)), 2);
}

// A station that kept a journal before the outbox existed sends its history when it joins.
TEST_F(Outbox, AnOlderJournalQueuesItsHistoryWhenUpgraded) {
  std::filesystem::create_directories(file.parent_path());
  {
    sqlite::Db db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    create_journal_for_test(db, 1);
    db.exec(
        "INSERT INTO broadcasts(programme, slot, scheduled_us, priority, start_us, end_us, status) "
        "VALUES('cu', 0, 1000000, 50, 1000000, 2000000, 'aired')");
  }
  JournalOutbox outbox(file);
  const auto rows = outbox.unsent(200);
  EXPECT_EQ(states(rows), (std::vector<std::string>{"cu:aired"}));
}

}  // namespace
}  // namespace loa
