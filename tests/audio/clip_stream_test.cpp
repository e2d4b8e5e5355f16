#include "loa/clip_stream.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <numbers>
#include <numeric>
#include <vector>

#include "loa/chime.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

namespace fs = std::filesystem;
using test::AudioFormat;
using test::sine_samples;
using test::TempDir;
using test::WavSamples;
using test::write_tone;
using test::write_wav;

constexpr int kAir = 48000;

// Everything a stream gives, read `block` samples at a time as the renderer would.
std::vector<float> read_all(MonoSource& source, std::size_t block = 1000) {
  std::vector<float> out;
  std::vector<float> buffer(block);
  for (;;) {
    const std::size_t n = source.read(buffer);
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < block) return out;
  }
}

std::vector<float> stream(const fs::path& file, int rate = kAir, float gain = 1.0f,
                          std::size_t block = 1000) {
  auto source = open_clip_stream(file, rate, gain);
  return read_all(*source, block);
}

std::int64_t expected_frames(std::int64_t in_frames, int from, int to) {
  return std::llround(static_cast<double>(in_frames) * to / from);
}

std::vector<float> quantize16(std::vector<float> samples) {
  for (float& s : samples) s = std::clamp(std::round(s * 32768.0f), -32768.0f, 32767.0f) / 32768.0f;
  return samples;
}

// Signal-to-noise ratio of a sine at `frequency` in `samples` (at `rate`), in dB: the sine's power
// over the power of everything else (noise, distortion, aliases), measured over the middle second.
// The sine is fitted by least squares (sin, cos and DC over whole periods, where they are
// orthogonal), so its phase and level need not be known.
double sine_snr_db(const std::vector<float>& samples, int rate, double frequency) {
  const auto period = static_cast<std::size_t>(std::lround(rate / frequency));
  const std::size_t count = static_cast<std::size_t>(rate) / period * period;  // ~1 s
  const std::size_t start = (samples.size() - count) / 2;
  double s = 0;
  double c = 0;
  double dc = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double phase = 2 * std::numbers::pi * frequency * static_cast<double>(i) / rate;
    s += samples[start + i] * std::sin(phase);
    c += samples[start + i] * std::cos(phase);
    dc += samples[start + i];
  }
  const double n = static_cast<double>(count);
  s *= 2 / n;
  c *= 2 / n;
  dc /= n;
  double residual = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double phase = 2 * std::numbers::pi * frequency * static_cast<double>(i) / rate;
    const double fit = s * std::sin(phase) + c * std::cos(phase) + dc;
    residual += std::pow(samples[start + i] - fit, 2);
  }
  const double signal = (s * s + c * c) / 2 * n;
  return 10 * std::log10(signal / residual);
}

// A 3 s 1 kHz sine at -6 dBFS, written as 24-bit so the source itself is clean (~140 dB).
fs::path clean_sine(const TempDir& dir, int rate) {
  const auto path = dir / ("sine-" + std::to_string(rate) + ".wav");
  write_wav(path, sine_samples(static_cast<std::size_t>(rate) * 3, rate, 1000.0, 0.5), rate, 1,
            WavSamples::pcm24);
  return path;
}

void expect_resampling_quality(int from) {
  TempDir dir;
  const auto out = stream(clean_sine(dir, from));
  const double raw = sine_snr_db(out, kAir, 1000.0);
  const double at16 = sine_snr_db(quantize16(out), kAir, 1000.0);
  std::cout << "  1 kHz at -6 dBFS, " << from << " -> " << kAir << " Hz: SNR " << raw
            << " dB (float), " << at16 << " dB (quantized to 16 bits)\n";
  EXPECT_GE(at16, 85.0);
  EXPECT_GE(raw, 100.0);  // the resampler itself stays well under 16-bit noise
}

TEST(ClipStreamQuality, From44100KeepsA1kHzToneClean) {
  expect_resampling_quality(44100);
}

TEST(ClipStreamQuality, From22050KeepsA1kHzToneClean) {
  expect_resampling_quality(22050);
}

