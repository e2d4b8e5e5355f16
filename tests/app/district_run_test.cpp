// `loa run --district` as a process against a real Mosquitto (TLS, passwords, the district's
// ACL): the district publishes a campaign made with `loa sign` as the wire says (retained
// messages, clips in chunks); the station installs it, or refuses and journals what is wrong.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "loa/district_wire.hpp"
#include "loa/mqtt_link.hpp"
#include "loa/signing_key.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/loa_process.hpp"
#include "loa_test/mosquitto_broker.hpp"
#include "loa_test/temp_dir.hpp"
#include "loa_test/wait.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Each look runs `loa log` or `loa campaign list` as a process: not more often than this.
bool wait_until(auto ready, std::chrono::milliseconds timeout) {
  return test::wait_until(ready, timeout, std::chrono::milliseconds(50));
}

const std::string kStation = R"(station: {timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state/,
          district: lap-vo, trust: [district/lap-vo.pub]}
audio: {sample_rate: 48000, loudness: off, chime: none}
zones: [{id: ap-1, channel: 1}]
programmes:
  - {id: tin-xa, slots: [{at: "05:30", play: [tin.wav]}]}
)";

const std::string kCampaign = R"(programmes:
  - id: lua-dao
    title: "Cảnh giác lừa đảo qua mạng"
    zones: all
    slots: [{at: "06:00", days: [mon, wed, fri], play: [canh-bao.wav]}]
)";

std::string b64(const std::string& bytes) {
  return to_base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

class DistrictRun : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = test::MosquittoBroker::unavailable(); !why.empty()) GTEST_SKIP() << why;
    broker = std::make_unique<test::MosquittoBroker>(
        "lap-vo", std::vector<std::pair<std::string, std::string>>{{"xa-my-an", "pw-my-an"},
                                                                   {"district-lap-vo", "pw-d"}});
    broker->start();
    test::write_tone(dir / "clips/tin.wav", 1.0);
    test::write_tone(dir / "district/canh-bao.wav", 4.0);  // several chunks
    dir.write("district/programme.yaml", kCampaign);
    dir.write("station.yaml", kStation);
    const auto creds = dir.write(
        "district.yaml", "user: xa-my-an\npassword: pw-my-an\nca: " + broker->ca().string() + "\n");
    ::chmod(creds.c_str(), 0600);
    ASSERT_EQ(run("key new lap-vo --dir district").exit, 0);

    MqttOptions d;
    d.endpoint = parse_mqtt_url(broker->url());
    d.client_id = d.user = "district-lap-vo";
    d.password = "pw-d";
    d.ca = broker->ca();
    d.subscriptions = {"loa/lap-vo/stations/+/health"};
    d.on_acknowledged = [this](int) {
      const std::lock_guard lock(mutex);
      ++acknowledged;
    };
    d.on_message = [this](const MqttMessage& m) {
      const std::lock_guard lock(mutex);
      health.push_back(m.payload);
    };
    district = std::make_unique<MqttLink>(d);
    district->start();
    ASSERT_TRUE(wait_until([&] { return district->connected(); }, 10s));
  }

  test::CliResult run(const std::string& args) { return test::run_cli(LOA_BINARY, args, dir); }

  std::unique_ptr<test::LoaProcess> start_station() {
    return std::make_unique<test::LoaProcess>(
        LOA_BINARY, dir,
        std::vector<std::string>{"run", "--config", (dir / "station.yaml").string(), "--output",
                                 "null", "--listen", "off", "--district", broker->url(),
                                 "--district-credentials", (dir / "district.yaml").string()});
  }

  fs::path sign(int version, const std::string& out) {
    const auto r =
        run("sign --key district/lap-vo.key --district lap-vo --campaign lua-dao "
            "--version " +
            std::to_string(version) + " --valid-from 2026-01-01 --valid-until 2099-12-31 --out " +
            out + " district/programme.yaml canh-bao.wav");
    EXPECT_EQ(r.exit, 0) << r.err;
    return dir / out;
  }

  // Publishes the bundle as the wire says: the campaign message and each clip's chunks, retained.
  // `damage` changes one byte of each clip on the way. The chunks go first (as a district should
  // send them), and it returns once the broker has them all.
  void publish(const fs::path& bundle, bool damage = false) {
    const nlohmann::json m{
        {"schema", 1},
        {"campaign", "lua-dao"},
        {"version", nlohmann::json::parse(test::slurp(bundle / "manifest.json"))["version"]},
        {"manifest", b64(test::slurp(bundle / "manifest.json"))},
        {"signature", b64(test::slurp(bundle / "manifest.sig"))},
        {"programme", b64(test::slurp(bundle / "programme.yaml"))}};
    for (const auto& e : fs::directory_iterator(bundle / "clips")) {
      std::string bytes = test::slurp(e.path());
      if (damage) bytes[bytes.size() / 2] ^= 0x55;
      const std::string sha = e.path().filename().string();
      for (std::size_t at = 0, n = 0; at < bytes.size(); at += kClipChunkBytes, ++n) {
        send({"loa/lap-vo/clips/" + sha + "/" + std::to_string(n),
              bytes.substr(at, kClipChunkBytes), true, 1});
      }
    }
    send({"loa/lap-vo/campaigns/lua-dao", m.dump(), true, 1});
    ASSERT_TRUE(wait_until(
        [&] {
          const std::lock_guard lock(mutex);
          return acknowledged == published;
        },
        10s));
  }

  void send(const MqttMessage& m) {
    ASSERT_TRUE(district->publish(m));
    const std::lock_guard lock(mutex);
    ++published;
  }

  std::string actions() { return run("log --config station.yaml --actions").out; }
  std::vector<std::string> heard() {
    const std::lock_guard lock(mutex);
    return health;
  }

  test::TempDir dir;
  std::unique_ptr<test::MosquittoBroker> broker;
  std::mutex mutex;
  std::vector<std::string> health;
  int acknowledged = 0;
  int published = 0;
  // Last, so that its thread stops before what its callbacks touch is destroyed.
  std::unique_ptr<MqttLink> district;
};

