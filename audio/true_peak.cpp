#include "true_peak.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace loa::detail {

namespace {

int oversampling(int rate) {
  if (rate < 96000) return 4;
  if (rate < 192000) return 2;
  return 1;
}

// Keeps high and low over the block. Eight running extremes side by side, which GCC turns into
// vector max/min at -O2; one running pair (or std::fabs and std::max, for NaN's sake) it would not
// vectorise, and that loop alone was 15% of a loudness scan.
void extremes(std::span<const float> block, float& high, float& low) {
  constexpr std::size_t kLanes = 8;
  std::array<float, kLanes> h;
  std::array<float, kLanes> l;
  h.fill(high);
  l.fill(low);
  std::size_t i = 0;
  for (; i + kLanes <= block.size(); i += kLanes) {
    for (std::size_t k = 0; k < kLanes; ++k) {
      const float x = block[i + k];
      h[k] = x > h[k] ? x : h[k];
      l[k] = x < l[k] ? x : l[k];
    }
  }
  for (; i < block.size(); ++i) {
    h[0] = block[i] > h[0] ? block[i] : h[0];
    l[0] = block[i] < l[0] ? block[i] : l[0];
  }
  high = *std::max_element(h.begin(), h.end());
  low = *std::min_element(l.begin(), l.end());
}

}  // namespace

TruePeakMeter::TruePeakMeter(int rate) {
  const int factor = oversampling(rate);
  if (factor == 1) return;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);  // the caller owns the threading
  soxr_error_t error = nullptr;
  resampler_.reset(
      soxr_create(rate, static_cast<double>(rate) * factor, 1, &error, &io, &quality, &runtime));
  if (error != nullptr || !resampler_) {
    throw std::runtime_error(std::string("cannot oversample for the true peak: ") +
                             (error != nullptr ? error : "out of memory"));
  }
  out_.resize(4096 * static_cast<std::size_t>(factor));
}

void TruePeakMeter::take(std::size_t made) {
  extremes(std::span<const float>(out_).first(made), high_, low_);
}

void TruePeakMeter::add(std::span<const float> samples) {
  extremes(samples, high_, low_);
  if (!resampler_) return;
  while (!samples.empty()) {
    std::size_t used = 0;
    std::size_t made = 0;
    const soxr_error_t error = soxr_process(resampler_.get(), samples.data(), samples.size(), &used,
                                            out_.data(), out_.size(), &made);
    if (error != nullptr) throw std::runtime_error(std::string("oversampling failed: ") + error);
    take(made);
    if (used == 0 && made == 0) break;  // soxr takes input whenever it has room: never spin
    samples = samples.subspan(used);
  }
}

double TruePeakMeter::finish() {
  if (resampler_) {
    // A null input flushes what the filter still holds.
    for (;;) {
      std::size_t made = 0;
      const soxr_error_t error =
          soxr_process(resampler_.get(), nullptr, 0, nullptr, out_.data(), out_.size(), &made);
      if (error != nullptr) throw std::runtime_error(std::string("oversampling failed: ") + error);
      if (made == 0) break;
      take(made);
    }
  }
  return std::max(static_cast<double>(high_), -static_cast<double>(low_));
}

}  // namespace loa::detail
