#pragma once

#include <chrono>
#include <span>

namespace loa {

// The built-in chime: a two-tone gong (a falling major third, each tone with a soft attack and a
// long exponential decay) that tells listeners an announcement follows.
inline constexpr std::chrono::milliseconds kBuiltinChimeLength{2500};

// Renders the built-in chime as mono float samples at `sample_rate` into `out` and returns the
// frames written: builtin_chime_frames(sample_rate), or as many as fit (the start of the same
// chime), or 0 for a rate <= 0. Peak is -6 dBFS; it starts and ends in silence. Deterministic, pure
// and real-time safe (no allocation, no locks; bounded work, about a dozen libm calls a frame).
std::size_t render_builtin_chime(int sample_rate, std::span<float> out);

// Frames the built-in chime takes at `sample_rate`: kBuiltinChimeLength rounded to the nearest
// frame, 0 for a rate <= 0.
std::size_t builtin_chime_frames(int sample_rate);

}  // namespace loa
