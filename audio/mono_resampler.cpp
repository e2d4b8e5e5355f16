#include "mono_resampler.hpp"

#include <stdexcept>
#include <string>

namespace loa::detail {

MonoResampler make_mono_resampler(int from, int to) {
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  soxr_error_t error = nullptr;
  MonoResampler resampler(soxr_create(from, to, 1, &error, &io, &quality, &runtime));
  if (error != nullptr || !resampler) {
    throw std::runtime_error(std::string("cannot resample from ") + std::to_string(from) + " to " +
                             std::to_string(to) +
                             " Hz: " + (error != nullptr ? error : "soxr refused"));
  }
  return resampler;
}

}  // namespace loa::detail
