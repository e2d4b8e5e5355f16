// Signed campaigns with the real binary: the district makes a key and signs a bundle, a station
// that trusts the key installs it and plans it as campaign/ID/...; anything else is refused,
// journaled, and the station keeps what it had.
#include <date/date.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/loa_process.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using test::json_lines;

const std::string kStation = R"(station: {timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state/,
          district: lap-vo, trust: [district/lap-vo.pub]}
audio: {sample_rate: 48000, loudness: off, chime: none}
zones: [{id: ap-1, channel: 1}, {id: ap-2, channel: 2}]
programmes:
  - {id: tin-xa, slots: [{at: "05:30", play: [tin.wav]}]}
)";

const std::string kCampaign = R"(programmes:
  - id: lua-dao
    title: "Cảnh giác lừa đảo qua mạng"
    zones: all
    slots: [{at: "06:00", days: [mon, wed, fri], play: [canh-bao.wav]}]
)";

class Campaign : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_tone(dir / "clips/tin.wav", 2.0);
    test::write_tone(dir / "district/canh-bao.wav", 3.0);
    dir.write("district/programme.yaml", kCampaign);
    dir.write("station.yaml", kStation);
    ASSERT_EQ(run("key new lap-vo --dir district").exit, 0);
  }

  test::CliResult run(const std::string& args) { return test::run_cli(LOA_BINARY, args, dir); }

  test::CliResult sign(int version, const std::string& out) {
    return run("sign --key district/lap-vo.key --district lap-vo --campaign lua-dao --version " +
               std::to_string(version) +
               " --valid-from 2026-12-01 --valid-until 2027-06-30 --out " + out +
               " district/programme.yaml canh-bao.wav");
  }

  // Programme ids planned on Wednesday 2026-12-02 (or `day`).
  std::vector<std::string> planned(const std::string& day = "2026-12-02") {
    auto r = run("plan --config station.yaml --from " + day + " --json");
    std::vector<std::string> ids;
    for (const auto& b : json_lines(r.out)) ids.push_back(b["programme"]);
    return ids;
  }

  std::string actions() { return run("log --config station.yaml --actions").out; }

  test::TempDir dir;
};

TEST_F(Campaign, ASignedCampaignIsInstalledPlannedWithinItsWindowAndJournaled) {
  ASSERT_EQ(sign(1, "bundle").exit, 0);
  auto r = run("campaign install --config station.yaml bundle");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("campaign lua-dao version 1 installed, signed by lap-vo"),
            std::string::npos);
  EXPECT_EQ(planned(), (std::vector<std::string>{"tin-xa", "campaign/lua-dao/lua-dao"}));
  EXPECT_EQ(planned("2027-07-01"), (std::vector<std::string>{"tin-xa"}));  // after valid_until
  EXPECT_EQ(run("check --config station.yaml").exit, 0);
  EXPECT_NE(run("campaign list --config station.yaml").out.find("campaign/lua-dao  version 1"),
            std::string::npos);
  EXPECT_NE(actions().find("campaign lua-dao version 1 installed"), std::string::npos);

  r = run("campaign install --config station.yaml bundle");  // delivered twice: at-least-once
  EXPECT_EQ(r.exit, 0);
  EXPECT_NE(r.out.find("already held"), std::string::npos);
}

TEST_F(Campaign, ATamperedOrReplayedBundleIsRefusedJournaledAndTheStationKeepsItsPlan) {
  ASSERT_EQ(sign(2, "v2").exit, 0);
  ASSERT_EQ(sign(1, "v1").exit, 0);
  ASSERT_EQ(run("campaign install --config station.yaml v2").exit, 0);

  auto r = run("campaign install --config station.yaml v1");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("replayed bundle is refused"), std::string::npos) << r.err;

  dir.write("district/programme.yaml", kCampaign);
  ASSERT_EQ(sign(3, "v3").exit, 0);
  for (const auto& e : std::filesystem::directory_iterator(dir / "v3/clips")) {
    std::ofstream(e.path(), std::ios::binary | std::ios::app) << "tampered";
  }
  r = run("campaign install --config station.yaml v3");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("clip \"canh-bao.wav\" is not the file that was signed"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the station keeps what it had"), std::string::npos);

  EXPECT_EQ(planned(), (std::vector<std::string>{"tin-xa", "campaign/lua-dao/lua-dao"}));
  EXPECT_NE(run("campaign list --config station.yaml").out.find("version 2"), std::string::npos);
  const std::string journal = actions();
  EXPECT_NE(journal.find("refused: version 1 is older than version 2"), std::string::npos)
      << journal;
  EXPECT_NE(journal.find("refused: clip \"canh-bao.wav\""), std::string::npos) << journal;
}

