// The journal as the engine, loa log and loa report use it: what survives a restart, what two
// processes see of each other, and what an operator is told about a wrong file.
#include "loa/journal.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "journal_schema.hpp"
#include "loa_test/temp_dir.hpp"
#include "sqlite_db.hpp"

namespace loa {
namespace {

using std::chrono::seconds;

// 2026-12-01 06:00 in Hanoi.
const UtcTime kSix = date::sys_days{date::year{2026} / 11 / 30} + std::chrono::hours(23);

JournalBroadcast morning(UtcTime scheduled = kSix) {
  JournalBroadcast b;
  b.key = {"sang", 0, scheduled};
  b.title = "Chương trình buổi sáng";
  b.reference = "Công văn 12/UBND";
  b.zones = {"ap-1", "ap-2"};
  b.priority = 50;
  return b;
}

JournalItem item(int index, std::string path, UtcTime start) {
  JournalItem i;
  i.index = index;
  i.kind = index == 0 ? "chime" : "clip";
  i.path = std::move(path);
  i.start = start;
  return i;
}

// Runs SQL on a file directly, as another program would.
void sql(const std::filesystem::path& file, const char* text) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, text, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

// The message of what `f` throws, or "" if it does not.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

class JournalTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  std::filesystem::path file = dir / "state/journal.db";
};

TEST(AirStatus, NamesRoundTrip) {
  for (auto s : {AirStatus::playing, AirStatus::aired, AirStatus::interrupted, AirStatus::failed,
                 AirStatus::missed, AirStatus::cut}) {
    EXPECT_EQ(parse_air_status(air_status_name(s)), s);
  }
  EXPECT_EQ(air_status_name(AirStatus::interrupted), "interrupted");
  EXPECT_EQ(parse_air_status("Aired"), std::nullopt);
}

TEST(JournalPath, IsInTheStateFolder) {
  StationSettings s;
  s.state = "/srv/loa/state";
  EXPECT_EQ(journal_path(s), std::filesystem::path("/srv/loa/state/journal.db"));
}

TEST_F(JournalTest, BroadcastWithItemsRoundTrips) {
  Journal j(file);  // creates the state folder too
  const auto id = j.begin_broadcast(morning(), kSix + seconds(1));
  const auto chime = j.begin_item(id, item(0, "builtin", kSix + seconds(1)));
  j.end_item(chime, kSix + seconds(3), AirStatus::aired);
  const auto news = j.begin_item(id, item(1, "tin-tức.wav", kSix + seconds(3)));
  j.end_item(news, kSix + seconds(9), AirStatus::cut, "emergency canh-bao-lu");
  j.end_broadcast(id, kSix + seconds(9), AirStatus::interrupted, "emergency canh-bao-lu");

  const auto got = j.find(morning().key);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->key, morning().key);
  EXPECT_EQ(got->title, "Chương trình buổi sáng");
  EXPECT_EQ(got->reference, "Công văn 12/UBND");
  EXPECT_EQ(got->zones, (std::vector<std::string>{"ap-1", "ap-2"}));
  EXPECT_EQ(got->start, kSix + seconds(1));
  EXPECT_EQ(got->end, kSix + seconds(9));
  EXPECT_EQ(got->status, AirStatus::interrupted);
  EXPECT_EQ(got->reason, "emergency canh-bao-lu");
  ASSERT_EQ(got->items.size(), 2U);
  EXPECT_EQ(got->items[0].kind, "chime");
  EXPECT_EQ(got->items[0].status, AirStatus::aired);
  EXPECT_EQ(got->items[1].index, 1);
  EXPECT_EQ(got->items[1].path, "tin-tức.wav");
  EXPECT_EQ(got->items[1].start, kSix + seconds(3));
  EXPECT_EQ(got->items[1].end, kSix + seconds(9));
  EXPECT_EQ(got->items[1].status, AirStatus::cut);
  EXPECT_EQ(got->items[1].reason, "emergency canh-bao-lu");
  EXPECT_FALSE(j.find({"sang", 1, kSix}));
}