// The check behind the two above: a 16-bit quantized sine at -6 dBFS cannot do better than ~92 dB.
TEST(ClipStreamQuality, SnrMeasureIsSound) {
  const auto sine = sine_samples(kAir * 3, kAir, 1000.0, 0.5);
  EXPECT_GT(sine_snr_db(sine, kAir, 1000.0), 130.0);
  const double at16 = sine_snr_db(quantize16(sine), kAir, 1000.0);
  EXPECT_NEAR(at16, 92.0, 2.0);
}

TEST(ClipStreamQuality, AtTheAirRateIsBitExact) {
  TempDir dir;
  write_tone(dir / "a.wav", 1.5, kAir, 1, AudioFormat::wav16);
  SF_INFO info{};
  SNDFILE* file = sf_open((dir / "a.wav").c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr);
  std::vector<float> direct(static_cast<std::size_t>(info.frames));
  ASSERT_EQ(sf_readf_float(file, direct.data(), info.frames), info.frames);
  sf_close(file);
  EXPECT_EQ(stream(dir / "a.wav", kAir, 1.0f, 333), direct);
}

TEST(ClipStreamTiming, LengthFollowsTheRateRatio) {
  TempDir dir;
  for (const int from : {44100, 22050, 32000, 96000, 8000}) {
    for (const std::int64_t frames : {1LL, 100LL, 44100LL, 88237LL}) {
      const auto path = dir / "a.wav";
      write_wav(path, std::vector<float>(static_cast<std::size_t>(frames), 0.1f), from);
      for (const std::size_t block : {7UL, 4096UL}) {
        const auto out = stream(path, kAir, 1.0f, block);
        EXPECT_NEAR(static_cast<double>(out.size()),
                    static_cast<double>(expected_frames(frames, from, kAir)), 1.0)
            << frames << " frames at " << from << " Hz, read " << block << " at a time";
      }
    }
  }
}

TEST(ClipStreamTiming, AClickLandsWhereItShould) {
  TempDir dir;
  for (const int from : {44100, 22050, 96000}) {
    for (const std::size_t k : {0UL, 1UL, 2047UL, 12345UL, 40000UL}) {
      std::vector<float> clip(static_cast<std::size_t>(from) * 2, 0.0f);
      clip[k] = 0.5f;
      write_wav(dir / "click.wav", clip, from);
      const auto out = stream(dir / "click.wav");
      const auto peak = std::ranges::max_element(out, {}, [](float s) { return std::abs(s); });
      const auto at = static_cast<double>(peak - out.begin());
      EXPECT_NEAR(at, std::round(static_cast<double>(k) * kAir / from), 1.0)
          << "click at " << k << " of " << from << " Hz";
    }
  }
}

TEST(ClipStreamDownmix, OppositeChannelsCancel) {
  TempDir dir;
  const auto left = sine_samples(44100, 44100, 440.0, 0.5);
  std::vector<float> stereo;
  for (const float s : left) stereo.insert(stereo.end(), {s, -s});
  write_wav(dir / "a.wav", stereo, 44100, 2);
  const auto out = stream(dir / "a.wav");
  ASSERT_EQ(out.size(), 48000U);
  EXPECT_EQ(*std::ranges::max_element(out, {}, [](float s) { return std::abs(s); }), 0.0f);
}

TEST(ClipStreamDownmix, EqualChannelsSoundLikeMono) {
  TempDir dir;
  const auto mono = sine_samples(44100, 44100, 440.0, 0.5);
  std::vector<float> stereo;
  for (const float s : mono) stereo.insert(stereo.end(), {s, s});
  write_wav(dir / "mono.wav", mono, 44100, 1);
  write_wav(dir / "stereo.wav", stereo, 44100, 2);
  EXPECT_EQ(stream(dir / "stereo.wav"), stream(dir / "mono.wav"));
}

TEST(ClipStreamDownmix, IsTheMeanOfTheChannels) {
  TempDir dir;
  write_wav(dir / "a.wav", std::vector<float>{0.5f, 0.25f, 0.0f, -0.5f, 1.0f, 0.5f}, kAir, 2);
  EXPECT_EQ(stream(dir / "a.wav"), (std::vector<float>{0.375f, -0.25f, 0.75f}));
}