TEST_F(DistrictRun, APublishedCampaignIsInstalledAndTheStationSaysSoUntilItVanishes) {
  publish(sign(1, "v1"));
  auto station = start_station();
  ASSERT_TRUE(wait_until(
      [&] { return actions().find("campaign lua-dao version 1 installed") != std::string::npos; },
      30s))
      << station->err() << actions();
  EXPECT_NE(run("campaign list --config station.yaml").out.find("campaign/lua-dao  version 1"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "state/incoming/bundle-lua-dao"));
  // The engine picks it up by itself: the station's programme and the campaign's.
  EXPECT_TRUE(station->wait_for("reloaded the station: 2 programme(s)", 10s)) << station->err();

  // The heartbeat names what the station holds (the first one, at connect, may predate it).
  ASSERT_TRUE(wait_until([&] { return !heard().empty(); }, 10s));
  const auto first = nlohmann::json::parse(heard().front());
  EXPECT_EQ(first["station"], "xa-my-an");
  EXPECT_EQ(first["state"], "up");

  station->signal(SIGKILL);  // the station vanishes: the broker publishes its will
  station->wait(5s);
  ASSERT_TRUE(wait_until(
      [&] {
        const auto h = heard();
        return !h.empty() && nlohmann::json::parse(h.back())["state"] == "gone";
      },
      10s));
}

TEST_F(DistrictRun, ATamperedCampaignAndBadMessagesAreRefusedJournaledAndAirDoesNotStop) {
  publish(sign(1, "v1"), /*damage=*/true);
  send({"loa/lap-vo/campaigns/rac", "{not json", true, 1});
  send({"loa/lap-vo/campaigns/to-qua", std::string(kMaxCampaignMessage + 1, 'x'), true, 1});
  auto station = start_station();
  ASSERT_TRUE(wait_until(
      [&] { return actions().find("is not the file that was signed") != std::string::npos; }, 30s))
      << station->err() << actions();
  const std::string journal = actions();
  EXPECT_NE(journal.find("district (loa/lap-vo/campaigns/rac): district message refused: the "
                         "campaign message is not JSON"),
            std::string::npos)
      << journal;
  EXPECT_NE(journal.find("than the 4194304 this topic takes"), std::string::npos) << journal;
  EXPECT_NE(run("campaign list --config station.yaml").out.find("no campaigns held"),
            std::string::npos);
  EXPECT_TRUE(station->running()) << station->err();

  // Signed again and sent whole, it is taken.
  publish(sign(2, "v2"));
  EXPECT_TRUE(wait_until(
      [&] { return actions().find("campaign lua-dao version 2 installed") != std::string::npos; },
      40s))
      << station->err() << actions();
}

TEST_F(DistrictRun, ACampaignThatCannotAirHereIsRefusedOnceNotAtEveryConnection) {
  dir.write("district/programme.yaml",
            "programmes:\n  - {id: lua-dao, zones: [cho], slots: [{at: \"06:00\", play: "
            "[canh-bao.wav]}]}\n");
  publish(sign(1, "v1"));
  auto station = start_station();
  const std::string refused = "campaign bundle refused: its programme file has 1 error(s)";
  ASSERT_TRUE(wait_until([&] { return actions().find(refused) != std::string::npos; }, 30s))
      << station->err() << actions();
  broker->stop();  // the retained campaign comes again at the next connection
  broker->start();
  ASSERT_TRUE(wait_until(
      [&] { return station->err().find("connected to") != station->err().rfind("connected to"); },
      30s))
      << station->err();
  std::this_thread::sleep_for(2s);
  const std::string journal = actions();
  EXPECT_EQ(journal.find(refused), journal.rfind(refused)) << journal;
  EXPECT_NE(run("campaign list --config station.yaml").out.find("no campaigns held"),
            std::string::npos);
}

}  // namespace
}  // namespace loa
