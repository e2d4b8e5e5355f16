// A relay levelled live: a quiet stream and a loud one, served by a real HTTP server on loopback
// and relayed at 6x real time, both air at the station's loudness (moved by the relay's gain),
// under -1 dBTP.

#include <ebur128.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>

#include "loa/sound.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"
#include "relay_test_support.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using test::kRelayRate;

constexpr double kSpeed = 6.0;  // 10x starved the reader on a loaded 2-core machine
constexpr double kLoopSeconds = 20.0;

double integrated_lufs(const float* x, std::size_t n, double* true_peak = nullptr) {
  ebur128_state* meter = ebur128_init(1, kRelayRate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  ebur128_add_frames_float(meter, x, n);
  double lufs = -HUGE_VAL;
  ebur128_loudness_global(meter, &lufs);
  if (true_peak != nullptr) {
    ebur128_true_peak(meter, 0, true_peak);
    *true_peak = 20 * std::log10(*true_peak);
  }
  ebur128_destroy(&meter);
  return lufs;
}

// Reads `source` in 20 ms blocks, `kSpeed` times faster than the air does.
std::vector<float> air_fast(MonoSource& source, std::size_t frames) {
  std::vector<float> heard;
  std::vector<float> block(kRelayRate / 50);
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(0.02 / kSpeed));
  auto next = std::chrono::steady_clock::now();
  while (heard.size() < frames) {
    const std::size_t n = source.read(block);
    heard.insert(heard.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < block.size()) break;
    next += period;
    std::this_thread::sleep_until(next);
  }
  return heard;
}

struct Case {
  double source_lufs;
  float gain;  // the relay's (an item's trim): it moves the target
  double expected_lufs;
};

class RelayLevelling : public ::testing::TestWithParam<Case> {};

TEST_P(RelayLevelling, AStreamOfUnknownLoudnessAirsAtTheTarget) {
  const double source_lufs = GetParam().source_lufs;
  const auto reference =
      test::melody(static_cast<std::size_t>(kLoopSeconds * kRelayRate), kRelayRate);
  const double melody_lufs = integrated_lufs(reference.data(), reference.size());
  const std::string volume = "-af volume=" + std::to_string(source_lufs - melody_lufs) + "dB";

  test::TempDir dir;
  test::StreamServer server;
  const auto mp3 = test::encoded_melody(
      dir.path().string(), "mp3",
      volume + " -c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0", kLoopSeconds);
  const double bytes_per_second = static_cast<double>(mp3.size()) / kLoopSeconds;
  server.live("/tinh.mp3", mp3, bytes_per_second * kSpeed,
              static_cast<std::size_t>(bytes_per_second), "audio/mpeg");

  auto events = std::make_shared<RelayEvents>();
  RelaySound relay{server.url("/tinh.mp3"), 90 * kRelayRate, {}, events};
  relay.settings.jitter = 1s;
  relay.settings.level_to_lufs = -16.0;
  auto source = open_sound(relay, kRelayRate, GetParam().gain);
  const auto heard = air_fast(*source, static_cast<std::size_t>(relay.frames));
  source.reset();
  std::vector<RelayEvent> seen = events->drain();
  SCOPED_TRACE(test::describe(seen));
  for (const auto& e : seen) EXPECT_NE(e.kind, RelayEvent::Kind::dead_air_started);
  ASSERT_EQ(static_cast<std::int64_t>(heard.size()), relay.frames);

  // The source's own loudness as relayed (the encoder's and the resampler's share included).
  const std::size_t from = 30 * kRelayRate;  // the rider has settled (its release is 8 s)
  double peak = 0;
  const double lufs = integrated_lufs(heard.data() + from, heard.size() - from, &peak);
  EXPECT_NEAR(lufs, GetParam().expected_lufs, 1.0) << "a stream at " << source_lufs << " LUFS";
  double whole_peak = 0;
  integrated_lufs(heard.data(), heard.size(), &whole_peak);
  EXPECT_LE(whole_peak, -1.0);
}

INSTANTIATE_TEST_SUITE_P(QuietLoudAndTrimmed, RelayLevelling,
                         ::testing::Values(Case{-28.0, 1.0f, -16.0}, Case{-8.0, 1.0f, -16.0},
                                           Case{-8.0, 0.5f, -22.0}));

}  // namespace
}  // namespace loa