TEST(ClipStreamGain, ScalesTheOutput) {
  TempDir dir;
  write_tone(dir / "a.flac", 1.0, 44100, 2, AudioFormat::flac);
  auto plain = stream(dir / "a.flac");
  const auto half = stream(dir / "a.flac", kAir, 0.5f);
  for (float& s : plain) s *= 0.5f;
  EXPECT_EQ(half, plain);
}

// Every format the station may use decodes to the right length and level (write_tone's 1 kHz at
// amplitude 0.25: RMS -15.05 dBFS). Lossy codecs may be a codec frame off.
TEST(ClipStreamFormats, EachDecodesAtTheRightLengthAndLevel) {
  TempDir dir;
  const struct {
    const char* name;
    AudioFormat format;
    int rate;
    int channels;
  } cases[] = {{"a.wav", AudioFormat::wav16, 44100, 2},
               {"a.flac", AudioFormat::flac, 22050, 1},
               {"a.ogg", AudioFormat::ogg_vorbis, 44100, 2},
               {"a.opus", AudioFormat::opus, 48000, 1},
               {"a.mp3", AudioFormat::mp3, 44100, 2}};
  for (const auto& c : cases) {
    write_tone(dir / c.name, 2.0, c.rate, c.channels, c.format);
    const auto out = stream(dir / c.name);
    EXPECT_NEAR(static_cast<double>(out.size()), 2.0 * kAir, 0.03 * kAir) << c.name;
    const double power = std::inner_product(out.begin(), out.end(), out.begin(), 0.0) /
                         static_cast<double>(out.size());
    EXPECT_NEAR(10 * std::log10(power), 20 * std::log10(0.25 / std::numbers::sqrt2), 0.3) << c.name;
  }
}

TEST(ClipStreamEnd, StaysEnded) {
  TempDir dir;
  write_tone(dir / "a.wav", 0.1, 44100);
  auto source = open_clip_stream(dir / "a.wav", kAir, 1.0f);
  read_all(*source);
  std::vector<float> more(100);
  EXPECT_EQ(source->read(more), 0U);
  EXPECT_EQ(source->read(more), 0U);
}

TEST(ClipStreamErrors, UnplayableClipsDoNotOpen) {
  TempDir dir;
  const auto reason_for = [](const fs::path& file) -> std::string {
    try {
      open_clip_stream(file, kAir, 1.0f);
    } catch (const ClipStreamError& e) {
      return e.what();
    }
    return "(opened)";
  };
  EXPECT_EQ(reason_for(dir / "missing.wav"), "file not found");
  EXPECT_EQ(reason_for(dir.write("empty.wav", "")), "empty (no audio)");
  EXPECT_TRUE(reason_for(dir.write("notes.mp3", "call the studio at 9\n"))
                  .starts_with("not an audio file"));
}

TEST(ClipStreamErrors, ADamagedClipFailsMidStream) {
  TempDir dir;
  const auto path = dir / "a.flac";
  write_tone(path, 2.0, 44100, 2, AudioFormat::flac);
  test::truncate_file(path, fs::file_size(path) / 2);
  auto source = open_clip_stream(path, kAir, 1.0f);
  std::vector<float> buffer(1000);
  std::size_t aired = 0;
  try {
    for (std::size_t n = 0; (n = source->read(buffer)) == buffer.size();) aired += n;
    ADD_FAILURE() << "a cut FLAC streamed to its end";
  } catch (const ClipStreamError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("truncated: audio stops at ")) << e.what();
  }
  EXPECT_GT(aired, 0U);  // what came before the damage aired
  EXPECT_EQ(source->read(buffer), 0U);
}

TEST(BuiltinChimeStream, IsTheChimeTimesTheGain) {
  for (const int rate : {44100, 48000}) {
    std::vector<float> chime(builtin_chime_frames(rate));
    render_builtin_chime(rate, chime);
    for (float& s : chime) s *= 0.5f;
    auto source = open_builtin_chime(rate, 0.5f);
    EXPECT_EQ(read_all(*source, 777), chime);
  }
}

}  // namespace
}  // namespace loa
