// The whole district over a real Mosquitto (TLS, passwords, the district's ACL), with the real
// binary everywhere: `loa district push` records a signed campaign, the district daemon
// (`loa district --config district.yaml`) publishes it, commune stations (`loa run --district`,
// null output) install it and air it at its time, their as-run comes back up, and the district's
// own status and report count every commune.
#include <date/date.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/loa_process.hpp"
#include "loa_test/mosquitto_broker.hpp"
#include "loa_test/temp_dir.hpp"
#include "loa_test/wait.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The issue asks for 50; under the sanitizers each station process costs several times more, so
// fewer there (the logic tested is the same).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kStations = 8;
#else
constexpr int kStations = 50;
#endif

std::string commune(int n) {
  return "xa-" + std::to_string(n);
}

class DistrictDaemon : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = test::MosquittoBroker::unavailable(); !why.empty()) GTEST_SKIP() << why;
    std::vector<std::pair<std::string, std::string>> accounts{{"district-lap-vo", "pw-d"}};
    for (int n = 0; n < kStations; ++n) accounts.emplace_back(commune(n), "pw-" + commune(n));
    broker = std::make_unique<test::MosquittoBroker>("lap-vo", accounts);
    broker->start();
    ASSERT_EQ(run("key new lap-vo --dir district").exit, 0);
    test::write_tone(dir / "clips/tin.wav", 1.0);
    test::write_tone(dir / "district/canh-bao.wav", 1.5);

    std::string communes;
    for (int n = 0; n < kStations; ++n) {
      communes += "  - {id: " + commune(n) + ", name: \"Xã " + std::to_string(n) + "\"}\n";
      dir.write(commune(n) + ".yaml",
                "station: {timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state-" + commune(n) +
                    "/, district: lap-vo, trust: [district/lap-vo.pub]}\n"
                    "audio: {sample_rate: 48000, loudness: off, chime: none}\n"
                    "zones: [{id: ap-1, channel: 1}]\n"
                    "programmes:\n  - {id: tin-xa, slots: [{at: \"05:30\", play: [tin.wav]}]}\n");
      credentials(commune(n) + "-account.yaml", commune(n), "pw-" + commune(n));
    }
    credentials("district-account.yaml", "district-lap-vo", "pw-d");
    dir.write("district.yaml",
              "district:\n  id: lap-vo\n  name: \"Huyện Lấp Vò\"\n  broker: " + broker->url() +
                  "\n  credentials: district-account.yaml\n  database: "
                  "office/district.db\n  key: district/lap-vo.key\ncommunes:\n" +
                  communes);
  }

  void credentials(const std::string& file, const std::string& user, const std::string& pw) {
    const auto f = dir.write(
        file, "user: " + user + "\npassword: " + pw + "\nca: " + broker->ca().string() + "\n");
    ::chmod(f.c_str(), 0600);
  }

  test::CliResult run(const std::string& args) { return test::run_cli(LOA_BINARY, args, dir); }

  test::TempDir dir;
  std::unique_ptr<test::MosquittoBroker> broker;
};

