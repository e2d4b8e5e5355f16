// The live leveller as a listener hears it: a quiet source and a loud, clipped one both come out
// at the station's loudness over a long stretch, their true peak never above -1 dBTP, and silence
// or hiss is never pumped up.

#include "loa/live_leveller.hpp"

#include <ebur128.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "true_peak.hpp"

namespace loa {
namespace {

constexpr int kRate = 48000;

double integrated_lufs(const std::vector<float>& x, std::size_t from = 0) {
  ebur128_state* meter = ebur128_init(1, kRate, EBUR128_MODE_I);
  ebur128_add_frames_float(meter, x.data() + from, x.size() - from);
  double lufs = -HUGE_VAL;
  ebur128_loudness_global(meter, &lufs);
  ebur128_destroy(&meter);
  return lufs;
}

// The true peak in dBTP, by both meters loa's audio knows: libebur128's and soxr's (true_peak.hpp).
double true_peak_dbtp(const std::vector<float>& x) {
  ebur128_state* meter = ebur128_init(1, kRate, EBUR128_MODE_TRUE_PEAK);
  ebur128_add_frames_float(meter, x.data(), x.size());
  double libebur128 = 0;
  ebur128_true_peak(meter, 0, &libebur128);
  ebur128_destroy(&meter);
  detail::TruePeakMeter soxr(kRate);
  soxr.add(x);
  const double peak = std::max(libebur128, soxr.finish());
  return 20 * std::log10(peak);
}

double rms_dbfs(const std::vector<float>& x, std::size_t from, std::size_t to) {
  double sum = 0;
  for (std::size_t i = from; i < to; ++i) sum += static_cast<double>(x[i]) * x[i];
  return 10 * std::log10(sum / static_cast<double>(to - from) + 1e-30);
}

// Something like a voice or a programme: harmonics of a gliding pitch and noise, in syllables
// (4 per second) and phrases (3.3 s of speech, 0.7 s of pause), deterministic.
std::vector<float> programme(double seconds, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> x(static_cast<std::size_t>(seconds * kRate));
  double phase = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / kRate;
    const double pitch = 180 + 60 * std::sin(2 * std::numbers::pi * 0.3 * t);
    phase += 2 * std::numbers::pi * pitch / kRate;
    double v = 0;
    for (int h = 1; h <= 8; ++h) v += std::sin(h * phase) / h;
    v += 0.3 * noise(random);
    const double syllable = 0.5 + 0.5 * std::sin(2 * std::numbers::pi * 4 * t);
    const bool speaking = std::fmod(t, 4.0) < 3.3;
    x[i] = static_cast<float>(speaking ? v * syllable : 0.0);
  }
  return x;
}

// `x` brought to `lufs` integrated; with `clip`, hard-clipped at full scale afterwards (as a
// loud, over-compressed station sounds: true peaks above 0 dBTP).
std::vector<float> at_loudness(std::vector<float> x, double lufs, bool clip = false) {
  const float gain = static_cast<float>(std::pow(10.0, (lufs - integrated_lufs(x)) / 20.0));
  for (float& v : x) {
    v *= gain;
    if (clip) v = std::clamp(v, -1.0f, 1.0f);
  }
  return x;
}

std::vector<float> levelled(std::vector<float> x, const LevelSettings& settings,
                            LiveLeveller* keep = nullptr) {
  LiveLeveller own(kRate, settings);
  LiveLeveller& leveller = keep != nullptr ? *keep : own;
  for (std::size_t at = 0; at < x.size(); at += 960) {  // 20 ms blocks, as the air reads
    leveller.process(std::span<float>(x).subspan(at, std::min<std::size_t>(960, x.size() - at)));
  }
  return x;
}

TEST(LiveLeveller, AQuietSourceComesOutAtTheTarget) {
  const auto quiet = at_loudness(programme(240, 1), -28.0);
  ASSERT_NEAR(integrated_lufs(quiet), -28.0, 0.1);
  const auto out = levelled(quiet, LevelSettings{});
  EXPECT_NEAR(integrated_lufs(out), -16.0, 1.0);
  EXPECT_LE(true_peak_dbtp(out), -1.0);
}

TEST(LiveLeveller, ALoudClippedSourceComesOutAtTheTargetUnderMinusOneDbtp) {
  const auto loud = at_loudness(programme(240, 2), -8.0, true);
  ASSERT_NEAR(integrated_lufs(loud), -8.0, 0.5);
  ASSERT_GT(true_peak_dbtp(loud), 0.0) << "the source's own true peak is over full scale";
  const auto out = levelled(loud, LevelSettings{});
  EXPECT_NEAR(integrated_lufs(out), -16.0, 1.0);
  EXPECT_LE(true_peak_dbtp(out), -1.0);
}

// The rider's range is +-12 dB (issue 12): a source 14 LU under the target is raised by 12 dB and
// no more, so its hiss is not raised further either.
TEST(LiveLeveller, RaisesAVeryQuietSourceBy12DbAtMost) {
  const auto quiet = at_loudness(programme(240, 3), -30.0);
  const auto out = levelled(quiet, LevelSettings{});
  EXPECT_NEAR(integrated_lufs(out), -18.0, 1.0);
}

TEST(LiveLeveller, TheLimiterHoldsATrueTargetAtEveryMomentNotJustOnAverage) {
  // A source that jumps from quiet to 20 dB louder and clipped: the rider takes seconds to
  // follow, the limiter takes the jump.
  auto x = at_loudness(programme(20, 4), -30.0);
  const auto loud = at_loudness(programme(20, 5), -6.0, true);
  x.insert(x.end(), loud.begin(), loud.end());
  const auto out = levelled(x, LevelSettings{});
  EXPECT_LE(true_peak_dbtp(out), -1.0);
  std::vector<float> tail(out.end() - 5 * kRate, out.end());
  EXPECT_NEAR(integrated_lufs(tail), -16.0, 1.5) << "the rider has followed within 15 s";
}

TEST(LiveLeveller, SilenceAndHissAreNotPumpedUp) {
  // A programme at the target, then a minute of hiss at -65 dBFS (a line-in with nothing on it).
  auto x = at_loudness(programme(20, 6), -16.0);
  std::mt19937 random(7);
  std::normal_distribution<float> hiss(0.0f, std::pow(10.0f, -65.0f / 20.0f));
  const std::size_t hiss_from = x.size();
  for (int i = 0; i < 60 * kRate; ++i) x.push_back(hiss(random));
  LiveLeveller leveller(kRate, LevelSettings{});
  const auto out = levelled(x, LevelSettings{}, &leveller);
  EXPECT_NEAR(rms_dbfs(out, out.size() - 10 * kRate, out.size()), -65.0, 1.5)
      << "the hiss stays at its level";
  EXPECT_NEAR(rms_dbfs(out, hiss_from + 5 * kRate, hiss_from + 10 * kRate), -65.0, 1.5);
  EXPECT_NEAR(leveller.rider_gain_db(), 0.0, 1.0);
}

TEST(LiveLeveller, AfterDeadAirTheSourceReturnsAtTheGainItHad) {
  // 30 s of digital silence first (a relay not yet connected), then a loud source: the gain has
  // not drifted up meanwhile, so its first second is not 12 dB too loud.
  std::vector<float> x(30 * kRate, 0.0f);
  const auto loud = at_loudness(programme(10, 8), -12.0);
  x.insert(x.end(), loud.begin(), loud.end());
  LiveLeveller leveller(kRate, LevelSettings{});
  std::vector<float> silence(x.begin(), x.begin() + 30 * kRate);
  levelled(silence, LevelSettings{}, &leveller);
  EXPECT_EQ(leveller.rider_gain_db(), 0.0);
  std::vector<float> first(loud.begin(), loud.begin() + kRate);
  const auto out = levelled(first, LevelSettings{}, &leveller);
  EXPECT_LT(rms_dbfs(out, 0, out.size()), rms_dbfs(first, 0, first.size()) + 1.0);
}

TEST(LiveLeveller, KeepsTheLengthAndDelaysBy5Ms) {
  LiveLeveller leveller(kRate, LevelSettings{});
  EXPECT_EQ(leveller.latency(), 271u);  // 5 ms at 48 kHz and the interpolator's reach
  std::vector<float> x(2000, 0.0f);
  x[100] = 0.5f;
  leveller.process(x);
  EXPECT_EQ(std::max_element(x.begin(), x.end()) - x.begin(), 100 + 271);
  EXPECT_NEAR(x[371], 0.5f, 1e-6f) << "a sample under the ceiling passes untouched";
}

}  // namespace
}  // namespace loa
