// `loa check` and `loa plan` run as a process, on stations and clips the tests make themselves.
#include "loa_test/cli.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using test::json_lines;

test::CliResult run(const std::string& args, const test::TempDir& dir) {
  return test::run_cli(LOA_BINARY, args, dir);
}

const char* kStation = R"(station:
  name: Đài truyền thanh xã Thử Nghiệm
  timezone: Asia/Ho_Chi_Minh
  clips: clips/
  state: state/
zones:
  - {id: ap-1, name: Ấp 1, channel: 1}
  - {id: ap-2, name: Ấp 2, channel: 2}
programmes:
  - id: sang
    title: Chương trình buổi sáng
    slots:
      - {at: "06:00", play: [ten.wav, five.flac]}
  - id: lu
    priority: emergency
    zones: [ap-1]
    chime: none
    slots:
      - {at: "06:00:05", dates: [2026-12-02], play: [five.flac]}
)";

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir / "clips");
    test::write_tone(dir / "clips/ten.wav", 10.0, 44100, 2);
    test::write_tone(dir / "clips/five.flac", 5.0, 48000, 1, test::AudioFormat::flac);
  }
  void station(const std::string& text) { dir.write("station.yaml", text); }
  test::TempDir dir;
};

TEST_F(Cli, VersionAndUsage) {
  auto r = run("--version", dir);
  EXPECT_EQ(r.exit, 0);
  EXPECT_EQ(r.out, "loa 0.1.0\n");
  EXPECT_EQ(run("", dir).exit, 2);
  EXPECT_EQ(run("check", dir).exit, 2);
  EXPECT_EQ(run("frobnicate", dir).exit, 2);
  r = run("--help", dir);
  EXPECT_EQ(r.exit, 0);
  EXPECT_NE(r.out.find("plan"), std::string::npos);
}

TEST_F(Cli, CheckOfAGoodStationIsClean) {
  station(kStation);
  auto r = run("check --config station.yaml --today 2026-12-01", dir);
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("0 error(s)"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "state/clip-probes.tsv"));
}

TEST_F(Cli, BadClipsAreErrorsAtTheLineThatUsesThem) {
  dir.write("clips/empty.wav", "");
  dir.write("clips/text.mp3", "this is not audio at all, it is an operator's note\n");
  test::write_tone(dir / "clips/cut.wav", 10.0);
  test::truncate_file(dir / "clips/cut.wav", 20000);
  station(std::string(kStation) + R"(  - id: hong
    slots:
      - at: "07:00"
        play:
          - missing.mp3
          - empty.wav
          - text.mp3
          - cut.wav
)");
  auto r = run("check --config station.yaml --today 2026-12-01", dir);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.out.find("station.yaml:24:13: error: clip 'missing.mp3' cannot be played"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("station.yaml:25:13: error: clip 'empty.wav' cannot be played"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("station.yaml:26:13: error: clip 'text.mp3' cannot be played"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("station.yaml:27:13: error: clip 'cut.wav' cannot be played: truncated"),
            std::string::npos)
      << r.out;
}

TEST_F(Cli, BrokenYamlNamesFileLineAndColumn) {
  station("station: {name: x\nzones: [\n");
  auto r = run("check --config station.yaml", dir);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.out.find("station.yaml:"), std::string::npos);
  EXPECT_NE(r.out.find(": error: invalid YAML"), std::string::npos) << r.out;
}

TEST_F(Cli, MissingStationFile) {
  auto r = run("check --config nowhere.yaml", dir);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.out.find("nowhere.yaml: error: cannot open"), std::string::npos) << r.out;
}

TEST_F(Cli, PlanJsonPlacesEachItemAtItsTime) {
  station(kStation);
  auto r = run("plan --config station.yaml --from 2026-12-01 --to 2026-12-02 --json", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 1U) << r.out;
  const auto& b = lines[0];
  EXPECT_EQ(b["programme"], "sang");
  EXPECT_EQ(b["scheduled"], "2026-12-01T06:00:00.000+07:00");
  EXPECT_EQ(b.value("lunar", ""), "23/10");  // 1 December 2026 is the 23rd of the tenth lunar month
  EXPECT_EQ(b["start"], "2026-12-01T06:00:00.000+07:00");
  EXPECT_EQ(b["end"], "2026-12-01T06:00:17.500+07:00");  // chime 2.5 s + 10 s + 5 s
  EXPECT_EQ(b["status"], "planned");
  EXPECT_EQ(b["zones"], nlohmann::json({"ap-1", "ap-2"}));
  EXPECT_EQ(b["priority"], 50);
  ASSERT_EQ(b["items"].size(), 3U);
  EXPECT_EQ(b["items"][0]["kind"], "chime");
  EXPECT_EQ(b["items"][1]["path"], "ten.wav");
  EXPECT_EQ(b["items"][1]["start"], "2026-12-01T06:00:02.500+07:00");
  EXPECT_EQ(b["items"][2]["start"], "2026-12-01T06:00:12.500+07:00");
}