TEST_F(DistrictDaemon, APushedCampaignAirsOnEveryCommuneAndTheReportCountsEachOne) {
  // Due a little after every station has had time to start and receive it (Vietnam is UTC+7 all
  // year, no daylight-saving time).
  const auto lead = std::chrono::seconds(10 + kStations / 2);
  const auto local =
      date::floor<std::chrono::seconds>(std::chrono::system_clock::now() + 7h + lead);
  const auto day = date::floor<date::days>(local);
  const std::string today = date::format("%F", day);
  dir.write(
      "district/programme.yaml",
      "programmes:\n  - {id: lua-dao, title: \"Cảnh giác lừa đảo qua mạng\", slots: [{at: \"" +
          date::format("%T", local - day) + "\", play: [canh-bao.wav]}]}\n");
  ASSERT_EQ(
      run("sign --key district/lap-vo.key --district lap-vo --campaign lua-dao --version 1 "
          "--valid-from " +
          today + " --valid-until " + today + " --out bundle district/programme.yaml canh-bao.wav")
          .exit,
      0);
  const auto pushed = run("district push --config district.yaml bundle");
  ASSERT_EQ(pushed.exit, 0) << pushed.err;

  test::LoaProcess office(LOA_BINARY, dir, {"district", "--config", "district.yaml"}, "office");
  std::vector<std::unique_ptr<test::LoaProcess>> stations;
  for (int n = 0; n < kStations; ++n) {
    stations.push_back(std::make_unique<test::LoaProcess>(
        LOA_BINARY, dir,
        std::vector<std::string>{"run", "--config", commune(n) + ".yaml", "--output", "null",
                                 "--listen", "off", "--district", broker->url(),
                                 "--district-credentials", commune(n) + "-account.yaml"},
        commune(n)));
  }
  ASSERT_TRUE(office.wait_for("published loa/lap-vo/campaigns/lua-dao", 20s)) << office.err();

  // Every commune holds it before it is due, then airs it, and its as-run reaches the district.
  const auto aired_everywhere = [&] {
    const auto r = run("district report --config district.yaml --from " + today + " --format json");
    if (r.exit != 0) return false;
    int aired = 0;
    const json report = json::parse(r.out);  // held: a range-for would not keep it alive
    for (const auto& c : report.at("campaigns")) {
      if (c.at("campaign").get<std::string>() != "lua-dao") continue;
      for (const auto& s : c.at("communes")) aired += s.at("aired").get<int>();
    }
    return aired == kStations;
  };
  const bool all = test::wait_until(aired_everywhere, lead + 90s, 1s);
  const auto report =
      run("district report --config district.yaml --from " + today + " --format json").out;
  if (!all) {
    std::string journals;  // what each station journaled, to see where the rows stopped
    for (int n = 0; n < kStations; ++n) {
      journals += commune(n) + ":\n" + run("log --config " + commune(n) + ".yaml").out;
      std::system(("sqlite3 " + (dir / ("state-" + commune(n)) / "journal.db").string() +
                   " 'select * from outbox' >&2")
                      .c_str());
    }
    FAIL() << broker->log() << report << "\n"
           << office.err() << "\n"
           << stations[0]->err() << " exit " << stations[0]->wait(0ms).value_or(999) << journals;
  }

  const json status = json::parse(run("district status --config district.yaml --json").out);
  ASSERT_EQ(status.at("communes").size(), static_cast<std::size_t>(kStations));
  for (const auto& c : status.at("communes")) {
    EXPECT_EQ(c.at("state"), "up") << c.dump();
    EXPECT_EQ(c.at("campaigns").at(0).at("held_version"), 1) << c.dump();
  }
  for (auto& s : stations) EXPECT_TRUE(s->running()) << s->err();

  office.signal(SIGTERM);
  EXPECT_EQ(office.wait(5s), 0) << office.err();
  EXPECT_NE(office.err().find("stopped; stored"), std::string::npos) << office.err();
}

// How long the broker stays dead: the 2 minutes; less under the sanitizers, where every
// process is slower (LOA_BROKER_DOWN_SECONDS overrides both).
std::chrono::seconds broker_down() {
  if (const char* s = std::getenv("LOA_BROKER_DOWN_SECONDS"))
    return std::chrono::seconds(std::atoi(s));
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return std::chrono::seconds(30);
#else
  return std::chrono::seconds(120);
#endif
}