TEST_F(JournalTest, MicrosecondsSurvive) {
  Journal j(file);
  const UtcTime odd = kSix + std::chrono::microseconds(1'234'567);
  j.begin_broadcast(morning(), odd);
  EXPECT_EQ(j.find(morning().key)->start, odd);
}

TEST_F(JournalTest, ResumeKeepsIdFirstStartAndItems) {
  Journal j(file);
  const auto id = j.begin_broadcast(morning(), kSix);
  j.begin_item(id, item(0, "builtin", kSix));
  j.end_broadcast(id, kSix + seconds(5), AirStatus::interrupted);

  EXPECT_EQ(j.begin_broadcast(morning(), kSix + seconds(60)), id);
  const auto got = j.find(morning().key);
  EXPECT_EQ(got->status, AirStatus::playing);
  EXPECT_EQ(got->start, kSix);
  EXPECT_EQ(got->end, std::nullopt);
  EXPECT_EQ(got->items.size(), 1U);
}

TEST_F(JournalTest, MissedIsRecordedOnceAndNeverOverAnAiredBroadcast) {
  Journal j(file);
  j.record_missed(morning(kSix + std::chrono::hours(1)), AirStatus::missed, "could not start");
  const auto missed = j.find(morning(kSix + std::chrono::hours(1)).key);
  ASSERT_TRUE(missed);
  EXPECT_EQ(missed->status, AirStatus::missed);
  EXPECT_EQ(missed->start, std::nullopt);
  EXPECT_EQ(missed->reason, "could not start");

  const auto id = j.begin_broadcast(morning(), kSix);
  j.end_broadcast(id, kSix + seconds(30), AirStatus::aired);
  j.record_missed(morning());
  EXPECT_EQ(j.find(morning().key)->status, AirStatus::aired);
  EXPECT_EQ(j.broadcasts(kSix, kSix + std::chrono::hours(2)).size(), 2U);
}

TEST_F(JournalTest, UnfinishedIsOnlyWhatIsStillPlaying) {
  Journal j(file);
  const auto done = j.begin_broadcast(morning(), kSix);
  j.end_broadcast(done, kSix + seconds(10), AirStatus::aired);
  j.record_missed(morning(kSix + seconds(100)));
  const auto cut = j.begin_broadcast(morning(kSix + seconds(200)), kSix + seconds(200));
  j.begin_item(cut, item(0, "builtin", kSix + seconds(200)));

  const auto open = j.unfinished();
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].id, cut);
  EXPECT_EQ(open[0].items.size(), 1U);
}

TEST_F(JournalTest, WindowIsHalfOpenAndInScheduledOrder) {
  Journal j(file);
  for (int m : {30, 0, 60, 10}) j.record_missed(morning(kSix + std::chrono::minutes(m)));
  const auto got = j.broadcasts(kSix, kSix + std::chrono::minutes(60));
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(got[0].key.scheduled, kSix);
  EXPECT_EQ(got[1].key.scheduled, kSix + std::chrono::minutes(10));
  EXPECT_EQ(got[2].key.scheduled, kSix + std::chrono::minutes(30));
}

TEST_F(JournalTest, RotationRoundTripsAndIsReplacedWhole) {
  Journal j(file);
  EXPECT_TRUE(j.rotation().empty());
  j.save_rotation({{"tin-tuc", 3}, {"nhac", 12}});
  EXPECT_EQ(j.rotation(), (RotationState{{"tin-tuc", 3}, {"nhac", 12}}));
  j.save_rotation({{"tin-tuc", 4}});
  EXPECT_EQ(j.rotation(), (RotationState{{"tin-tuc", 4}}));
}

TEST_F(JournalTest, LastAliveIsTheLatestMark) {
  Journal j(file);
  EXPECT_EQ(j.last_alive(), std::nullopt);
  j.mark_alive(kSix);
  j.mark_alive(kSix + seconds(10));
  EXPECT_EQ(j.last_alive(), kSix + seconds(10));
  j.record_action(kSix, "lan", "web 192.168.1.5", "stop");  // accepted; not read back yet
}

