#pragma once

// The true peak of a clip (ITU-R BS.1770 annex 2): the largest absolute value of the signal
// oversampled 4 times (2 times from 96 kHz, not at all from 192 kHz), so that peaks falling between
// samples count. Private to audio/.
//
// Oversampled with soxr at HQ (linear phase) rather than libebur128's own true-peak meter: the
// same measurement with a flatter filter, for half the CPU (libebur128's 49-tap interpolator was
// 80% of a loudness scan).

#include <soxr.h>

#include <memory>
#include <span>
#include <type_traits>
#include <vector>

namespace loa::detail {

class TruePeakMeter {
 public:
  // Throws std::runtime_error if soxr cannot be set up (out of memory).
  explicit TruePeakMeter(int rate);

  // One block of mono samples; allocates nothing after the first call. Throws std::runtime_error
  // if soxr fails.
  void add(std::span<const float> samples);

  // The peak, linear: at least the sample peak. Flushes the filter: call once, after the last add.
  double finish();

 private:
  void take(std::size_t made);

  struct SoxrDeleter {
    void operator()(soxr_t resampler) const { soxr_delete(resampler); }
  };
  std::unique_ptr<std::remove_pointer_t<soxr_t>, SoxrDeleter> resampler_;
  std::vector<float> out_;
  float high_ = 0.0f;  // the largest sample so far
  float low_ = 0.0f;   // the smallest (most negative)
};

}  // namespace loa::detail