TEST_F(Campaign, ACampaignThatCannotAirOnThisStationIsRefusedAtItsLine) {
  dir.write("district/programme.yaml",
            "programmes:\n  - {id: lua-dao, zones: [cho], slots: [{at: \"06:00\", play: "
            "[canh-bao.wav]}]}\n");
  ASSERT_EQ(sign(1, "bundle").exit, 0);
  auto r = run("campaign install --config station.yaml bundle");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("programme.yaml:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown zone 'cho'"), std::string::npos) << r.err;
  EXPECT_EQ(planned(), (std::vector<std::string>{"tin-xa"}));
}

TEST_F(Campaign, ACampaignWhoseKeyIsNoLongerTrustedIsLeftOutWithAWarning) {
  ASSERT_EQ(sign(1, "bundle").exit, 0);
  ASSERT_EQ(run("campaign install --config station.yaml bundle").exit, 0);
  ASSERT_EQ(run("key new other --dir district").exit, 0);
  std::string station = kStation;
  station.replace(station.find("district/lap-vo.pub"), 19, "district/other.pub");
  dir.write("station.yaml", station);
  EXPECT_EQ(planned(), (std::vector<std::string>{"tin-xa"}));
  auto r = run("check --config station.yaml");
  EXPECT_EQ(r.exit, 0) << r.out;
  EXPECT_NE(r.out.find("campaign lua-dao (version 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("is left out: signed by 'lap-vo', a key this station does not trust"),
            std::string::npos)
      << r.out;
}

TEST_F(Campaign, ARunningStationAirsACampaignInstalledWhileItRuns) {
  using namespace std::chrono_literals;
  // Vietnam has no daylight-saving time: its local time is UTC+7 all year.
  const auto local = date::floor<std::chrono::seconds>(std::chrono::system_clock::now() + 7h + 10s);
  const auto day = date::floor<date::days>(local);
  const std::string at = date::format("%T", local - day);
  dir.write("district/programme.yaml", "programmes:\n  - {id: lua-dao, slots: [{at: \"" + at +
                                           "\", play: [canh-bao.wav]}]}\n");
  test::write_tone(dir / "district/canh-bao.wav", 1.0);
  const std::string today = date::format("%F", day);
  ASSERT_EQ(
      run("sign --key district/lap-vo.key --district lap-vo --campaign lua-dao --version 1 "
          "--valid-from " +
          today + " --valid-until " + today + " --out bundle district/programme.yaml canh-bao.wav")
          .exit,
      0);
  test::LoaProcess loa(LOA_BINARY, dir,
                       {"run", "--config", "station.yaml", "--output", "null", "--listen", "off"});
  ASSERT_TRUE(loa.wait_for("on air", 5s)) << loa.err();
  ASSERT_EQ(run("campaign install --config station.yaml bundle").exit, 0);
  ASSERT_TRUE(loa.wait_for("reloaded the station", 5s)) << loa.err();
  std::string status;
  for (int i = 0; i < 200 && status != "aired"; ++i) {
    std::this_thread::sleep_for(100ms);
    for (const auto& b : json_lines(run("log --config station.yaml --json").out)) {
      if (b["programme"] == "campaign/lua-dao/lua-dao") status = b["status"];
    }
  }
  EXPECT_EQ(status, "aired") << loa.err();
}

}  // namespace
}  // namespace loa