TEST_F(JournalTest, PowerCutLeavesTheBroadcastPlayingWithItsItemOpen) {
  std::int64_t id = 0;
  {
    Journal j(file);
    id = j.begin_broadcast(morning(), kSix);
    const auto chime = j.begin_item(id, item(0, "builtin", kSix));
    j.end_item(chime, kSix + seconds(2), AirStatus::aired);
    j.begin_item(id, item(1, "tin.wav", kSix + seconds(2)));
    j.save_rotation({{"tin-tuc", 1}});
    j.mark_alive(kSix + seconds(4));
  }  // the power goes: nothing more is written
  Journal j(file);
  const auto open = j.unfinished();
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].id, id);
  EXPECT_EQ(open[0].status, AirStatus::playing);
  ASSERT_EQ(open[0].items.size(), 2U);
  EXPECT_EQ(open[0].items[0].end, kSix + seconds(2));
  EXPECT_EQ(open[0].items[1].status, AirStatus::playing);
  EXPECT_EQ(open[0].items[1].end, std::nullopt);
  EXPECT_EQ(j.rotation(), (RotationState{{"tin-tuc", 1}}));
  EXPECT_EQ(j.last_alive(), kSix + seconds(4));
}

TEST_F(JournalTest, ReaderAndWriterSeeEachOthersCommittedRows) {
  Journal writer(file);
  Journal reader(file, true);
  EXPECT_TRUE(reader.broadcasts(kSix, kSix + std::chrono::hours(1)).empty());
  const auto id = writer.begin_broadcast(morning(), kSix);
  EXPECT_EQ(reader.unfinished().size(), 1U);
  writer.end_broadcast(id, kSix + seconds(10), AirStatus::aired);
  // No snapshot is kept between calls: the reader sees the end at once.
  EXPECT_TRUE(reader.unfinished().empty());
  EXPECT_EQ(reader.find(morning().key)->status, AirStatus::aired);

  Journal second_writer(file);
  second_writer.mark_alive(kSix + seconds(11));
  EXPECT_EQ(writer.last_alive(), kSix + seconds(11));
  EXPECT_THROW(reader.mark_alive(kSix), std::runtime_error);
}

TEST_F(JournalTest, ReadOnlyAfterTheWriterClosed) {
  { Journal(file).record_missed(morning()); }
  Journal reader(file, true);
  EXPECT_EQ(reader.broadcasts(kSix, kSix + seconds(1)).size(), 1U);
}

