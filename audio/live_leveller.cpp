#include "loa/live_leveller.hpp"

#include <ebur128.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace loa {

struct LiveLeveller::Meter {
  ebur128_state* state = nullptr;
  ~Meter() {
    if (state != nullptr) ebur128_destroy(&state);
  }
};

namespace {

constexpr double kHopSeconds = 0.1;
constexpr std::size_t kHopMilliseconds = 100;
constexpr double kLookaheadSeconds = 0.005;
// The limiter recovers at this rate (6 dB in 60 ms): steady in dB, so that its gain barely moves
// under the interpolator's reach even deep in limiting (a rate in linear gain would be 10 times
// steeper, in relative terms, at -20 dB).
constexpr double kLimiterReleaseDbPerSecond = 100.0;
// The limiter aims this far under the ceiling: interpolation filters differ by a few tenths of a
// dB on the worst signals, and the ceiling holds for any meter.
constexpr double kMarginDb = 0.5;

// libebur128's loudness of a K-weighted mean square, and back (ITU-R BS.1770: -0.691 dB).
double lufs_to_energy(double lufs) {
  return std::isfinite(lufs) ? std::pow(10.0, (lufs + 0.691) / 10.0) : 0.0;
}
double energy_to_lufs(double energy) {
  return energy > 0.0 ? 10.0 * std::log10(energy) - 0.691 : -HUGE_VAL;
}

float db_to_gain(double db) {
  return static_cast<float>(std::pow(10.0, db / 20.0));
}

// The windowed sinc (Hann, 16 samples each side) at t samples from its centre.
double interpolation_kernel(double t) {
  constexpr double kHalfWidth = 16.0;
  if (std::abs(t) >= kHalfWidth) return 0.0;
  const double window = 0.5 * (1.0 + std::cos(std::numbers::pi * t / kHalfWidth));
  const double sinc = t == 0.0 ? 1.0 : std::sin(std::numbers::pi * t) / (std::numbers::pi * t);
  return window * sinc;
}

}  // namespace

LiveLeveller::LiveLeveller(int rate, const LevelSettings& settings)
    : rate_(rate < 8000
                ? throw std::invalid_argument("the live leveller needs a rate of 8 kHz or more")
                : rate),
      settings_(settings),
      trim_(db_to_gain(settings.trim_db)),
      hop_(static_cast<std::size_t>(std::lround(kHopSeconds * rate))),
      lookahead_(static_cast<std::size_t>(std::lround(kLookaheadSeconds * rate))),
      ceiling_(db_to_gain(settings.ceiling_dbtp - kMarginDb)),
      release_step_(db_to_gain(kLimiterReleaseDbPerSecond / rate)),
      fir_((kPhases - 1) * kTaps),
      history_(2 * kTaps, 0.0f),
      delay_(lookahead_ + 2 * kInterpolationDelay - 1, 0.0f),
      min_value_(lookahead_ + 2 * kInterpolationDelay + 1),
      min_index_(lookahead_ + 2 * kInterpolationDelay + 1),
      box_(lookahead_, 1.0f),
      box_sum_(static_cast<double>(lookahead_)),
      box_reciprocal_(1.0 / static_cast<double>(lookahead_)) {
  meter_ = std::make_unique<Meter>();
  meter_->state = ebur128_init(1, static_cast<unsigned long>(rate), EBUR128_MODE_M);
  if (meter_->state == nullptr) throw std::runtime_error("cannot measure loudness: out of memory");
  // The history holds x[m - 15] .. x[m + 16] oldest first; phase p interpolates x at m + p/4.
  for (std::size_t p = 1; p < kPhases; ++p) {
    const double at = static_cast<double>(p) / kPhases;
    double sum = 0.0;
    for (std::size_t j = 0; j < kTaps; ++j) {
      const double k = static_cast<double>(j) - (kInterpolationDelay - 1);
      sum += interpolation_kernel(at - k);
    }
    for (std::size_t j = 0; j < kTaps; ++j) {
      const double k = static_cast<double>(j) - (kInterpolationDelay - 1);
      fir_[(p - 1) * kTaps + j] = static_cast<float>(interpolation_kernel(at - k) / sum);
    }
  }
  float reach = 1.0f;
  for (std::size_t p = 0; p + 1 < kPhases; ++p) {
    float taps = 0.0f;
    for (std::size_t j = 0; j < kTaps; ++j) taps += std::abs(fir_[p * kTaps + j]);
    reach = std::max(reach, taps);
  }
  quiet_enough_ = ceiling_ / (reach * 1.001f);  // the margin covers the sums' rounding
}

LiveLeveller::~LiveLeveller() = default;

