#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace loa::test {

enum class AudioFormat { wav16, flac, ogg_vorbis, opus, mp3 };

// Writes a sine tone of `seconds` at `rate` with `channels`, in `format`, through libsndfile.
// Deterministic. Throws std::runtime_error if libsndfile cannot write it.
void write_tone(const std::filesystem::path& path, double seconds, int rate = 48000,
                int channels = 1, AudioFormat format = AudioFormat::wav16,
                double frequency = 1000.0, double amplitude = 0.25);

// Keeps the first `bytes` bytes of a file: a file cut off by a full disk or an aborted copy.
void truncate_file(const std::filesystem::path& path, std::uintmax_t bytes);

enum class WavSamples { pcm16, pcm24, float32 };

// Writes interleaved samples (`channels` per frame) as a WAV file at `rate`. A float32 or pcm24
// file keeps a test signal clean of 16-bit quantization noise. Throws std::runtime_error if
// libsndfile cannot write it.
void write_wav(const std::filesystem::path& path, std::span<const float> interleaved, int rate,
               int channels = 1, WavSamples samples = WavSamples::float32);

// `frames` samples of a sine at `rate`: amplitude * sin(2 pi f t), starting at phase 0.
std::vector<float> sine_samples(std::size_t frames, int rate, double frequency, double amplitude);

// A WAV file read whole, as float samples.
struct Wav {
  int rate = 0;
  int channels = 0;
  std::vector<float> samples;  // interleaved
  float at(std::int64_t frame, int channel = 0) const {
    return samples.at(static_cast<std::size_t>(frame) * static_cast<std::size_t>(channels) +
                      static_cast<std::size_t>(channel));
  }
  std::int64_t frames() const {
    return static_cast<std::int64_t>(samples.size()) / static_cast<std::int64_t>(channels);
  }
};

// Throws std::runtime_error if `path` cannot be read.
Wav read_wav(const std::filesystem::path& path);

// Encodes `in` into `out` with the ffmpeg program (Debian's ffmpeg package; scripts/install-deps.sh
// test installs it): `options` go between the two, e.g. "-c:a aac -b:a 96k", `input_options` before
// the input (e.g. "-f lavfi"). For fixtures libsndfile cannot write (AAC in M4A, tagged MP3s).
// Throws std::runtime_error if ffmpeg is missing or fails.
void ffmpeg_encode(const std::filesystem::path& in, const std::filesystem::path& out,
                   const std::string& options, const std::string& input_options = "");

}  // namespace loa::test
