// The station's side of the district link against a real Mosquitto: the journal's as-run reaches
// the district once per seq, whatever happens to the broker in between.
#include "loa/station_link.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "loa/district_daemon.hpp"
#include "loa/district_store.hpp"
#include "loa/journal.hpp"
#include "loa/journal_outbox.hpp"
#include "loa_test/mosquitto_broker.hpp"
#include "loa_test/temp_dir.hpp"
#include "loa_test/wait.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using test::wait_until;

const UtcTime kSix = date::sys_days{date::year{2026} / 11 / 30} + std::chrono::hours(23);

// The district's end, as the wire says it keeps as-run: by seq, each once.
struct AsRunInbox {
  std::mutex mutex;
  std::map<std::int64_t, nlohmann::json> rows;  // by seq
  std::size_t messages = 0;
  std::size_t largest = 0;  // rows in one message
  std::size_t duplicates = 0;
  std::vector<nlohmann::json> health;
  void take(const MqttMessage& m) {
    const std::lock_guard lock(mutex);
    const auto j = nlohmann::json::parse(m.payload);
    if (m.topic.ends_with("/health")) {
      health.push_back(j);
      return;
    }
    ++messages;
    largest = std::max(largest, j["rows"].size());
    for (const auto& r : j["rows"]) {
      if (!rows.emplace(r["seq"].get<std::int64_t>(), r).second) ++duplicates;
    }
  }
  std::size_t count() {
    const std::lock_guard lock(mutex);
    return rows.size();
  }
};

class StationLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = test::MosquittoBroker::unavailable(); !why.empty()) GTEST_SKIP() << why;
    broker = std::make_unique<test::MosquittoBroker>(
        "lap-vo", std::vector<std::pair<std::string, std::string>>{{"xa-my-an", "pw-my-an"},
                                                                   {"district-lap-vo", "pw-d"}});
    broker->start();
    MqttOptions d;
    d.endpoint = parse_mqtt_url(broker->url());
    d.client_id = d.user = "district-lap-vo";
    d.password = "pw-d";
    d.ca = broker->ca();
    d.max_backoff = 1s;
    d.subscriptions = {"loa/lap-vo/stations/#"};
    d.on_message = [this](const MqttMessage& m) { inbox.take(m); };
    district = std::make_unique<MqttLink>(d);
    district->start();
    ASSERT_TRUE(wait_until([&] { return district->connected(); }, 10s));
  }

  StationLinkOptions options() {
    StationLinkOptions o;
    o.config =
        dir.write("station.yaml", "station: {timezone: Asia/Ho_Chi_Minh, district: lap-vo}\n");
    o.state = dir / "state";
    o.district = "lap-vo";
    o.endpoint = parse_mqtt_url(broker->url());
    o.credentials = {"xa-my-an", "pw-my-an", broker->ca()};
    o.version = "0.1.0";
    o.max_backoff = 1s;
    o.outbox_poll = 100ms;
    return o;
  }

  JournalBroadcast broadcast(int n) {
    JournalBroadcast b;
    b.key = {"tin-" + std::to_string(n), 0, kSix + std::chrono::minutes(n)};
    b.title = "Tin số " + std::to_string(n);
    b.zones = {"ap-1"};
    return b;
  }

  test::TempDir dir;
  std::unique_ptr<test::MosquittoBroker> broker;
  AsRunInbox inbox;
  std::unique_ptr<MqttLink> district;
};

TEST_F(StationLinkTest, EveryAsRunRowArrivesOncePerSeqAcrossABrokerOutage) {
  Journal journal(dir / "state/journal.db");
  for (int n = 0; n < 450; ++n) journal.record_missed(broadcast(n));  // days offline
  StationLink link(options());
  link.start();
  ASSERT_TRUE(wait_until([&] { return inbox.count() == 450; }, 20s)) << inbox.count();
  EXPECT_LE(inbox.largest, kMaxAsRunRows);
  EXPECT_GE(inbox.messages, 3u);

  broker->stop(SIGKILL);  // the broker dies while broadcasts air
  for (int n = 450; n < 460; ++n) {
    const auto id = journal.begin_broadcast(broadcast(n), kSix + std::chrono::minutes(n));
    journal.end_broadcast(id, kSix + std::chrono::minutes(n) + 30s, AirStatus::aired);
  }
  std::this_thread::sleep_for(3s);
  broker->start();
  ASSERT_TRUE(wait_until([&] { return inbox.count() == 470; }, 30s)) << inbox.count();

  JournalOutbox outbox(dir / "state/journal.db");
  EXPECT_TRUE(wait_until([&] { return outbox.unsent_count() == 0; }, 10s));
  const std::lock_guard lock(inbox.mutex);
  std::int64_t expected = inbox.rows.begin()->first;
  for (const auto& [seq, row] : inbox.rows) EXPECT_EQ(seq, expected++);  // none lost
  const auto& last = inbox.rows.rbegin()->second;
  EXPECT_EQ(last["programme"], "tin-459");
  EXPECT_EQ(last["status"], "aired");
  EXPECT_EQ(last["title"], "Tin số 459");
  EXPECT_EQ(last["scheduled"], "2026-12-01T06:39:00.000Z");
  EXPECT_EQ(last["end"], "2026-12-01T06:39:30.000Z");
  EXPECT_EQ(last["zones"], nlohmann::json::array({"ap-1"}));
}

