// The district's database with a real SQLite file: what stations send up is stored once, whatever
// the order or how often it arrives, and anything malformed is refused with a reason.
#include "loa/district_store.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using nlohmann::json;

UtcTime at(const char* text) {
  return *parse_wire_time(text);
}

json row(std::int64_t seq, std::int64_t broadcast, const std::string& status,
         const std::string& programme = "campaign/lua-dao/lua-dao") {
  json r = {{"seq", seq},
            {"broadcast", broadcast},
            {"programme", programme},
            {"slot", 0},
            {"scheduled", "2027-01-04T23:00:00.000Z"},
            {"title", "Cảnh giác lừa đảo"},
            {"reference", ""},
            {"zones", {"ap-1"}},
            {"priority", 50},
            {"start", nullptr},
            {"end", nullptr},
            {"status", status},
            {"reason", ""}};
  if (status != "missed") r["start"] = "2027-01-04T23:00:00.000Z";
  if (status == "aired" || status == "interrupted") r["end"] = "2027-01-04T23:01:30.500Z";
  return r;
}

std::string as_run(const std::string& station, const std::vector<json>& rows) {
  return json{{"schema", 1}, {"station", station}, {"rows", rows}}.dump();
}

const std::string kTopic = "loa/lap-vo/stations/xa-my-an/as-run";
const UtcTime kNow = at("2027-01-05T00:00:00Z");

std::string refusal(DistrictStore& store, std::string_view topic, std::string_view payload) {
  try {
    store.ingest(topic, payload, kNow);
  } catch (const DistrictMessageRefused& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(DistrictStore, DuplicateAndReorderedRowsCountOnce) {
  test::TempDir dir;
  DistrictStore store(dir / "district.db", "lap-vo");
  // Broadcast 57: playing (seq 10), then aired (seq 11). The aired row arrives first, then again
  // with broadcast 58, then the playing row late: the aired row (highest seq) stays.
  store.ingest(kTopic, as_run("xa-my-an", {row(11, 57, "aired")}), kNow);
  store.ingest(kTopic, as_run("xa-my-an", {row(12, 58, "missed"), row(11, 57, "aired")}), kNow);
  store.ingest(kTopic, as_run("xa-my-an", {row(10, 57, "playing")}), kNow);
  EXPECT_EQ(store.as_run_rows(), 2);
  const auto rows = store.as_run("xa-my-an", at("2027-01-04T00:00:00Z"), kNow);
  ASSERT_EQ(rows.size(), 2u);
  const auto& aired = rows[0].broadcast == 57 ? rows[0] : rows[1];
  EXPECT_EQ(aired.status, "aired");
  EXPECT_EQ(aired.seq, 11);
  EXPECT_EQ(aired.campaign, "lua-dao");
  EXPECT_EQ(aired.title, "Cảnh giác lừa đảo");
  ASSERT_TRUE(aired.end);
  EXPECT_EQ(*aired.end - *aired.start, Micros{90'500'000});

  const auto counts = store.campaign_counts(at("2027-01-04T00:00:00Z"), kNow);
  ASSERT_EQ(counts.size(), 2u);
  for (const auto& c : counts) {
    EXPECT_EQ(c.broadcasts, 1) << c.status;
    EXPECT_EQ(c.campaign, "lua-dao");
  }
}

TEST(DistrictStore, ReopenedFileKeepsRowsAndRefusesOtherDatabases) {
  test::TempDir dir;
  {
    DistrictStore store(dir / "district.db");
    store.ingest(kTopic, as_run("xa-my-an", {row(1, 1, "aired")}), kNow);
  }
  DistrictStore again(dir / "district.db");
  EXPECT_EQ(again.as_run_rows(), 1);
  dir.write("other.db", "this is not a database at all, just text that is long enough to be seen");
  try {
    DistrictStore wrong(dir / "other.db");
    FAIL() << "opened a text file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is not a loa district database"), std::string::npos)
        << e.what();
  }
}

// The district page reads through a read-only connection: it sees what the daemon stored, and
// cannot change it or make a database where there is none.
TEST(DistrictStore, AReadOnlyConnectionReadsAndWritesNothing) {
  test::TempDir dir;
  DistrictStore daemon(dir / "district.db", "lap-vo");
  daemon.ingest(kTopic, as_run("xa-my-an", {row(1, 1, "aired")}), kNow);
  DistrictStore page(dir / "district.db", "lap-vo", DistrictStore::Access::read);
  EXPECT_EQ(page.as_run_rows(), 1);
  EXPECT_THROW(page.ingest(kTopic, as_run("xa-my-an", {row(2, 2, "aired")}), kNow),
               std::runtime_error);
  EXPECT_THROW(page.mark_pushed(1), std::runtime_error);
  EXPECT_EQ(daemon.as_run_rows(), 1);
  daemon.ingest(kTopic, as_run("xa-my-an", {row(3, 3, "aired")}), kNow);
  EXPECT_EQ(page.as_run_rows(), 2) << "it sees what the daemon stores after it opened";

  EXPECT_THROW(DistrictStore(dir / "none.db", "lap-vo", DistrictStore::Access::read),
               std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir / "none.db"));
  dir.write("empty.db", "");
  try {
    DistrictStore empty(dir / "empty.db", "lap-vo", DistrictStore::Access::read);
    FAIL() << "read an empty file as a district database";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no district daemon made it yet"), std::string::npos)
        << e.what();
  }
}

