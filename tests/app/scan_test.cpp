// `loa scan` run as a process, on stations and clips the tests make themselves.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

namespace fs = std::filesystem;
using test::json_lines;
using test::slurp;

test::CliResult run(const std::string& args, const test::TempDir& dir) {
  return test::run_cli(LOA_BINARY, args, dir);
}

// R128 of a 1 kHz sine at amplitude A in one channel: 20 log10(A) - 3.01 LUFS.
double sine_lufs(double amplitude) {
  return 20 * std::log10(amplitude) - 3.0103;
}

const char* kStation = R"(station:
  name: Đài truyền thanh xã Thử Nghiệm
  timezone: Asia/Ho_Chi_Minh
  clips: clips/
  state: state/
audio:
  loudness: -16
zones:
  - {id: ap-1, name: Ấp 1, channel: 1}
programmes:
  - id: sang
    title: Chương trình buổi sáng
    chime: none
    slots:
      - {at: "06:00", play: [loud.wav, quiet.flac, peaky.wav]}
)";

class Scan : public ::testing::Test {
 protected:
  void SetUp() override {
    // 1 kHz at amplitude 0.25 (-15.05 LUFS), stereo 44.1 kHz, 10 s.
    test::write_tone(dir / "clips/loud.wav", 10.0, 44100, 2);
    // At amplitude 0.1: -23.01 LUFS, 5 s.
    test::write_tone(dir / "clips/quiet.flac", 5.0, 48000, 1, test::AudioFormat::flac, 1000.0, 0.1);
    // Quiet, with one click at -6 dBFS: raising it 27 dB would clip the click.
    auto peaky = test::sine_samples(48000 * 4, 48000, 1000.0, 0.01);
    peaky[50000] = 0.5f;
    test::write_wav(dir / "clips/peaky.wav", peaky, 48000);
  }
  void station(const std::string& text) { dir.write("station.yaml", text); }
  test::TempDir dir;
};

TEST_F(Scan, JsonGivesEachClipsLoudnessAndGain) {
  station(kStation);
  const auto r = run("scan --config station.yaml --json", dir);
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 3U) << r.out;

  EXPECT_EQ(lines[0]["path"], "clips/loud.wav");
  EXPECT_NEAR(lines[0]["length_s"].get<double>(), 10.0, 1e-9);
  EXPECT_NEAR(lines[0]["lufs"].get<double>(), sine_lufs(0.25), 0.1);
  EXPECT_NEAR(lines[0]["peak_dbfs"].get<double>(), 20 * std::log10(0.25), 0.02);
  EXPECT_NEAR(lines[0]["gain_db"].get<double>(), -16 - sine_lufs(0.25), 0.1);
  EXPECT_EQ(lines[0]["peak_limited"], false);

  EXPECT_EQ(lines[1]["path"], "clips/quiet.flac");
  EXPECT_NEAR(lines[1]["length_s"].get<double>(), 5.0, 1e-9);
  EXPECT_NEAR(lines[1]["lufs"].get<double>(), -23.01, 0.1);
  EXPECT_NEAR(lines[1]["gain_db"].get<double>(), 7.0, 0.1);

  EXPECT_EQ(lines[2]["path"], "clips/peaky.wav");
  EXPECT_NEAR(lines[2]["peak_dbfs"].get<double>(), -6.02, 0.02);
  EXPECT_NEAR(lines[2]["gain_db"].get<double>(), 5.02, 0.02);  // -1 dBFS - (-6.02 dBFS)
  EXPECT_EQ(lines[2]["peak_limited"], true);
}