double LiveLeveller::deepest_limit_db() const {
  return 20.0 * std::log10(static_cast<double>(deepest_));
}

void LiveLeveller::process(std::span<float> block) noexcept {
  std::size_t at = 0;
  while (at < block.size()) {
    const std::size_t take = std::min(block.size() - at, hop_ - in_hop_);
    // Measured before the gain: the rider follows the source, not itself.
    ebur128_add_frames_float(meter_->state, block.data() + at, take);
    const float step = (gain_to_ - gain_from_) / static_cast<float>(hop_);
    for (std::size_t i = 0; i < take; ++i) {
      const float gain = gain_from_ + step * static_cast<float>(in_hop_ + i);
      block[at + i] = block[at + i] * gain * trim_;
    }
    limit(block.subspan(at, take));
    in_hop_ += take;
    at += take;
    if (in_hop_ == hop_) {
      in_hop_ = 0;
      end_of_hop();
    }
  }
}

void LiveLeveller::end_of_hop() noexcept {
  double hop_loudness = -HUGE_VAL;
  if (ebur128_loudness_window(meter_->state, kHopMilliseconds, &hop_loudness) != EBUR128_SUCCESS) {
    hop_loudness = -HUGE_VAL;
  }
  hop_energy_[hops_measured_ % kShortTermHops] = lufs_to_energy(hop_loudness);
  ++hops_measured_;
  // Over the hops measured so far, before the first 3 s (or 400 ms).
  const double loudness = mean_lufs(kShortTermHops);
  const double momentary = mean_lufs(kMomentaryHops);
  gain_from_ = gain_to_;
  // Silence, or a pause: the gain holds. The momentary loudness (400 ms) sees a pause at once,
  // where the short-term one takes 3 s to fall under the gate and would ride the gain up meanwhile.
  if (!std::isfinite(loudness) || loudness < settings_.gate_lufs || !std::isfinite(momentary) ||
      momentary < settings_.gate_lufs) {
    return;
  }
  const double wanted =
      std::clamp(settings_.target_lufs - loudness, -settings_.max_cut_db, settings_.max_boost_db);
  const double time_constant =
      wanted < rider_db_ ? settings_.attack_seconds : settings_.release_seconds;
  rider_db_ += (wanted - rider_db_) * (1.0 - std::exp(-kHopSeconds / time_constant));
  gain_to_ = db_to_gain(rider_db_);
}

double LiveLeveller::mean_lufs(std::size_t hops) const noexcept {
  const std::size_t n = std::min(hops, hops_measured_);
  double sum = 0.0;
  for (std::size_t i = 1; i <= n; ++i) sum += hop_energy_[(hops_measured_ - i) % kShortTermHops];
  return energy_to_lufs(n == 0 ? 0.0 : sum / static_cast<double>(n));
}

