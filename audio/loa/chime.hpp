#pragma once

#include <chrono>
#include <span>

namespace loa {

// The built-in chime: a two-tone gong (a falling major third, each tone with a soft attack and a
// long exponential decay) that tells listeners an announcement follows.
inline constexpr std::chrono::milliseconds kBuiltinChimeLength{2500};

// Renders the built-in chime as mono float samples at `sample_rate`, into `out` (which must hold
// at least kBuiltinChimeLength worth of frames); returns the frames written. Peak is -6 dBFS.
// Pure and real-time safe (no allocation).
std::size_t render_builtin_chime(int sample_rate, std::span<float> out);

// Frames the built-in chime takes at `sample_rate`.
std::size_t builtin_chime_frames(int sample_rate);

}  // namespace loa