TEST_F(Scan, TextHasOneLinePerClipAndSaysWhenThePeakLimits) {
  station(kStation);
  const auto r = run("scan --config station.yaml", dir);
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  std::istringstream in(r.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3U) << r.out;
  // PATH  LENGTH  LUFS  PEAK  GAIN, the path padded so the columns line up.
  std::istringstream words(lines[0]);
  std::string path, length, lufs_unit, peak_unit, gain_unit, rest;
  double lufs = 0, peak = 0, gain = 0;
  words >> path >> length >> lufs >> lufs_unit >> peak >> peak_unit >> gain >> gain_unit;
  EXPECT_EQ(path, "clips/loud.wav");
  EXPECT_EQ(length, "0:10.0");
  EXPECT_NEAR(lufs, sine_lufs(0.25), 0.11);
  EXPECT_EQ(lufs_unit, "LUFS");
  EXPECT_NEAR(peak, -12.0, 0.05);
  EXPECT_EQ(peak_unit, "dBTP");
  EXPECT_NEAR(gain, -16 - sine_lufs(0.25), 0.11);
  EXPECT_EQ(gain_unit, "dB");
  EXPECT_FALSE(words >> rest) << "nothing after the gain: " << lines[0];
  EXPECT_EQ(lines[1].find("clips/quiet.flac"), 0U);
  EXPECT_EQ(lines[1].find("LUFS"), lines[0].find("LUFS")) << "columns line up";
  EXPECT_NE(lines[1].find("+7.0 dB"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("peak-limited: gain capped at +5.0 dB so peaks stay under -1 dBFS"),
            std::string::npos)
      << lines[2];
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no progress bar when stderr is a file";
}

TEST_F(Scan, KeepsItsCacheInTheStateFolder) {
  station(kStation);
  const auto first = run("scan --config station.yaml --json", dir);
  EXPECT_EQ(first.exit, 0) << first.err;
  ASSERT_TRUE(fs::exists(dir / "state/loudness.tsv"));
  EXPECT_NE(first.err.find("(0 from the cache)"), std::string::npos) << first.err;
  const auto second = run("scan --config station.yaml --json", dir);
  EXPECT_EQ(second.out, first.out);
  EXPECT_NE(second.err.find("(3 from the cache)"), std::string::npos) << second.err;
}

TEST_F(Scan, ABrokenClipIsNamedAndFailsTheScan) {
  dir.write("clips/notes.mp3", "call the studio at 9\n");
  station(std::string(kStation) + R"(      - {at: "07:00", play: [notes.mp3, missing.wav]}
)");
  const auto r = run("scan --config station.yaml", dir);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("clips/notes.mp3: error: not an audio file"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("clips/missing.wav: error: file not found"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("clips/loud.wav  "), std::string::npos) << "the others are still measured";

  const auto j = json_lines(run("scan --config station.yaml --json", dir).out);
  ASSERT_EQ(j.size(), 5U);
  EXPECT_EQ(j[3]["path"], "clips/notes.mp3");
  EXPECT_TRUE(j[3]["error"].get<std::string>().starts_with("not an audio file")) << j[3];
  EXPECT_EQ(j[4], (nlohmann::json{{"path", "clips/missing.wav"}, {"error", "file not found"}}));
}

// Issue 15: recordings from phones and Zalo come as AAC in M4A. They are measured like the rest;
// one cut short (its index, written last, is missing) is named with the reason and what to do.
TEST_F(Scan, PhoneRecordingsInM4aAreMeasuredAndACutOneIsNamed) {
  test::ffmpeg_encode(dir / "clips/loud.wav", dir / "clips/phone.m4a", "-c:a aac -b:a 128k");
  fs::copy_file(dir / "clips/phone.m4a", dir / "clips/cut.m4a");
  fs::resize_file(dir / "clips/cut.m4a", fs::file_size(dir / "clips/phone.m4a") / 2);
  station(std::string(kStation) + R"(      - {at: "07:00", play: [phone.m4a, cut.m4a]}
)");
  const auto j = json_lines(run("scan --config station.yaml --json", dir).out);
  ASSERT_EQ(j.size(), 5U);
  EXPECT_EQ(j[3]["path"], "clips/phone.m4a");
  ASSERT_TRUE(j[3].contains("lufs")) << j[3];
  EXPECT_NEAR(j[3]["lufs"].get<double>(), sine_lufs(0.25), 0.3);
  EXPECT_NEAR(j[3]["length_s"].get<double>(), 10.0, 0.001);
  EXPECT_EQ(j[4]["path"], "clips/cut.m4a");
  EXPECT_TRUE(j[4]["error"].get<std::string>().starts_with("truncated or unfinished")) << j[4];

  const auto r = run("scan --config station.yaml", dir);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("clips/cut.m4a: error: truncated or unfinished"), std::string::npos)
      << r.out;
}

TEST_F(Scan, LoudnessOffShowsNoGain) {
  std::string text = kStation;
  text.replace(text.find("loudness: -16"), 13, "loudness: off");
  station(text);
  const auto r = run("scan --config station.yaml --json", dir);
  ASSERT_EQ(r.exit, 0) << r.out << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_TRUE(lines[0]["gain_db"].is_null());
  EXPECT_NEAR(lines[0]["lufs"].get<double>(), sine_lufs(0.25), 0.1);  // still measured
  const auto t = run("scan --config station.yaml", dir);
  EXPECT_EQ(t.out.find(" dB "), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find("peak-limited"), std::string::npos) << t.out;
}

TEST_F(Scan, PathsWithoutAStationUseNoCacheFile) {
  const auto r = run("scan --json clips/quiet.flac clips/loud.wav nowhere.wav", dir);
  EXPECT_EQ(r.exit, 1) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0]["path"], "clips/quiet.flac");                    // in the order given
  EXPECT_NEAR(lines[0]["gain_db"].get<double>(), -16 - -23.01, 0.1);  // default target
  EXPECT_EQ(lines[1]["path"], "clips/loud.wav");
  EXPECT_EQ(lines[2]["error"], "file not found");
  EXPECT_FALSE(fs::exists(dir / "state"));
}

TEST_F(Scan, PathsWithAStationUseItsTargetAndCache) {
  std::string text = kStation;
  text.replace(text.find("loudness: -16"), 13, "loudness: -23");
  station(text);
  const auto r = run("scan --config station.yaml --json clips/quiet.flac", dir);
  EXPECT_EQ(r.exit, 0) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NEAR(lines[0]["gain_db"].get<double>(), 0.0, 0.1);
  EXPECT_TRUE(fs::exists(dir / "state/loudness.tsv"));
}

TEST_F(Scan, WrongUsage) {
  EXPECT_EQ(run("scan", dir).exit, 2);
  EXPECT_EQ(run("scan --frobnicate", dir).exit, 2);
  station("station: [not, a, map]\n");
  EXPECT_EQ(run("scan --config station.yaml", dir).exit, 1);
}

TEST_F(Scan, ManyClipsComeOutInOrder) {
  std::string play;
  for (int i = 0; i < 12; ++i) {
    const std::string name = "c" + std::to_string(i) + ".wav";
    test::write_tone(dir / "clips" / name, 0.5, 44100, 1, test::AudioFormat::wav16, 1000.0,
                     0.01 * (i + 1));
    play += (i ? ", " : "") + name;
  }
  station(std::string(kStation) + "      - {at: \"08:00\", play: [" + play + "]}\n");
  const auto lines = json_lines(run("scan --config station.yaml --json", dir).out);
  ASSERT_EQ(lines.size(), 15U);
  for (int i = 0; i < 12; ++i) {
    const auto& line = lines[static_cast<std::size_t>(3 + i)];
    EXPECT_EQ(line["path"], "clips/c" + std::to_string(i) + ".wav");
    EXPECT_NEAR(line["lufs"].get<double>(), sine_lufs(0.01 * (i + 1)), 0.1) << line;
  }
}

}  // namespace
}  // namespace loa
