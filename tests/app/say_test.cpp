// Notices from text with the real binary: loa check speaks a say item once into state/speech,
// loa render airs it as a clip of its true length, loa say writes the same clip.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using test::read_wav;
using test::Wav;

const std::string kStation = R"(station: {timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state/}
audio: {sample_rate: 48000, loudness: -16, chime: none, speech: {voice: vi, rate: 160}}
zones: [{id: ap-1, channel: 1}]
programmes:
  - id: cup-dien
    slots:
      - at: "06:00"
        play: [{say: "Thông báo: ngày 17/12/2026 cúp điện từ 7h30 đến 17:00."}, {say_file: tb.txt}]
)";

std::vector<std::filesystem::path> spoken(const test::TempDir& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir / "state/speech", ec))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

double rms(const Wav& w, std::int64_t from, std::int64_t to) {
  double sum = 0;
  for (auto f = from; f < to; ++f) sum += static_cast<double>(w.at(f)) * w.at(f);
  return std::sqrt(sum / static_cast<double>(to - from));
}

TEST(Say, CheckSpeaksOnceAndRenderAirsTheSpokenClip) {
  test::TempDir dir;
  dir.write("clips/tb.txt", "Liên hệ UBND xã, số 0912 345 678.\n");
  dir.write("station.yaml", kStation);
  auto r = test::run_cli(LOA_BINARY, "check --config station.yaml", dir);
  ASSERT_EQ(r.exit, 0) << r.out << r.err;
  const auto files = spoken(dir);
  ASSERT_EQ(files.size(), 2U);
  const auto first = std::filesystem::last_write_time(files[0]);
  const Wav clip0 = read_wav(files[0]);
  const Wav clip1 = read_wav(files[1]);
  const double seconds = static_cast<double>(clip0.frames() + clip1.frames()) / clip0.rate;
  EXPECT_GT(seconds, 4.0);

  // Cached: a second check speaks nothing again.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  r = test::run_cli(LOA_BINARY, "check --config station.yaml", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(spoken(dir), files);
  EXPECT_EQ(std::filesystem::last_write_time(files[0]), first);

  r = test::run_cli(LOA_BINARY,
                    "render --config station.yaml --from 2026-12-10T06:00:00 --to "
                    "2026-12-10T06:00:30 --out air.wav --as-run as-run.jsonl",
                    dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  const Wav air = read_wav(dir / "air.wav");
  ASSERT_EQ(air.rate, 48000);
  // Sound for the clips' length, then silence.
  const auto spoken_frames = static_cast<std::int64_t>(seconds * 48000);
  EXPECT_GT(rms(air, 0, spoken_frames), 0.02);
  EXPECT_EQ(rms(air, spoken_frames + 4800, air.frames()), 0.0);
  const auto lines = test::json_lines(test::slurp(dir / "as-run.jsonl"));
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0]["path"], "say: \"Thông báo: ngày 17/12/2026 cúp điện từ…\"");
  EXPECT_EQ(lines[0]["status"], "aired");
  EXPECT_EQ(lines[1]["path"], "say: \"Liên hệ UBND xã, số 0912 345 678.\"");
}

TEST(Say, CheckRefusesTextTheVoiceCannotSpeak) {
  test::TempDir dir;
  std::string station = kStation;
  station.replace(station.find("{say_file: tb.txt}"), 18, "{say: \"你好\"}");
  dir.write("station.yaml", station);
  const auto r = test::run_cli(LOA_BINARY, "check --config station.yaml", dir);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.out.find("station.yaml:8:99: error: character 1 of the text (U+4F60, Chinese)"),
            std::string::npos)
      << r.out;
}

TEST(Say, AVoiceEspeakDoesNotHaveIsAnError) {
  test::TempDir dir;
  std::string station = kStation;
  station.replace(station.find("voice: vi"), 9, "voice: xx-nope");
  dir.write("clips/tb.txt", "Xin chào.");
  dir.write("station.yaml", station);
  const auto r = test::run_cli(LOA_BINARY, "check --config station.yaml", dir);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.out.find("espeak-ng has no voice 'xx-nope'"), std::string::npos) << r.out;
}

TEST(Say, SayWritesTheClipLoaCheckWouldAir) {
  test::TempDir dir;
  dir.write("clips/tb.txt", "Liên hệ UBND xã, số 0912 345 678.\n");
  dir.write("station.yaml", kStation);
  auto r = test::run_cli(
      LOA_BINARY, "say --config station.yaml 'Liên hệ UBND xã, số 0912 345 678.' --out a.wav", dir);
  ASSERT_EQ(r.exit, 0) << r.err;
  const Wav w = read_wav(dir / "a.wav");
  EXPECT_GT(w.frames(), w.rate * 2);
  EXPECT_GT(rms(w, 0, w.frames()), 0.02);
  // The same cache: loa check finds this text spoken already.
  ASSERT_EQ(spoken(dir).size(), 1U);
  EXPECT_EQ(test::slurp(spoken(dir)[0]), test::slurp(dir / "a.wav"));

  r = test::run_cli(LOA_BINARY, "say --config station.yaml '   ' --out b.wav", dir);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("the text is empty"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace loa