TEST(DistrictStore, RefusesWithReasons) {
  test::TempDir dir;
  DistrictStore store(dir / "district.db", "lap-vo");
  const auto has = [](const std::string& what, const std::string& part) {
    return what.find(part) != std::string::npos;
  };
  EXPECT_PRED2(has, refusal(store, kTopic, as_run("xa-binh-thanh", {row(1, 1, "aired")})),
               "payload says station 'xa-binh-thanh' but the topic is station 'xa-my-an'");
  EXPECT_PRED2(has, refusal(store, kTopic, "{\"schema\":1,\"station\":"), "not valid JSON");
  EXPECT_PRED2(has, refusal(store, kTopic, "\xff\xfe"), "not valid JSON");
  EXPECT_PRED2(has, refusal(store, kTopic, R"({"schema":2,"station":"xa-my-an","rows":[]})"),
               "unknown schema 2");
  EXPECT_PRED2(has, refusal(store, "loa/lap-vo/stations/Xa My An/as-run", "{}"),
               "station name in the topic is not");
  EXPECT_PRED2(has, refusal(store, "loa/cao-lanh/stations/xa-my-an/as-run", "{}"),
               "district 'cao-lanh', not this district");
  EXPECT_PRED2(has, refusal(store, "loa/lap-vo/stations/xa-my-an/secrets", "{}"),
               "unknown message kind");
  EXPECT_PRED2(has, refusal(store, "loa/lap-vo/campaigns/lua-dao", "{}"), "is not loa/DISTRICT");
  EXPECT_PRED2(has, refusal(store, kTopic, std::string(2 << 20, ' ')), "over the");
  json bad_status = row(1, 1, "aired");
  bad_status["status"] = "exploded";
  json bad_campaign = row(2, 2, "aired", "campaign/Lừa Đảo/x");
  json no_seq = row(3, 3, "aired");
  no_seq.erase("seq");
  json bad_time = row(4, 4, "aired");
  bad_time["scheduled"] = "yesterday";
  EXPECT_PRED2(
      has,
      refusal(store, kTopic,
              as_run("xa-my-an", {bad_status, row(5, 5, "aired"), bad_campaign, no_seq, bad_time})),
      "4 of 5 rows refused (the others are stored); the first, row 0: 'status'");
  EXPECT_EQ(store.as_run_rows(), 1);  // row 5, the only good one
  std::vector<json> many(201, row(6, 6, "aired"));
  EXPECT_PRED2(has, refusal(store, kTopic, as_run("xa-my-an", many)), "more than 200 rows");
  EXPECT_EQ(store.as_run_rows(), 1);
}

TEST(DistrictStore, HealthAndLastWill) {
  test::TempDir dir;
  DistrictStore store(dir / "district.db", "lap-vo");
  const std::string topic = "loa/lap-vo/stations/xa-my-an/health";
  const std::string up = json{{"schema", 1},
                              {"station", "xa-my-an"},
                              {"state", "up"},
                              {"time", "2027-01-05T00:00:00.000Z"},
                              {"version", "0.1.0"},
                              {"on_air", json::array()},
                              {"next", nullptr},
                              {"last_error", ""},
                              {"free_disk_bytes", 123},
                              {"clock_offset_ms", 12},
                              {"campaigns", {{{"campaign", "lua-dao"}, {"version", 3}}}}}
                             .dump();
  store.ingest(topic, up, kNow);
  // The broker hands the retained heartbeat back later: the station was not heard from again.
  store.ingest(topic, up, kNow + std::chrono::minutes(10));
  auto h = store.health();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].state, "up");
  EXPECT_EQ(h[0].received, kNow);
  store.ingest(topic, R"({"schema":1,"station":"xa-my-an","state":"gone"})",
               kNow + std::chrono::minutes(11));
  h = store.health();
  EXPECT_EQ(h[0].state, "gone");
  EXPECT_EQ(h[0].received, kNow + std::chrono::minutes(11));
  ASSERT_TRUE(h[0].last_up);
  EXPECT_EQ(*h[0].last_up, kNow);
  EXPECT_NE(refusal(store, topic, R"({"schema":1,"station":"xa-my-an","state":"dancing"})")
                .find("'state' is neither up nor gone"),
            std::string::npos);
}

TEST(DistrictStore, PendingPushesUntilMarked) {
  test::TempDir dir;
  DistrictStore store(dir / "district.db", "lap-vo");
  PushedCampaign c{"lua-dao", 1, "2027-01-01", "2027-06-30", kNow, "lap-vo", {}};
  const std::string binary("\0\x01\xff chunk", 9);
  EXPECT_EQ(store.record_push(c, "{manifest}",
                              {{0, "loa/lap-vo/campaigns/lua-dao", "{}", true},
                               {0, "loa/lap-vo/clips/abc/0", binary, true}}),
            2u);
  auto pending = store.pending_pushes();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[1].payload, binary);
  EXPECT_TRUE(pending[1].retained);
  store.mark_pushed(pending[0].id);
  pending = store.pending_pushes();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].topic, "loa/lap-vo/clips/abc/0");
  // The same version with other contents would be refused by every station.
  EXPECT_THROW(store.record_push(c, "{other manifest}", {}), std::runtime_error);
}

TEST(WireTime, ReadsAndWritesRfc3339) {
  EXPECT_EQ(format_wire_time(at("2027-01-04T23:00:00.123Z")), "2027-01-04T23:00:00.123Z");
  EXPECT_EQ(at("2027-01-05T06:00:00+07:00"), at("2027-01-04T23:00:00Z"));
  EXPECT_FALSE(parse_wire_time("2027-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_wire_time("2027-01-04 23:00:00Z"));
  EXPECT_FALSE(parse_wire_time("2027-01-04T23:00:00"));
}

}  // namespace
}  // namespace loa
