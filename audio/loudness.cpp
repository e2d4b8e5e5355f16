#include "loa/loudness.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sndfile_open.hpp"
#include "true_peak.hpp"

namespace loa {

namespace {

namespace fs = std::filesystem;

constexpr sf_count_t kBlockFrames = 4096;
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

// The mono downmix, as a zone's loudspeaker hears it: the mean of the channels.
std::span<const float> downmix(std::span<const float> block, std::size_t channels,
                               std::vector<float>& mono) {
  if (channels == 1) return block;
  const std::size_t frames = block.size() / channels;
  if (channels == 2) {
    // Most clips are stereo: a loop the compiler vectorises, with the same result as below.
    for (std::size_t i = 0; i < frames; ++i) mono[i] = (block[2 * i] + block[2 * i + 1]) * 0.5f;
  } else {
    const float scale = 1.0f / static_cast<float>(channels);
    for (std::size_t i = 0; i < frames; ++i) {
      float sum = 0.0f;
      for (std::size_t c = 0; c < channels; ++c) sum += block[i * channels + c];
      mono[i] = sum * scale;
    }
  }
  return std::span<const float>(mono).first(frames);
}

double to_dbfs(double linear) {
  if (linear <= 0.0) return kSilencePeak;
  return std::max(kSilencePeak, 20.0 * std::log10(linear));
}

// Streams the clip through the meters; the decoded frame count, or why the clip cannot air.
std::variant<sf_count_t, ClipError> feed(SNDFILE* file, const SF_INFO& info, ebur128_state* meter,
                                         detail::TruePeakMeter& peak) {
  const auto channels = static_cast<std::size_t>(info.channels);
  std::vector<float> block(static_cast<std::size_t>(kBlockFrames) * channels);
  std::vector<float> mono_block(channels > 1 ? static_cast<std::size_t>(kBlockFrames) : 0);
  sf_count_t frames = 0;
  for (sf_count_t n = 0; (n = sf_readf_float(file, block.data(), kBlockFrames)) > 0;) {
    const auto decoded =
        std::span<const float>(block).first(static_cast<std::size_t>(n) * channels);
    const std::span<const float> mono = downmix(decoded, channels, mono_block);
    if (ebur128_add_frames_float(meter, mono.data(), mono.size()) != EBUR128_SUCCESS) {
      return fail("cannot measure loudness (out of memory)");
    }
    peak.add(mono);
    frames += n;
  }
  if (auto error = detail::check_decoded(file, info, frames)) return *error;
  if (frames == 0) return fail("empty (no audio)");
  return frames;
}

}  // namespace

LoudnessResult measure_loudness(const fs::path& file) {
  auto opened = detail::open_sndfile(file);
  if (auto* error = std::get_if<ClipError>(&opened)) return std::move(*error);
  const auto& [handle, info] = std::get<detail::OpenedClip>(opened);

  // One channel: the downmix. Its default role (left) weighs 1, so a full-scale 1 kHz sine
  // measures -3.01 LUFS, as R128 specifies for one channel.
  Ebur128Ptr meter(ebur128_init(1, static_cast<unsigned long>(info.samplerate), EBUR128_MODE_I));
  if (!meter) return fail("cannot measure loudness (out of memory)");
  double integrated = kSilenceLufs;
  double peak = 0.0;
  sf_count_t frames = 0;
  try {
    detail::TruePeakMeter peak_meter(info.samplerate);
    auto fed = feed(handle.get(), info, meter.get(), peak_meter);
    if (auto* error = std::get_if<ClipError>(&fed)) return std::move(*error);
    peak = peak_meter.finish();
    if (ebur128_loudness_global(meter.get(), &integrated) != EBUR128_SUCCESS) {
      return fail("cannot measure loudness");
    }
    frames = std::get<sf_count_t>(fed);
  } catch (const std::runtime_error& e) {
    return fail(std::string("cannot measure loudness: ") + e.what());
  }
  // libebur128 gives -inf when every block is gated out (silence); the contract says -70.
  if (!std::isfinite(integrated) || integrated < kSilenceLufs) integrated = kSilenceLufs;
  return Loudness{.integrated_lufs = integrated,
                  .peak_dbfs = to_dbfs(peak),
                  .frames = frames,
                  .sample_rate = info.samplerate,
                  .channels = info.channels};
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