TEST_F(Cli, PlanShowsTheEmergencyCuttingIn) {
  station(kStation);
  auto r = run("plan --config station.yaml --from 2026-12-02 --to 2026-12-03 --json", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 2U) << r.out;
  EXPECT_EQ(lines[0]["programme"], "sang");
  EXPECT_EQ(lines[0]["status"], "interrupted");
  EXPECT_EQ(lines[0]["items"][1]["cut"], true);
  EXPECT_EQ(lines[0]["items"][1]["end"], "2026-12-02T06:00:05.000+07:00");
  EXPECT_EQ(lines[0]["end"],
            "2026-12-02T06:00:25.000+07:00");  // resumes at 06:00:10, replays ten.wav
  EXPECT_EQ(lines[1]["programme"], "lu");
  EXPECT_EQ(lines[1]["status"], "planned");
  EXPECT_EQ(lines[1]["class"], "emergency");
}

TEST_F(Cli, PlanTextIsATimeline) {
  station(kStation);
  auto r = run("plan --config station.yaml --from 2026-12-02 --to 2026-12-03 --items", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("Wednesday 2026-12-02  âm lịch 24/10 Bính Ngọ  (Asia/Ho_Chi_Minh)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("06:00:00  06:00:00-06:00:25  normal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(cut)"), std::string::npos) << r.out;
}

TEST_F(Cli, PlanDaysCountsWholeLocalDays) {
  station(kStation);
  auto r = run("plan --config station.yaml --from 2026-12-01 --days 2 --json", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(json_lines(r.out).size(), 3U);  // sang on the 1st and 2nd, lu on the 2nd
  EXPECT_EQ(run("plan --config station.yaml --days 2 --to 2026-12-09", dir).exit, 2);
  EXPECT_EQ(run("plan --config station.yaml --days 0", dir).exit, 2);
}

TEST_F(Cli, PlanRejectsBadTimesAndBrokenStations) {
  station(kStation);
  EXPECT_EQ(run("plan --config station.yaml --from 2026-13-01", dir).exit, 2);
  EXPECT_EQ(run("plan --config station.yaml --from 2026-12-02 --to 2026-12-01", dir).exit, 2);
  station("zones: []\n");
  auto r = run("plan --config station.yaml --from 2026-12-01", dir);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("loa check"), std::string::npos) << r.err;
}

TEST_F(Cli, DaylightSavingGapShiftsForward) {
  station(R"(station: {timezone: Europe/Berlin}
zones: [{id: z, channel: 1}]
programmes:
  - {id: nacht, chime: none, slots: [{at: "02:30", play: [five.flac]}]}
)");
  auto r = run("plan --config station.yaml --from 2026-03-28 --to 2026-03-31 --json", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 3U) << r.out;
  EXPECT_EQ(lines[0]["scheduled"], "2026-03-28T02:30:00.000+01:00");
  EXPECT_EQ(lines[1]["scheduled"], "2026-03-29T03:30:00.000+02:00");
  EXPECT_EQ(lines[2]["scheduled"], "2026-03-30T02:30:00.000+02:00");
}

// Issue 15: a slot with a mistake was dropped unread, so its clips were checked only on the next
// run, after that mistake was fixed. Every mistake is reported at once.
TEST_F(Cli, CheckReportsEveryMistakeAtOnce) {
  station(std::string(kStation) + R"(  - id: hong
    slots:
      - at: "25:00"
        play: [missing.wav]
      - at: "07:00"
        play: [playlist: nope, missing2.wav]
)");
  auto r = run("check --config station.yaml --today 2026-12-01", dir);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.out.find("station.yaml:22:13: error: at: '25:00' is not a time of day"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("station.yaml:23:16: error: clip 'missing.wav' cannot be played: file not "
                       "found (clips/missing.wav)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("station.yaml:25:26: error: unknown playlist 'nope'"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("station.yaml:25:32: error: clip 'missing2.wav' cannot be played: file not "
                       "found (clips/missing2.wav)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("4 error(s)"), std::string::npos) << r.out << r.err;
}

// The same mistakes with LANG=vi_VN.UTF-8: each at its place, said in Vietnamese; LANGUAGE, then
// LC_ALL, LC_MESSAGES and LANG choose, as gettext does.
TEST_F(Cli, CheckSpeaksVietnameseWhenTheLocaleAsks) {
  station(std::string(kStation) + R"(  - id: hong
    zones: [cho]
    slots:
      - at: "25:00"
        play: [missing.wav]
)");
  ::setenv("LANG", "vi_VN.UTF-8", 1);
  ::unsetenv("LANGUAGE");
  ::unsetenv("LC_ALL");
  ::unsetenv("LC_MESSAGES");
  auto vi = run("check --config station.yaml --today 2026-12-01", dir);
  ::setenv("LC_MESSAGES", "en_US.UTF-8", 1);
  auto en = run("check --config station.yaml --today 2026-12-01", dir);
  ::unsetenv("LC_MESSAGES");
  ::unsetenv("LANG");
  EXPECT_EQ(vi.exit, 1);
  EXPECT_NE(vi.out.find("station.yaml:21:13: lỗi: không có vùng 'cho'; các vùng được khai báo "
                        "trong zones:"),
            std::string::npos)
      << vi.out;
  EXPECT_NE(vi.out.find("station.yaml:23:13: lỗi: at: '25:00' không phải là giờ trong ngày: giờ "
                        "từ 00 đến 23, phút và giây từ 00 đến 59"),
            std::string::npos)
      << vi.out;
  EXPECT_NE(vi.out.find("lỗi: không phát được tệp âm thanh 'missing.wav': file not found "
                        "(clips/missing.wav)"),
            std::string::npos)
      << vi.out;
  EXPECT_NE(vi.err.find("3 lỗi, 0 cảnh báo"), std::string::npos) << vi.err;
  EXPECT_EQ(en.exit, 1);
  EXPECT_NE(en.out.find("station.yaml:23:13: error: at: '25:00' is not a time of day"),
            std::string::npos)
      << en.out;
  EXPECT_EQ(en.out.find("lỗi"), std::string::npos) << en.out;
}

TEST_F(Cli, AMissingClipSaysWhatIsThere) {
  test::write_tone(dir / "clips/tin/sáng.wav", 1.0);
  test::write_tone(dir / "clips/b\u00E1o b\u00E3o.wav", 1.0);
  station(std::string(kStation) + R"(  - id: hong
    slots:
      - at: "07:00"
        play:
          - ten.mp3
          - fve.flac
          - tin/sáng.mp3
          - bao bao.wav
          - bao-cao-tong-ket.wav
)");
  auto r = run("check --config station.yaml --today 2026-12-01", dir);
  EXPECT_EQ(r.exit, 1);
  const auto says = [&](const std::string& text) { return r.out.find(text) != std::string::npos; };
  // The same name with another extension first, else the closest name in that folder.
  EXPECT_TRUE(
      says("station.yaml:24:13: error: clip 'ten.mp3' cannot be played: file not found "
           "(clips/ten.mp3); did you mean 'ten.wav'?\n"))
      << r.out;
  EXPECT_TRUE(
      says("station.yaml:25:13: error: clip 'fve.flac' cannot be played: file not found "
           "(clips/fve.flac); did you mean 'five.flac'?\n"))
      << r.out;
  EXPECT_TRUE(
      says("station.yaml:26:13: error: clip 'tin/sáng.mp3' cannot be played: file not "
           "found (clips/tin/sáng.mp3); did you mean 'tin/sáng.wav'?\n"))
      << r.out;
  EXPECT_TRUE(
      says("station.yaml:27:13: error: clip 'bao bao.wav' cannot be played: file not found "
           "(clips/bao bao.wav); did you mean 'b\u00E1o b\u00E3o.wav'?\n"))
      << r.out;
  EXPECT_TRUE(
      says("station.yaml:28:13: error: clip 'bao-cao-tong-ket.wav' cannot be played: file "
           "not found (clips/bao-cao-tong-ket.wav)\n"))
      << r.out;
}

// macOS writes "báo bão.wav" decomposed ("ba\u0301o ba\u0303o.wav"); programmes are typed composed.
// (The station below spells its names with YAML's \u escapes, to show which form is which.)
TEST_F(Cli, ClipsNamedDecomposedOnDiskAreFound) {
  test::write_tone(dir / "clips/ba\u0301o ba\u0303o.wav", 3.0);
  test::write_tone(dir / "clips/Th\u00F4ng b\u00E1o.wav", 2.0);
  station(std::string(kStation) + R"(  - id: bao
    chime: none
    slots:
      - {at: "07:00", play: ["b\u00E1o b\u00E3o.wav", "Tho\u0302ng ba\u0301o.wav"]}
)");
  auto r = run("check --config station.yaml --today 2026-12-01", dir);
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  r = run("plan --config station.yaml --from 2026-12-01 --days 1 --json", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 2U) << r.out;
  EXPECT_EQ(lines[1]["end"], "2026-12-01T07:00:05.000+07:00");  // the real lengths, 3 s + 2 s
}

// An amplifier's programs are looked up as loa run will start them (without a shell, in PATH).
TEST_F(Cli, CheckFindsAmplifierCommandsThatCannotRun) {
  dir.write("bin/relay-on", "#!/bin/sh\nexit 0\n");
  std::filesystem::permissions(dir / "bin/relay-on", std::filesystem::perms::owner_all);
  dir.write("relay-off.sh", "#!/bin/sh\nexit 0\n");  // not executable
  const std::string path = (dir / "bin").string() + ":/usr/bin:/bin";
  std::string text = kStation;
  text.insert(text.find("programmes:"), R"(amplifiers:
  - {id: amp-1, zones: [ap-1], on: [relay-on, "1"], off: [./relay-off.sh]}
  - {id: amp-2, zones: [ap-2], on: [relay-0n, "2"], off: ["true"]}
)");
  station(text);
  // run_cli's shell inherits this process's PATH: give it one the test knows.
  const std::string saved = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  ::setenv("PATH", path.c_str(), 1);
  const auto r = run("check --config station.yaml --today 2026-12-01", dir);
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.out.find("station.yaml:10:59: error: amplifier 'amp-1': off command "
                       "'./relay-off.sh' is not an executable file; make it one (chmod +x "
                       "./relay-off.sh)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("station.yaml:11:37: error: amplifier 'amp-2': on command 'relay-0n' is not "
                       "found in PATH (" +
                       path + "); install it or give its full path\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("relay-on'"), std::string::npos) << r.out;  // found in PATH
  EXPECT_EQ(r.out.find("'true'"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("2 error(s)"), std::string::npos) << r.err;
}

// Issue 15: a campaign due at the bulletin's time, at the same priority, waited behind it every
// morning without a word from loa check.
TEST_F(Cli, ASameTimeSamePriorityClashIsWarnedNamingTheProgrammeInTheWay) {
  station(std::string(kStation) + R"(  - id: mxh
    valid: {from: 2027-01-01, until: 2027-01-31}
    zones: [ap-2]
    slots:
      - {at: "06:00", days: weekdays, play: [five.flac]}
)");
  auto r = run("check --config station.yaml --today 2026-12-01", dir);
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("station.yaml:24:9: warning: this slot is due at the same time as programme "
                       "'sang' (same priority, on ap-2) on 21 days from 2027-01-01 to 2027-01-29"),
            std::string::npos)
      << r.out;

  // A higher priority settles it: the campaign goes first, and nothing is warned.
  station(std::string(kStation) + R"(  - id: mxh
    priority: high
    valid: {from: 2027-01-01, until: 2027-01-31}
    zones: [ap-2]
    slots:
      - {at: "06:00", days: weekdays, play: [five.flac]}
)");
  r = run("check --config station.yaml --today 2026-12-01", dir);
  EXPECT_EQ(r.out.find("warning:"), std::string::npos) << r.out;
}

// A high-priority notice inserted softly into the morning session waits for the clip playing to
// end, every day: that is how soft starts are documented, not a slot that never gets its turn.
TEST_F(Cli, ASoftInsertionIsNotWarnedAsBlocked) {
  station(std::string(kStation) + R"(  - id: tiem-chung
    priority: high
    chime: none
    slots:
      - {at: "06:00:03", play: [five.flac]}
)");
  auto r = run("check --config station.yaml --today 2026-12-01", dir);
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out.find("warning:"), std::string::npos) << r.out;
  const auto plan = run("plan --config station.yaml --from 2026-12-03 --days 1", dir);
  EXPECT_NE(plan.out.find("delayed"), std::string::npos) << plan.out;  // it does wait
}

}  // namespace
}  // namespace loa