// The broker dies (SIGKILL: a power cut at the district office) while a campaign airs every 15 s
// on the communes, and comes back 2 minutes later. The stations air on from what they hold, keep
// their as-run in their journals' outboxes, and send it once the broker is back: the district
// counts every broadcast once, none lost, none twice.
TEST_F(DistrictDaemon, TheBrokerDeadForTwoMinutesLosesNoAsRunRowAndCountsNoneTwice) {
  constexpr int kCommunes = 4;
  const auto down = broker_down();
  const auto lead = 15s;  // to start, receive the campaign and settle before the broker dies
  const auto first =
      date::floor<std::chrono::seconds>(std::chrono::system_clock::now() + 7h + lead + 5s);
  const int broadcasts = static_cast<int>((down + 25s) / 15s) + 1;
  const auto day = date::floor<date::days>(first);
  std::string slots;
  for (int k = 0; k < broadcasts; ++k) {
    const auto at = first + std::chrono::seconds(15 * k) - day;
    slots += std::string(k == 0 ? "" : ", ") + "{at: \"" + date::format("%T", at) +
             "\", play: [canh-bao.wav]}";
  }
  dir.write(
      "district/programme.yaml",
      "programmes:\n  - {id: lua-dao, title: \"Cảnh giác lừa đảo\", slots: [" + slots + "]}\n");
  const std::string today = date::format("%F", day);
  const std::string tomorrow = date::format("%F", day + date::days{1});
  ASSERT_EQ(run("sign --key district/lap-vo.key --district lap-vo --campaign lua-dao --version 1 "
                "--valid-from " +
                today + " --valid-until " + tomorrow +
                " --out bundle district/programme.yaml canh-bao.wav")
                .exit,
            0);
  ASSERT_EQ(run("district push --config district.yaml bundle").exit, 0);

  test::LoaProcess office(LOA_BINARY, dir, {"district", "--config", "district.yaml"}, "office");
  std::vector<std::unique_ptr<test::LoaProcess>> stations;
  for (int n = 0; n < kCommunes; ++n) {
    stations.push_back(std::make_unique<test::LoaProcess>(
        LOA_BINARY, dir,
        std::vector<std::string>{"run", "--config", commune(n) + ".yaml", "--output", "null",
                                 "--listen", "off", "--district", broker->url(),
                                 "--district-credentials", commune(n) + "-account.yaml"},
        commune(n)));
  }
  const auto all_hold_it = [&] {
    const auto r = run("district status --config district.yaml --json");
    if (r.exit != 0) return false;
    int holding = 0;
    const json status = json::parse(r.out);
    for (const auto& c : status.at("communes")) {
      if (c.at("state") == "up" && !c.at("campaigns").empty() &&
          c.at("campaigns").at(0).at("held_version") == 1) {
        ++holding;
      }
    }
    return holding == kCommunes;
  };
  ASSERT_TRUE(test::wait_until(all_hold_it, lead)) << office.err() << stations[0]->err();

  broker->stop(SIGKILL);
  std::this_thread::sleep_for(down);
  broker->start();

  const auto tally = [&] {
    const auto r = run("district report --config district.yaml --from " + today + " --to " +
                       tomorrow + " --format json");
    std::map<std::string, json> communes;
    if (r.exit != 0) return communes;
    const json report = json::parse(r.out);
    for (const auto& c : report.at("campaigns")) {
      if (c.at("campaign") != "lua-dao") continue;
      for (const auto& s : c.at("communes")) communes[s.at("commune").get<std::string>()] = s;
    }
    return communes;
  };
  const auto all_counted = [&] {
    int aired = 0;
    for (const auto& [id, row] : tally()) aired += row.at("aired").get<int>();
    return aired >= kCommunes * broadcasts;
  };
  const bool counted = test::wait_until(all_counted, 20s + 15s * 2 + 60s, 1s);
  std::this_thread::sleep_for(2s);  // a row sent twice would arrive now
  const auto rows = tally();
  for (int n = 0; n < kCommunes; ++n) {
    ASSERT_TRUE(rows.contains(commune(n))) << commune(n) << office.err();
    const json& row = rows.at(commune(n));
    EXPECT_EQ(row.at("aired"), broadcasts) << commune(n) << ": " << row.dump();
    EXPECT_EQ(row.at("planned"), broadcasts) << commune(n) << ": " << row.dump();
    EXPECT_EQ(row.at("missed"), 0) << commune(n) << ": " << row.dump();
  }
  EXPECT_TRUE(counted) << office.err() << "\n" << stations[0]->err() << broker->log();
  for (auto& s : stations) EXPECT_TRUE(s->running()) << s->err();
  EXPECT_TRUE(office.running()) << office.err();
}

TEST_F(DistrictDaemon, SaysWhatIsWrongWithItsAccountAndStops) {
  dir.write("district-account.yaml", "user: district-lap-vo\npassword: pw-d\nca: missing.pem\n");
  ::chmod((dir / "district-account.yaml").c_str(), 0600);
  const auto r = run("district --config district.yaml");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("missing.pem"), std::string::npos) << r.err;
  EXPECT_EQ(run("district").exit, 2);
}

}  // namespace
}  // namespace loa
