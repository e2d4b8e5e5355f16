#pragma once

// Live loudness levelling, for sources whose loudness is not known ahead (a relay, a capture
// input): a slow gain rider toward a target loudness, then a look-ahead true-peak limiter.
//
// - The rider measures the source's short-term loudness (EBU R128, 3 s window, libebur128) every
//   100 ms and moves its gain toward target - loudness, within +-12 dB (by default). It cuts with
//   an attack time constant of 2 s and boosts with a release time constant of 8 s (exponential,
//   in dB), and changes its gain smoothly across each 100 ms, never by steps. While the source is
//   quieter than the gate (-50 LUFS, momentary (400 ms) or short-term: silence, dead air, a pause,
//   a line-in with nothing on it) the gain holds: silence is never pumped up, and speech after a
//   pause starts at the gain it had.
// - The limiter keeps the true peak (the signal oversampled 4x, a 128-tap windowed sinc) at or
// under -1 dBTP: it
//   looks 5 ms ahead, so its gain is already down when a peak arrives (no overshoot, no clipping),
//   and recovers at 100 dB/s (6 dB in 60 ms). It aims 0.5 dB under the ceiling, so that a meter
//   with another interpolation filter (libebur128's, soxr's) also reads -1 dBTP or less.
// - Latency: 5 ms + 31 samples. The output is the input delayed by latency() frames (the first
//   frames are silence): a live source's length is kept, its content shifts by 5 ms.
//
// Real-time: after construction nothing allocates, locks or throws; it runs in the producer thread
// that mixes (a relay's or an input's read()), never in the audio callback. One thread at a time.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "loa/mono_source.hpp"

namespace loa {

struct LevelSettings {
  double target_lufs = -16.0;
  double max_boost_db = 12.0;  // the rider's gain stays within [-max_cut_db, +max_boost_db]
  double max_cut_db = 12.0;
  double attack_seconds = 2.0;   // time constant of the rider's cuts
  double release_seconds = 8.0;  // time constant of its boosts
  double gate_lufs = -50.0;      // short-term loudness under which the gain holds
  double ceiling_dbtp = -1.0;    // the true peak never exceeds this
  // A fixed gain after the rider, before the limiter (an item's or a zone's trim): the source
  // airs this far from the target, and the rider's range stays around the target.
  double trim_db = 0.0;
};

class LiveLeveller {
 public:
  // Throws std::invalid_argument for a rate under 8000 Hz, std::runtime_error if libebur128
  // cannot be set up (out of memory).
  LiveLeveller(int rate, const LevelSettings& settings);
  ~LiveLeveller();
  LiveLeveller(const LiveLeveller&) = delete;
  LiveLeveller& operator=(const LiveLeveller&) = delete;

  // Levels `block` in place (the output is the input latency() frames earlier, levelled).
  // noexcept, allocation-free.
  void process(std::span<float> block) noexcept;

  // The rider's gain now, in dB (for meters and tests).
  double rider_gain_db() const { return rider_db_; }
  // The smallest limiter gain so far, in dB (0 if it never acted).
  double deepest_limit_db() const;
  std::size_t latency() const { return lookahead_ + 2 * kInterpolationDelay - 1; }

 private:
  static constexpr std::size_t kPhases = 4;  // oversampling for the true peak
  static constexpr std::size_t kTaps = 32;   // per phase
  static constexpr std::size_t kInterpolationDelay = kTaps / 2;
  static constexpr std::size_t kLanes = 8;  // partial sums of the interpolator (divides kTaps)

  void end_of_hop() noexcept;
  double mean_lufs(std::size_t hops) const noexcept;  // of the last `hops` hops measured
  // Rider-gained samples in, as many limited ones out in place, latency() behind.
  void limit(std::span<float> block) noexcept;

  const int rate_;
  const LevelSettings settings_;
  const float trim_;
  struct Meter;  // libebur128's state (momentary mode: it keeps 400 ms)
  std::unique_ptr<Meter> meter_;

  // The rider.
  const std::size_t hop_;  // 100 ms
  std::size_t in_hop_ = 0;
  // The K-weighted mean square of each of the last 30 hops (3 s), circular: the short-term
  // loudness is their mean, the momentary the mean of the last 4. libebur128 would sum its 3 s of
  // samples again at every hop: 30 times the work, the larger part of the leveller's.
  static constexpr std::size_t kShortTermHops = 30;
  static constexpr std::size_t kMomentaryHops = 4;
  std::array<double, kShortTermHops> hop_energy_{};
  std::size_t hops_measured_ = 0;
  double rider_db_ = 0.0;
  float gain_from_ = 1.0f;  // linear gain at the start of this hop, and at its end
  float gain_to_ = 1.0f;

  // The limiter: history of gained samples for interpolation, the delay line, the running
  // minimum (a monotonic queue) of the required gain over the look-ahead, the release, and the
  // box average that makes the gain's attack a smooth ramp.
  const std::size_t lookahead_;
  const float ceiling_;
  const float release_step_;
  std::vector<float> fir_;      // kPhases-1 phases x kTaps
  std::vector<float> history_;  // last kTaps gained samples, circular, twice over
  std::size_t history_at_ = 0;
  float last_interval_peak_ = 0.0f;
  // Samples up to this level cannot make an interpolated value over the ceiling (the ceiling
  // over the interpolator's largest sum of |taps|): while the history holds no louder sample,
  // interpolating is skipped, with the same result.
  float quiet_enough_ = 0.0f;
  std::size_t since_loud_ = kTaps;  // samples into the history since one above quiet_enough_
  std::vector<float> delay_;        // gained samples waiting for their gain, circular
  std::size_t delay_at_ = 0;
  std::vector<float> min_value_;  // the monotonic queue, circular, capacity lookahead_ + 2 *
                                  // kInterpolationDelay + 1
  std::vector<std::int64_t> min_index_;
  std::size_t min_head_ = 0;
  std::size_t min_size_ = 0;
  std::int64_t sample_index_ = 0;
  float released_ = 1.0f;
  std::vector<float> box_;  // the last lookahead_ released gains, circular
  std::size_t box_at_ = 0;
  std::size_t settled_ = 0;  // the last released gains that were 1, up to lookahead_
  double box_sum_ = 0.0;
  double box_reciprocal_ = 0.0;  // 1 / lookahead_
  float deepest_ = 1.0f;
};

// `source` levelled live (a MonoSource that reads it and levels it in place): its length is kept.
std::unique_ptr<MonoSource> level_live(std::unique_ptr<MonoSource> source, int rate,
                                       const LevelSettings& settings);

}  // namespace loa