TEST_F(JournalTest, ReadOnlyOfAMissingFileSaysLoaRunHasNotRun) {
  const auto message = error_of([&] { Journal(file, true); });
  EXPECT_EQ(message, "no journal at " + file.string() + ": loa run has not run yet");
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(JournalTest, ATextFileIsNotAJournal) {
  const std::string text = "Nhật ký phát thanh tháng 12\nnot a database at all\n";
  dir.write("state/journal.db", text);
  for (bool read_only : {false, true}) {
    const auto message = error_of([&] { Journal(file, read_only); });
    EXPECT_EQ(message.rfind(file.string() + " is not a loa journal (", 0), 0U) << message;
  }
  EXPECT_EQ(std::filesystem::file_size(file), text.size());  // untouched
}

TEST_F(JournalTest, AnotherProgramsDatabaseIsNotAJournalAndIsLeftAlone) {
  std::filesystem::create_directories(file.parent_path());
  sql(file, "CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES('Ông Ba')");
  const auto message = error_of([&] { Journal j(file); });
  EXPECT_EQ(message,
            file.string() + " is not a loa journal (an SQLite database of another program)");
  EXPECT_FALSE(std::filesystem::exists(file.string() + "-wal"));  // not switched to WAL
}

TEST_F(JournalTest, ANewerJournalIsRefused) {
  { Journal j(file); }
  const std::string newer = std::to_string(kJournalSchemaVersion + 1);
  sql(file, ("PRAGMA user_version = " + newer).c_str());
  const auto message = error_of([&] { Journal(file, true); });
  EXPECT_NE(message.find("is not a loa journal (schema version " + newer), std::string::npos)
      << message;
  EXPECT_NE(message.find("newer loa"), std::string::npos) << message;
}

// A station upgraded to a newer loa keeps every row its journal holds, from every older version:
// the writer upgrades the file in place; a reader alone refuses it and says what to do.
TEST_F(JournalTest, AnOlderJournalIsUpgradedInPlaceAndKeepsItsRows) {
  for (std::int64_t version = 1; version <= kJournalSchemaVersion; ++version) {
    std::filesystem::remove(file);
    std::filesystem::create_directories(file.parent_path());
    {
      sqlite::Db db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      create_journal_for_test(db, version);
    }
    sql(file,
        "INSERT INTO broadcasts(programme, slot, scheduled_us, priority, status) "
        "VALUES('tin-sang', 0, 1000000, 1, 'aired')");
    if (version < kJournalSchemaVersion) {
      const auto message = error_of([&] { Journal(file, true); });
      EXPECT_NE(message.find("was written by an older loa"), std::string::npos) << message;
      EXPECT_NE(message.find("loa run"), std::string::npos) << message;
    }
    {
      Journal writer(file);
      writer.record_missed(morning());
    }
    Journal reader(file, true);
    const auto rows = reader.broadcasts(UtcTime{}, kSix + seconds(1));
    ASSERT_EQ(rows.size(), 2U) << "from version " << version;
    EXPECT_EQ(rows.front().key.programme, "tin-sang");
    sqlite::Db db(file, SQLITE_OPEN_READONLY);
    EXPECT_EQ(db.query_int("PRAGMA user_version"), kJournalSchemaVersion);
  }
}

// A relay's events are kept with its item (schema version 3), and a journal of version 1 upgraded
// in place takes them too.
TEST_F(JournalTest, ARelaysEventsAreKeptWithItsItemAfterAnUpgrade) {
  std::filesystem::create_directories(file.parent_path());
  {
    sqlite::Db db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    create_journal_for_test(db, 1);
  }
  {
    Journal j(file);
    const auto b = j.begin_broadcast(morning(), kSix);
    JournalItem relay = item(1, "https://example.invalid/vov1.m3u8", kSix);
    relay.kind = "relay";
    const auto id = j.begin_item(b, relay);
    j.add_item_event(id, {kSix - seconds(10), "connected", "", "mp3", 44100, 2, -1, ""});
    j.add_item_event(id, {kSix + seconds(60), "dead_air_started", "the stream stopped", "", 0, 0,
                          2'880'000, "playlist nhac-nen"});
    j.end_item(id, kSix + seconds(120), AirStatus::aired);
  }
  Journal reader(file, true);
  const auto rows = reader.broadcasts(kSix, kSix + seconds(1));
  ASSERT_EQ(rows.size(), 1U);
  ASSERT_EQ(rows[0].items.size(), 1U);
  const auto& events = rows[0].items[0].events;
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].kind, "connected");
  EXPECT_EQ(events[0].codec, "mp3");
  EXPECT_EQ(events[0].rate, 44100);
  EXPECT_EQ(events[0].channels, 2);
  EXPECT_EQ(events[1].kind, "dead_air_started");
  EXPECT_EQ(events[1].reason, "the stream stopped");
  EXPECT_EQ(events[1].frame, 2'880'000);
  EXPECT_EQ(events[1].fallback, "playlist nhac-nen");
  EXPECT_EQ(events[1].t, kSix + seconds(60));
}

TEST_F(JournalTest, EndingAnUnknownIdIsAnError) {
  Journal j(file);
  EXPECT_THROW(j.end_item(42, kSix, AirStatus::aired), std::runtime_error);
  EXPECT_THROW(j.end_broadcast(42, kSix, AirStatus::aired), std::runtime_error);
}

}  // namespace
}  // namespace loa