TEST_F(StationLinkTest, TheHeartbeatIsRetainedCompactAndSaysWhatIsOnAir) {
  auto o = options();
  o.health = [] {
    StationHealth h;
    h.on_air.push_back({"tin-sang", "Tin sáng", kSix});
    h.next = StationHealth::Next{"campaign/lua-dao/lua-dao", "Cảnh giác", kSix + 1h};
    return h;
  };
  StationLink link(o);
  link.start();
  ASSERT_TRUE(wait_until(
      [&] {
        const std::lock_guard l(inbox.mutex);
        return !inbox.health.empty();
      },
      10s));
  const std::lock_guard lock(inbox.mutex);
  const auto& h = inbox.health.front();
  EXPECT_EQ(h["station"], "xa-my-an");
  EXPECT_EQ(h["state"], "up");
  EXPECT_EQ(h["on_air"][0]["programme"], "tin-sang");
  EXPECT_EQ(h["on_air"][0]["since"], "2026-11-30T23:00:00.000Z");
  EXPECT_EQ(h["next"]["at"], "2026-12-01T00:00:00.000Z");
  EXPECT_GT(h["free_disk_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_TRUE(h["clock_offset_ms"].is_null());
}

// A broker that loses its saved state (a disk that failed, a crash between autosaves) loses the
// as-run it held for a district daemon that was away, after telling the station it had it. The
// district's receipts close that gap: the station sends again what the district never receipted.
TEST_F(StationLinkTest, RowsABrokerLostAreSentAgainUntilTheDistrictReceiptsThem) {
  const auto credentials =
      dir.write("district.credentials",
                "user: district-lap-vo\npassword: pw-d\nca: " + broker->ca().string() + "\n");
  ::chmod(credentials.c_str(), 0600);
  DistrictConfig config;
  config.id = "lap-vo";
  config.broker = broker->url();
  config.credentials = credentials;
  config.database = dir / "district/district.db";
  std::ostringstream daemon_log;
  std::atomic<bool> stop_daemon{false};
  const auto run_daemon = [&] {
    stop_daemon = false;
    return std::thread([&] { run_district_daemon(config, stop_daemon, daemon_log); });
  };
  const auto stored = [&]() -> std::int64_t {
    try {
      return DistrictStore(config.database, "lap-vo", DistrictStore::Access::read).as_run_rows();
    } catch (const std::runtime_error&) {
      return -1;  // the daemon has not made its database yet
    }
  };

  std::thread daemon = run_daemon();
  Journal journal(dir / "state/journal.db");
  for (int n = 0; n < 30; ++n) journal.record_missed(broadcast(n));
  StationLinkOptions o = options();
  o.resend_after = 2s;
  StationLink link(o);
  link.start();
  ASSERT_TRUE(wait_until([&] { return stored() == 30; }, 20s)) << daemon_log.str();
  ASSERT_TRUE(wait_until([&] { return link.counts().rows_receipted == 30; }, 10s))
      << "the district receipts what it stored";

  stop_daemon = true;  // the district's computer is off for a while
  daemon.join();
  JournalOutbox outbox(dir / "state/journal.db");
  for (int n = 30; n < 40; ++n) journal.record_missed(broadcast(n));
  ASSERT_TRUE(wait_until([&] { return outbox.unsent_count() == 0; }, 10s))
      << "the broker took them (for the district's session)";
  broker->stop(SIGKILL);
  std::filesystem::remove_all(broker->folder() / "data");  // and lost what it held
  std::filesystem::create_directories(broker->folder() / "data");
  broker->start();

  daemon = run_daemon();
  for (int n = 40; n < 45; ++n) journal.record_missed(broadcast(n));
  const bool all = wait_until([&] { return stored() == 45; }, 30s);
  const bool receipted = wait_until(
      [&] { return outbox.rows_to_resend(UtcTime(Micros(INT64_MAX)), 200).empty(); }, 10s);
  stop_daemon = true;
  daemon.join();
  EXPECT_TRUE(all) << "the district has " << stored() << " of 45 rows\n" << daemon_log.str();
  EXPECT_TRUE(receipted) << "every row is receipted";
  EXPECT_GE(link.counts().rows_receipted, 45u);
  EXPECT_GE(link.counts().rows_sent, 55u) << "the 10 rows the broker lost were sent again";
}

}  // namespace
}  // namespace loa
