#include "loa/chime.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace loa {

namespace {

constexpr double kPeak = 0.50118723362727224;  // -6 dBFS, 10^(-6/20)
constexpr double kAttack = 0.008;              // seconds; an instant onset would click
constexpr double kFadeOut = 0.25;              // seconds; the tail fades to silence, not chopped

struct Tone {
  double frequency;  // Hz
  double start;      // seconds
  double amplitude;
  double decay;  // seconds for the fundamental to fall to 1/e
};

// G5 then Eb5: "ding-dong", a falling major third. The second tone is a little softer and rings
// longer, like the second bar of a door chime.
constexpr std::array<Tone, 2> kTones{{{783.99, 0.0, 1.0, 0.45}, {622.25, 0.6, 0.9, 0.6}}};

// Second and third harmonics, decaying twice and three times as fast as the fundamental, give the
// struck-metal brightness that fades into a pure tone.
constexpr double kSecond = 0.25;
constexpr double kThird = 0.08;

// 0 -> 1 with zero slope at both ends.
double smooth_step(double x) {
  return (1.0 - std::cos(std::numbers::pi * std::clamp(x, 0.0, 1.0))) / 2;
}

double tone_sample(const Tone& tone, double t, int sample_rate) {
  const double local = t - tone.start;
  if (local < 0) return 0.0;
  // Squared, so the first millisecond stays below -40 dBFS and the onset is soft, not a click.
  const double rise = smooth_step(local / kAttack);
  const double envelope = std::exp(-local / tone.decay);
  const double phase = 2 * std::numbers::pi * tone.frequency * local;
  const double s = std::sin(phase);
  const double c = std::cos(phase);
  // Partials above Nyquist would alias into off-key tones at low sample rates.
  const double nyquist = 0.5 * sample_rate;
  const auto audible = [&](double multiple) {
    return tone.frequency * multiple < nyquist ? 1.0 : 0.0;
  };
  const double sum = audible(1) * s +                                                      //
                     audible(2) * kSecond * envelope * (2 * s * c) +                       // sin 2x
                     audible(3) * kThird * envelope * envelope * (3 * s - 4 * s * s * s);  // sin 3x
  return tone.amplitude * rise * rise * envelope * sum;
}

double chime_sample(std::size_t frame, std::size_t frames, int sample_rate) {
  const double t = static_cast<double>(frame) / sample_rate;
  double sum = 0.0;
  for (const Tone& tone : kTones) sum += tone_sample(tone, t, sample_rate);
  const double to_end = static_cast<double>(frames - frame) / sample_rate;
  return sum * smooth_step(to_end / kFadeOut);
}

}  // namespace

std::size_t builtin_chime_frames(int sample_rate) {
  if (sample_rate <= 0) return 0;
  const auto ms = static_cast<std::size_t>(kBuiltinChimeLength.count());
  return (static_cast<std::size_t>(sample_rate) * ms + 500) / 1000;
}

std::size_t render_builtin_chime(int sample_rate, std::span<float> out) {
  const std::size_t frames = builtin_chime_frames(sample_rate);
  // The peak is found over the whole chime, not just the part that fits, so a short buffer gets
  // the same samples as the start of a full one. Two passes instead of a buffer: no allocation.
  double peak = 0.0;
  for (std::size_t i = 0; i < frames; ++i) {
    peak = std::max(peak, std::abs(chime_sample(i, frames, sample_rate)));
  }
  const double gain = peak > 0.0 ? kPeak / peak : 0.0;
  const std::size_t written = std::min(frames, out.size());
  for (std::size_t i = 0; i < written; ++i) {
    out[i] = static_cast<float>(gain * chime_sample(i, frames, sample_rate));
  }
  return written;
}

}  // namespace loa
