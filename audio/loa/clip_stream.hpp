#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "loa/mono_source.hpp"

namespace loa {

// A clip that cannot be played; what() is the reason in an operator's words (as ClipError).
class ClipStreamError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Opens a clip for airing: streamed decoding with libsndfile (a small buffer at a time, never the
// whole file), downmix to mono (the mean of the channels), resampling to `rate` with soxr at
// broadcast quality (SOXR_HQ; a 1 kHz tone keeps > 85 dB SNR after 44.1 -> 48 kHz), then `gain`
// (linear). Throws ClipStreamError if the clip cannot be opened. Not real-time safe.
std::unique_ptr<MonoSource> open_clip_stream(const std::filesystem::path& file, int rate,
                                             float gain);

// The built-in chime at `rate`, times `gain`.
std::unique_ptr<MonoSource> open_builtin_chime(int rate, float gain);

}  // namespace loa
