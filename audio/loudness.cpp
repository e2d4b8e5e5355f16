#include "loa/loudness.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "clip_decoder.hpp"
#include "true_peak.hpp"

namespace loa {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBlockFrames = 4096;
constexpr double kSilenceLufs = -70.0;   // R128's absolute gate: below it nothing counts
constexpr double kSilencePeak = -144.0;  // below 24-bit resolution; a digital zero
constexpr double kPeakCeilingDbfs = -1.0;

struct Ebur128Deleter {
  void operator()(ebur128_state* state) const { ebur128_destroy(&state); }
};
using Ebur128Ptr = std::unique_ptr<ebur128_state, Ebur128Deleter>;

ClipError fail(std::string reason) {
  return ClipError{std::move(reason)};
}

double to_dbfs(double linear) {
  if (linear <= 0.0) return kSilencePeak;
  return std::max(kSilencePeak, 20.0 * std::log10(linear));
}

// Streams the clip (its mono downmix, as a zone's loudspeaker hears it) through the meters; the
// decoded frame count, or why the clip cannot air.
std::variant<std::int64_t, ClipError> feed(detail::ClipDecoder& decoder, ebur128_state* meter,
                                           detail::TruePeakMeter& peak) {
  std::vector<float> block(kBlockFrames);
  for (;;) {
    const std::size_t n = decoder.read(block);
    const auto mono = std::span<const float>(block).first(n);
    if (n > 0 && ebur128_add_frames_float(meter, mono.data(), n) != EBUR128_SUCCESS) {
      return fail("cannot measure loudness (out of memory)");
    }
    peak.add(mono);
    if (n < block.size()) break;
  }
  if (auto error = decoder.verdict()) return *error;
  if (decoder.decoded() == 0) return fail("empty (no audio)");
  return decoder.decoded();
}

}  // namespace

LoudnessResult measure_loudness(const fs::path& file) {
  auto opened = detail::open_decoder(file);
  if (auto* error = std::get_if<ClipError>(&opened)) return std::move(*error);
  auto& decoder = *std::get<std::unique_ptr<detail::ClipDecoder>>(opened);

  // One channel: the downmix. Its default role (left) weighs 1, so a full-scale 1 kHz sine
  // measures -3.01 LUFS, as R128 specifies for one channel.
  Ebur128Ptr meter(ebur128_init(1, static_cast<unsigned long>(decoder.rate()), EBUR128_MODE_I));
  if (!meter) return fail("cannot measure loudness (out of memory)");
  double integrated = kSilenceLufs;
  double peak = 0.0;
  std::int64_t frames = 0;
  try {
    detail::TruePeakMeter peak_meter(decoder.rate());
    auto fed = feed(decoder, meter.get(), peak_meter);
    if (auto* error = std::get_if<ClipError>(&fed)) return std::move(*error);
    peak = peak_meter.finish();
    if (ebur128_loudness_global(meter.get(), &integrated) != EBUR128_SUCCESS) {
      return fail("cannot measure loudness");
    }
    frames = std::get<std::int64_t>(fed);
  } catch (const std::runtime_error& e) {
    return fail(std::string("cannot measure loudness: ") + e.what());
  }
  // libebur128 gives -inf when every block is gated out (silence); the contract says -70.
  if (!std::isfinite(integrated) || integrated < kSilenceLufs) integrated = kSilenceLufs;
  return Loudness{.integrated_lufs = integrated,
                  .peak_dbfs = to_dbfs(peak),
                  .frames = frames,
                  .sample_rate = decoder.rate(),
                  .channels = decoder.channels()};
}

float normalization_gain(const Loudness& l, double target_lufs, bool* capped) {
  if (capped != nullptr) *capped = false;
  // Silence has no loudness to correct; raising it would only raise its noise.
  if (!std::isfinite(l.integrated_lufs) || l.integrated_lufs <= kSilenceLufs) return 1.0f;
  const double wanted_db = target_lufs - l.integrated_lufs;
  const double ceiling_db = kPeakCeilingDbfs - l.peak_dbfs;
  const bool limited = wanted_db > ceiling_db;
  if (capped != nullptr) *capped = limited;
  return static_cast<float>(std::pow(10.0, (limited ? ceiling_db : wanted_db) / 20.0));
}

}  // namespace loa
