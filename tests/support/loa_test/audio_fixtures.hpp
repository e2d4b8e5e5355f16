#pragma once

#include <filesystem>

namespace loa::test {

enum class AudioFormat { wav16, flac, ogg_vorbis, opus, mp3 };

// Writes a sine tone of `seconds` at `rate` with `channels`, in `format`, through libsndfile.
// Deterministic. Throws std::runtime_error if libsndfile cannot write it.
void write_tone(const std::filesystem::path& path, double seconds, int rate = 48000,
                int channels = 1, AudioFormat format = AudioFormat::wav16,
                double frequency = 1000.0, double amplitude = 0.25);

// Keeps the first `bytes` bytes of a file: a file cut off by a full disk or an aborted copy.
void truncate_file(const std::filesystem::path& path, std::uintmax_t bytes);

}  // namespace loa::test
