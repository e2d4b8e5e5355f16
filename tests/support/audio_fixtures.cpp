#include "loa_test/audio_fixtures.hpp"

#include <sndfile.h>

#include <cmath>
#include <cstdlib>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace loa::test {

void write_tone(const std::filesystem::path& path, double seconds, int rate, int channels,
                AudioFormat format, double frequency, double amplitude) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  switch (format) {
    case AudioFormat::wav16:
      info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
      break;
    case AudioFormat::flac:
      info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
      break;
    case AudioFormat::ogg_vorbis:
      info.format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
      break;
    case AudioFormat::opus:
      info.format = SF_FORMAT_OGG | SF_FORMAT_OPUS;
      break;
    case AudioFormat::mp3:
      info.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
      break;
  }
  std::filesystem::create_directories(path.parent_path());
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr)
    throw std::runtime_error("cannot write " + path.string() + ": " + sf_strerror(nullptr));
  const auto frames = static_cast<sf_count_t>(std::llround(seconds * rate));
  std::vector<float> block(static_cast<std::size_t>(4096 * channels));
  for (sf_count_t done = 0; done < frames;) {
    const sf_count_t n = std::min<sf_count_t>(4096, frames - done);
    for (sf_count_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(done + i) / rate;
      const auto v = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * frequency * t));
      for (int c = 0; c < channels; ++c) block[static_cast<std::size_t>(i * channels + c)] = v;
    }
    sf_writef_float(f, block.data(), n);
    done += n;
  }
  sf_close(f);
}

void truncate_file(const std::filesystem::path& path, std::uintmax_t bytes) {
  std::filesystem::resize_file(path, bytes);
}

void write_wav(const std::filesystem::path& path, std::span<const float> interleaved, int rate,
               int channels, WavSamples samples) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | (samples == WavSamples::pcm16   ? SF_FORMAT_PCM_16
                                 : samples == WavSamples::pcm24 ? SF_FORMAT_PCM_24
                                                                : SF_FORMAT_FLOAT);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr)
    throw std::runtime_error("cannot write " + path.string() + ": " + sf_strerror(nullptr));
  // Integer files: clip rather than wrap a sample at full scale.
  sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const auto frames = static_cast<sf_count_t>(interleaved.size()) / channels;
  const sf_count_t written = sf_writef_float(f, interleaved.data(), frames);
  sf_close(f);
  if (written != frames) throw std::runtime_error("cannot write " + path.string());
}

std::vector<float> sine_samples(std::size_t frames, int rate, double frequency, double amplitude) {
  std::vector<float> out(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / rate;
    out[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * frequency * t));
  }
  return out;
}

Wav read_wav(const std::filesystem::path& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (f == nullptr) throw std::runtime_error("cannot read " + path.string());
  Wav w{info.samplerate, info.channels,
        std::vector<float>(static_cast<std::size_t>(info.frames * info.channels))};
  sf_readf_float(f, w.samples.data(), info.frames);
  sf_close(f);
  return w;
}

void ffmpeg_encode(const std::filesystem::path& in, const std::filesystem::path& out,
                   const std::string& options, const std::string& input_options) {
  const auto quoted = [](const std::filesystem::path& p) { return "'" + p.string() + "'"; };
  const std::string command = "ffmpeg -nostdin -hide_banner -loglevel error -y " + input_options +
                              " -i " + quoted(in) + " " + options + " " + quoted(out) + " 2>&1";
  // NOLINTNEXTLINE(cert-env33-c): a test fixture, from fixed options and a temporary folder
  const int status = std::system(command.c_str());
  if (status != 0) {
    throw std::runtime_error("ffmpeg could not make " + out.string() + " (exit status " +
                             std::to_string(status) +
                             "; is ffmpeg installed? scripts/install-deps.sh test)");
  }
}

}  // namespace loa::test
