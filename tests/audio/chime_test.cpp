#include "loa/chime.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>
#include <vector>

namespace loa {
namespace {

std::vector<float> render(int rate) {
  std::vector<float> out(builtin_chime_frames(rate));
  EXPECT_EQ(render_builtin_chime(rate, out), out.size());
  return out;
}

double peak_of(std::span<const float> samples) {
  double peak = 0;
  for (const float s : samples) peak = std::max(peak, static_cast<double>(std::abs(s)));
  return peak;
}

double dbfs(double amplitude) {
  return 20 * std::log10(amplitude);
}

// Power of one frequency in `samples` (Goertzel).
double power_at(std::span<const float> samples, double frequency, int rate) {
  const double coeff = 2 * std::cos(2 * std::numbers::pi * frequency / rate);
  double s1 = 0;
  double s2 = 0;
  for (const float x : samples) {
    const double s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

// The loudest frequency between 200 Hz and 2 kHz, to 2 Hz.
double dominant_frequency(std::span<const float> samples, int rate) {
  double best = 0;
  double best_power = -1;
  for (int f = 200; f <= 2000; f += 2) {
    const double power = power_at(samples, f, rate);
    if (power > best_power) {
      best_power = power;
      best = f;
    }
  }
  return best;
}

std::span<const float> window(const std::vector<float>& samples, int rate, double from, double to) {
  const auto begin = static_cast<std::size_t>(from * rate);
  const auto end = static_cast<std::size_t>(to * rate);
  return std::span<const float>(samples).subspan(begin, end - begin);
}

TEST(BuiltinChime, LastsTwoAndAHalfSeconds) {
  EXPECT_EQ(builtin_chime_frames(48000), 120'000U);
  EXPECT_EQ(builtin_chime_frames(44100), 110'250U);
  EXPECT_EQ(builtin_chime_frames(22050), 55'125U);
  EXPECT_EQ(builtin_chime_frames(8001), 20'003U);  // 20002.5 rounds up
  EXPECT_EQ(builtin_chime_frames(0), 0U);
}

TEST(BuiltinChime, PeaksAtMinusSixDbfs) {
  for (const int rate : {8000, 22050, 44100, 48000, 96000}) {
    EXPECT_NEAR(dbfs(peak_of(render(rate))), -6.0, 0.1) << rate << " Hz";
  }
}

TEST(BuiltinChime, StartsAndEndsInSilence) {
  for (const int rate : {44100, 48000}) {
    const auto chime = render(rate);
    const auto ms = static_cast<std::size_t>(rate / 1000);
    const std::span<const float> all(chime);
    EXPECT_LT(dbfs(peak_of(all.first(ms))), -40.0) << rate << " Hz";
    EXPECT_LT(dbfs(peak_of(all.last(ms))), -40.0) << rate << " Hz";
  }
}

TEST(BuiltinChime, HasNoClicks) {
  const auto chime = render(48000);
  // A 0.5 amplitude 784 Hz sine moves at most 0.05 a sample; a click would jump far more.
  double largest_step = 0;
  for (std::size_t i = 1; i < chime.size(); ++i) {
    largest_step = std::max(largest_step, static_cast<double>(std::abs(chime[i] - chime[i - 1])));
  }
  EXPECT_LT(largest_step, 0.15);
}

TEST(BuiltinChime, FallsFromG5ToEFlat5) {
  constexpr int kRate = 48000;
  const auto chime = render(kRate);
  EXPECT_NEAR(dominant_frequency(window(chime, kRate, 0.02, 0.58), kRate), 784, 4);
  EXPECT_NEAR(dominant_frequency(window(chime, kRate, 0.9, 1.9), kRate), 622, 4);
}

TEST(BuiltinChime, ShortBufferGetsTheStartOfTheChime) {
  const auto full = render(48000);
  std::vector<float> part(1000);
  ASSERT_EQ(render_builtin_chime(48000, part), 1000U);
  EXPECT_TRUE(std::equal(part.begin(), part.end(), full.begin()));
}

TEST(BuiltinChime, LargerBufferIsLeftAloneAfterTheChime) {
  std::vector<float> out(builtin_chime_frames(16000) + 10, 7.0F);
  EXPECT_EQ(render_builtin_chime(16000, out), builtin_chime_frames(16000));
  EXPECT_EQ(out.back(), 7.0F);
}

TEST(BuiltinChime, IsDeterministic) {
  EXPECT_EQ(render(44100), render(44100));
}

TEST(BuiltinChime, NoRateNoChime) {
  std::vector<float> out(16);
  EXPECT_EQ(render_builtin_chime(0, out), 0U);
  EXPECT_EQ(render_builtin_chime(-48000, out), 0U);
}

}  // namespace
}  // namespace loa