void LiveLeveller::limit(std::span<float> block) noexcept {
  // The state the loop carries lives in locals for the block: as members, each sample stored and
  // reloaded them (a float stored through the buffers may alias a float member), which cost more
  // than the arithmetic. The buffers wrap by a compare, not `%` (a division each).
  const std::size_t capacity = min_value_.size();
  const std::size_t box_size = box_.size();
  const std::size_t delay_size = delay_.size();
  float* const history = history_.data();
  float* const min_value = min_value_.data();
  std::int64_t* const min_index = min_index_.data();
  float* const box = box_.data();
  float* const delay = delay_.data();
  std::size_t history_at = history_at_;
  std::size_t since_loud = since_loud_;
  std::size_t min_head = min_head_;
  std::size_t min_size = min_size_;
  std::size_t box_at = box_at_;
  std::size_t delay_at = delay_at_;
  std::size_t settled = settled_;
  std::int64_t m = sample_index_;
  float last_interval_peak = last_interval_peak_;
  float released = released_;
  float deepest = deepest_;
  double box_sum = box_sum_;
  const auto slot = [&](std::size_t from_head) {
    const std::size_t i = min_head + from_head;
    return i >= capacity ? i - capacity : i;
  };

  for (float& sample : block) {
    // x[n] in; the interval (m, m + 1), m = n - 16, is interpolated at 3 points between.
    // Written twice, kTaps apart, so the last kTaps samples are always contiguous (oldest first).
    history[history_at] = sample;
    history[history_at + kTaps] = sample;
    history_at = (history_at + 1) % kTaps;
    const float* window = history + history_at;
    float interval_peak =
        std::max(std::abs(window[kInterpolationDelay - 1]), std::abs(window[kInterpolationDelay]));
    since_loud = std::abs(sample) > quiet_enough_ ? 0 : std::min(since_loud + 1, kTaps);
    for (std::size_t p = 0; since_loud < kTaps && p + 1 < kPhases; ++p) {
      const float* c = fir_.data() + p * kTaps;
      // kLanes partial sums, each its own chain: the compiler may keep them in one vector
      // register (a single sum is a chain it may not reorder): the limiter is 4-8 times faster.
      std::array<float, kLanes> lanes{};
      for (std::size_t j = 0; j < kTaps; j += kLanes) {
        for (std::size_t k = 0; k < kLanes; ++k) lanes[k] += c[j + k] * window[j + k];
      }
      float y = 0.0f;
      for (const float lane : lanes) y += lane;
      interval_peak = std::max(interval_peak, std::abs(y));
    }
    // Sample m's true peak: the intervals on both sides of it.
    const float peak = std::max(interval_peak, last_interval_peak);
    last_interval_peak = interval_peak;
    const float required = peak > ceiling_ ? ceiling_ / peak : 1.0f;

    if (required == 1.0f && released == 1.0f && settled == box_size &&
        min_value[min_head] == 1.0f) {
      // Nothing ahead needs a gain under 1, and it has been 1 over the whole look-ahead: what the
      // steps below would do comes to this (the queue holds this sample alone, the release and
      // the box stand still), at a fraction of the cost. Most of a programme passes here.
      min_size = 1;
      min_index[min_head] = m++;
      if (++box_at == box_size) {
        box_at = 0;
        box_sum = 0.0;
        for (std::size_t i = 0; i < box_size; ++i) box_sum += static_cast<double>(box[i]);
      }
      const float gain = static_cast<float>(box_sum * box_reciprocal_);
      deepest = std::min(deepest, gain);
      const float out = delay[delay_at];
      delay[delay_at] = sample;
      if (++delay_at == delay_size) delay_at = 0;
      sample = out * gain;
      continue;
    }

    // The least gain required over the look-ahead and the interpolator's reach on both sides (a
    // monotonic queue of the candidates). The reach matters: a gain that still falls under the
    // filter around a peak would change the peak between the samples; so the gain is already
    // flat there, and it falls over the quieter samples before.
    while (min_size > 0 && min_value[slot(min_size - 1)] >= required) --min_size;
    const std::size_t tail = slot(min_size);
    min_value[tail] = required;
    min_index[tail] = m;
    ++min_size;
    while (min_index[min_head] <= m - static_cast<std::int64_t>(capacity - 1)) {
      min_head = slot(1);
      --min_size;
    }
    ++m;
    released = std::min({min_value[min_head], released * release_step_, 1.0f});
    settled = released == 1.0f ? std::min(settled + 1, box_size) : 0;

    // Averaged over the look-ahead: each gain in the average is at most what the sample it
    // applies to requires, so the ramp down is smooth and ends before the peak.
    box_sum += static_cast<double>(released) - static_cast<double>(box[box_at]);
    box[box_at] = released;
    if (++box_at == box_size) {  // the running sum's rounding is reset once per look-ahead
      box_at = 0;
      box_sum = 0.0;
      for (std::size_t i = 0; i < box_size; ++i) box_sum += static_cast<double>(box[i]);
    }
    const float gain = static_cast<float>(box_sum * box_reciprocal_);
    deepest = std::min(deepest, gain);

    // The sample latency() behind x[n] leaves with its gain.
    const float out = delay[delay_at];
    delay[delay_at] = sample;
    if (++delay_at == delay_size) delay_at = 0;
    sample = out * gain;
  }

  history_at_ = history_at;
  since_loud_ = since_loud;
  min_head_ = min_head;
  min_size_ = min_size;
  box_at_ = box_at;
  delay_at_ = delay_at;
  settled_ = settled;
  sample_index_ = m;
  last_interval_peak_ = last_interval_peak;
  released_ = released;
  deepest_ = deepest;
  box_sum_ = box_sum;
}

namespace {

class LevelledSource final : public MonoSource {
 public:
  LevelledSource(std::unique_ptr<MonoSource> source, int rate, const LevelSettings& settings)
      : source_(std::move(source)), leveller_(rate, settings) {}

  std::size_t read(std::span<float> out) override {
    const std::size_t n = source_->read(out);
    leveller_.process(out.first(n));
    return n;
  }

 private:
  std::unique_ptr<MonoSource> source_;
  LiveLeveller leveller_;
};

}  // namespace

std::unique_ptr<MonoSource> level_live(std::unique_ptr<MonoSource> source, int rate,
                                       const LevelSettings& settings) {
  return std::make_unique<LevelledSource>(std::move(source), rate, settings);
}

}  // namespace loa
