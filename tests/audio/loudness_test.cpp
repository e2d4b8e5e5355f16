#include "loa/loudness.hpp"

#include <ebur128.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <numbers>
#include <sstream>
#include <thread>
#include <vector>

#include "loa/clip_probe.hpp"
#include "loa/clip_stream.hpp"
#include "loa/loudness_pass.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

namespace fs = std::filesystem;
using test::AudioFormat;
using test::sine_samples;
using test::TempDir;
using test::write_tone;
using test::write_wav;

// EBU R128 / ITU-R BS.1770: a full-scale 1 kHz sine in one channel reads -3.01 LUFS (the
// K-weighting and the -0.691 offset cancel at 1 kHz, leaving the sine's mean square, 1/2). At
// amplitude A it reads 20 log10(A) - 3.01.
double sine_lufs(double amplitude) {
  return 20 * std::log10(amplitude) + 10 * std::log10(0.5);
}

Loudness expect_loudness(const LoudnessResult& result) {
  if (const auto* error = std::get_if<ClipError>(&result)) {
    ADD_FAILURE() << "expected a measurement, got: " << error->reason;
    return {};
  }
  return std::get<Loudness>(result);
}

std::string expect_error(const LoudnessResult& result) {
  if (std::holds_alternative<Loudness>(result)) {
    ADD_FAILURE() << "expected an error, got a measurement";
    return {};
  }
  return std::get<ClipError>(result).reason;
}

// Speech-like: a few harmonics of a 150 Hz voice, swelling and fading four times a second like
// syllables, with pauses. Its crest factor (~15 dB) leaves room for a gain of a dozen dB.
std::vector<float> speechlike(int rate, double seconds, double amplitude) {
  const auto frames = static_cast<std::size_t>(seconds * rate);
  std::vector<float> out(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double syllable = std::max(0.0, std::sin(2 * std::numbers::pi * 4 * t));
    double voice = 0;
    for (int h = 1; h <= 5; ++h) {
      voice += std::sin(2 * std::numbers::pi * 150 * h * t + h) / h;
    }
    out[i] = static_cast<float>(amplitude * syllable * voice / 2);
  }
  return out;
}

// What a listener gets: the clip streamed to the air at `rate` with `gain`, measured again.
struct Aired {
  double lufs;
  double peak_dbfs;
};

Aired measure_aired(const fs::path& clip, int rate, float gain) {
  auto source = open_clip_stream(clip, rate, gain);
  ebur128_state* meter =
      ebur128_init(1, static_cast<unsigned long>(rate), EBUR128_MODE_I | EBUR128_MODE_SAMPLE_PEAK);
  std::vector<float> block(4800);
  for (std::size_t n = 0; (n = source->read(block)) > 0;) {
    ebur128_add_frames_float(meter, block.data(), n);
  }
  Aired aired{};
  double peak = 0;
  ebur128_loudness_global(meter, &aired.lufs);
  ebur128_sample_peak(meter, 0, &peak);
  ebur128_destroy(&meter);
  aired.peak_dbfs = 20 * std::log10(peak);
  return aired;
}

TEST(MeasureLoudness, SineAtMinus20DbfsIsMinus23Lufs) {
  TempDir dir;
  write_wav(dir / "a.wav", sine_samples(48000 * 10, 48000, 1000.0, 0.1), 48000);
  const auto l = expect_loudness(measure_loudness(dir / "a.wav"));
  std::cout << "  1 kHz at -20 dBFS: " << l.integrated_lufs << " LUFS (expected " << sine_lufs(0.1)
            << "), peak " << l.peak_dbfs << " dBFS\n";
  EXPECT_NEAR(l.integrated_lufs, sine_lufs(0.1), 0.1);
  EXPECT_NEAR(l.integrated_lufs, -23.01, 0.1);
  EXPECT_NEAR(l.peak_dbfs, -20.0, 0.01);
  EXPECT_EQ(l.frames, 480000);
  EXPECT_EQ(l.sample_rate, 48000);
  EXPECT_EQ(l.channels, 1);
}

TEST(MeasureLoudness, FullScaleSineIsMinus3Lufs) {
  TempDir dir;
  write_wav(dir / "a.wav", sine_samples(44100 * 5, 44100, 1000.0, 1.0), 44100);
  const auto l = expect_loudness(measure_loudness(dir / "a.wav"));
  EXPECT_NEAR(l.integrated_lufs, -3.01, 0.1);
  EXPECT_NEAR(l.peak_dbfs, 0.0, 0.01);
}

// A quarter of the sample rate, 45 degrees out of phase with the samples: every sample is at
// 0.707 of the wave's crest, which falls between them. The true peak is the crest, 3 dB over the
// sample peak; a station raising such a clip by the sample peak would clip it.
TEST(MeasureLoudness, TruePeakCountsPeaksBetweenSamples) {
  TempDir dir;
  for (const int rate : {44100, 48000}) {
    std::vector<float> samples(static_cast<std::size_t>(rate) * 3);
    const std::size_t fade = static_cast<std::size_t>(rate) / 10;  // no click at either end
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const std::size_t edge = std::min(i, samples.size() - 1 - i);
      const double envelope =
          edge >= fade ? 1.0
                       : 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(edge) /
                                              static_cast<double>(fade));
      samples[i] = static_cast<float>(
          envelope * 0.5 *
          std::sin(std::numbers::pi / 2 * static_cast<double>(i) + std::numbers::pi / 4));
    }
    write_wav(dir / "between.wav", samples, rate);
    const auto l = expect_loudness(measure_loudness(dir / "between.wav"));
    SCOPED_TRACE(rate);
    EXPECT_NEAR(l.peak_dbfs, 20 * std::log10(0.5), 0.02);  // not 20 log10(0.354) = -9.03
  }
}

// A zone hears the mono downmix: the same tone in both channels is as loud as in one mono channel,
// and a tone in one channel only is half as loud in amplitude (-6 dB).
TEST(MeasureLoudness, MeasuresTheMonoDownmix) {
  TempDir dir;
  const auto tone = sine_samples(44100 * 5, 44100, 1000.0, 0.1);
  std::vector<float> both;
  std::vector<float> left_only;
  for (const float s : tone) {
    both.insert(both.end(), {s, s});
    left_only.insert(left_only.end(), {s, 0.0f});
  }
  write_wav(dir / "both.wav", both, 44100, 2);
  write_wav(dir / "left.wav", left_only, 44100, 2);
  const auto b = expect_loudness(measure_loudness(dir / "both.wav"));
  EXPECT_NEAR(b.integrated_lufs, sine_lufs(0.1), 0.1);
  EXPECT_EQ(b.channels, 2);
  const auto l = expect_loudness(measure_loudness(dir / "left.wav"));
  EXPECT_NEAR(l.integrated_lufs, sine_lufs(0.05), 0.1);
  EXPECT_NEAR(l.peak_dbfs, 20 * std::log10(0.05), 0.01);
}

TEST(MeasureLoudness, LossyFormatsMeasureLikeTheirSource) {
  TempDir dir;
  for (const auto format : {AudioFormat::flac, AudioFormat::mp3, AudioFormat::ogg_vorbis}) {
    const auto path = dir / "a.bin";
    write_tone(path, 3.0, 44100, 2, format);  // amplitude 0.25
    const auto l = expect_loudness(measure_loudness(path));
    EXPECT_NEAR(l.integrated_lufs, sine_lufs(0.25), 0.2) << static_cast<int>(format);
  }
}

TEST(MeasureLoudness, SilenceIsTheFloor) {
  TempDir dir;
  write_wav(dir / "a.wav", std::vector<float>(48000, 0.0f), 48000);
  const auto l = expect_loudness(measure_loudness(dir / "a.wav"));
  EXPECT_EQ(l.integrated_lufs, -70.0);
  EXPECT_EQ(l.peak_dbfs, -144.0);
  bool capped = true;
  EXPECT_EQ(normalization_gain(l, -16.0, &capped), 1.0f);
  EXPECT_FALSE(capped);
}

TEST(MeasureLoudness, GivesTheSameReasonsAsTheProbe) {
  TempDir dir;
  write_tone(dir / "cut.flac", 2.0, 44100, 2, AudioFormat::flac);
  test::truncate_file(dir / "cut.flac", fs::file_size(dir / "cut.flac") / 2);
  write_tone(dir / "cut.wav", 2.0);
  test::truncate_file(dir / "cut.wav", fs::file_size(dir / "cut.wav") / 2);
  write_tone(dir / "silent.wav", 0.0);
  fs::create_directory(dir / "folder.wav");
  for (const auto& file :
       {dir / "missing.wav", dir.write("empty.wav", ""), dir.write("notes.mp3", "call at 9\n"),
        dir / "cut.flac", dir / "cut.wav", dir / "silent.wav", dir / "folder.wav"}) {
    const auto probed = probe_clip(file);
    ASSERT_TRUE(std::holds_alternative<ClipError>(probed)) << file;
    EXPECT_EQ(expect_error(measure_loudness(file)), std::get<ClipError>(probed).reason) << file;
  }
}

TEST(NormalizationGain, BringsAClipToTheTarget) {
  TempDir dir;
  write_wav(dir / "talk.wav", speechlike(44100, 20.0, 0.05), 44100);
  const auto l = expect_loudness(measure_loudness(dir / "talk.wav"));
  for (const double target : {-16.0, -23.0, -30.0}) {
    bool capped = true;
    const float gain = normalization_gain(l, target, &capped);
    ASSERT_FALSE(capped) << "the test clip is meant to have headroom";
    const auto aired = measure_aired(dir / "talk.wav", 48000, gain);
    std::cout << "  speech-like clip at " << l.integrated_lufs << " LUFS, target " << target
              << ": gain " << 20 * std::log10(gain) << " dB, aired at " << aired.lufs
              << " LUFS (error " << aired.lufs - target << " LU)\n";
    EXPECT_NEAR(aired.lufs, target, 0.5);
  }
}

TEST(NormalizationGain, AttenuatesALoudClip) {
  const Loudness l{.integrated_lufs = -8.0, .peak_dbfs = -0.1, .frames = 1, .sample_rate = 48000};
  bool capped = true;
  EXPECT_NEAR(20 * std::log10(normalization_gain(l, -16.0, &capped)), -8.0, 1e-4);
  EXPECT_FALSE(capped);
}

// A quiet clip with a few clicks near full scale: raising it to the target would clip the clicks,
// so the gain stops where they reach -1 dBFS.
TEST(NormalizationGain, IsCappedSoPeaksStayUnderMinus1Dbfs) {
  TempDir dir;
  auto samples = sine_samples(48000 * 5, 48000, 1000.0, 0.01);  // -43 LUFS
  for (const std::size_t at : {10000UL, 90000UL, 200000UL}) samples[at] = 0.5f;
  write_wav(dir / "peaky.wav", samples, 48000);
  const auto l = expect_loudness(measure_loudness(dir / "peaky.wav"));
  bool capped = false;
  const float gain = normalization_gain(l, -16.0, &capped);
  EXPECT_TRUE(capped);
  EXPECT_NEAR(20 * std::log10(gain), -1.0 - 20 * std::log10(0.5), 1e-3);
  const auto aired = measure_aired(dir / "peaky.wav", 48000, gain);
  std::cout << "  peaky clip at " << l.integrated_lufs << " LUFS, peak " << l.peak_dbfs
            << " dBFS: gain capped at " << 20 * std::log10(gain) << " dB, aired peak "
            << aired.peak_dbfs << " dBFS\n";
  EXPECT_LE(aired.peak_dbfs, -1.0 + 1e-4);
  EXPECT_NEAR(aired.peak_dbfs, -1.0, 0.01);
  bool uncapped = true;
  normalization_gain(l, -60.0, &uncapped);  // a target below the clip needs no cap
  EXPECT_FALSE(uncapped);
}

TEST(NormalizationGain, CappedIsOptional) {
  const Loudness l{.integrated_lufs = -20.0, .peak_dbfs = -6.0, .frames = 1, .sample_rate = 48000};
  EXPECT_NEAR(normalization_gain(l, -14.0), std::pow(10.0, 5.0 / 20), 1e-6);  // capped at +5 dB
}

// ---------------------------------------------------------------------------------------------
// LoudnessCache

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void expect_same(const LoudnessResult& a, const LoudnessResult& b) {
  const auto x = expect_loudness(a);
  const auto y = expect_loudness(b);
  EXPECT_EQ(x.integrated_lufs, y.integrated_lufs);
  EXPECT_EQ(x.peak_dbfs, y.peak_dbfs);
  EXPECT_EQ(x.frames, y.frames);
  EXPECT_EQ(x.sample_rate, y.sample_rate);
  EXPECT_EQ(x.channels, y.channels);
}

TEST(LoudnessCache, SecondMeasureIsAHit) {
  TempDir dir;
  write_tone(dir / "a.wav", 1.0, 44100, 2);
  LoudnessCache cache(dir / "state/loudness.tsv");
  const auto first = cache.measure(dir / "a.wav");
  const auto second = cache.measure(dir / "a.wav");
  expect_same(first, second);
  EXPECT_EQ(cache.misses(), 1U);
  EXPECT_EQ(cache.hits(), 1U);
}

TEST(LoudnessCache, ACopyUnderAnotherNameIsAHit) {
  TempDir dir;
  write_tone(dir / "a.wav", 1.0, 44100, 2);
  fs::create_directory(dir / "elsewhere");
  fs::copy_file(dir / "a.wav", dir / "elsewhere/renamed.wav");
  LoudnessCache cache({});
  expect_same(cache.measure(dir / "a.wav"), cache.measure(dir / "elsewhere/renamed.wav"));
  EXPECT_EQ(cache.hits(), 1U);
}

TEST(LoudnessCache, AChangedFileIsMeasuredAgain) {
  TempDir dir;
  LoudnessCache cache({});
  write_tone(dir / "a.wav", 1.0, 48000, 1, AudioFormat::wav16, 1000.0, 0.25);
  const auto before = expect_loudness(cache.measure(dir / "a.wav"));
  write_tone(dir / "a.wav", 1.0, 48000, 1, AudioFormat::wav16, 1000.0, 0.125);  // same size
  const auto after = expect_loudness(cache.measure(dir / "a.wav"));
  EXPECT_EQ(cache.misses(), 2U);
  EXPECT_NEAR(after.integrated_lufs - before.integrated_lufs, -6.02, 0.05);
}

TEST(LoudnessCache, SurvivesSaveAndReload) {
  TempDir dir;
  write_tone(dir / "a.wav", 1.0, 44100, 2);
  write_tone(dir / "b.flac", 1.0, 48000, 1, AudioFormat::flac, 440.0, 0.5);
  const auto file = dir / "state/sub/loudness.tsv";
  LoudnessResult a;
  LoudnessResult b;
  {
    LoudnessCache cache(file);
    a = cache.measure(dir / "a.wav");
    b = cache.measure(dir / "b.flac");
    ASSERT_TRUE(cache.save());
  }
  ASSERT_TRUE(fs::exists(file));
  for (const auto& entry : fs::directory_iterator(dir / "state/sub")) {
    EXPECT_EQ(entry.path().filename(), "loudness.tsv") << "a temporary file was left behind";
  }
  LoudnessCache reloaded(file);
  expect_same(reloaded.measure(dir / "a.wav"), a);
  expect_same(reloaded.measure(dir / "b.flac"), b);
  EXPECT_EQ(reloaded.hits(), 2U);
  EXPECT_EQ(reloaded.misses(), 0U);
}

// The line a cache writes for one clip.
std::string saved_line(const TempDir& dir, const fs::path& clip) {
  const auto file = dir / "one.tsv";
  fs::remove(file);
  LoudnessCache cache(file);
  cache.measure(clip);
  EXPECT_TRUE(cache.save());
  std::istringstream saved(slurp(file));
  std::string line;
  std::getline(saved, line);
  EXPECT_TRUE(line.starts_with("#")) << line;
  std::getline(saved, line);
  return line;
}

TEST(LoudnessCache, CorruptLinesAreIgnored) {
  TempDir dir;
  write_tone(dir / "a.wav", 1.0);
  write_tone(dir / "b.wav", 1.0, 48000, 1, AudioFormat::wav16, 500.0);
  const std::string a = saved_line(dir, dir / "a.wav");
  const std::string b = saved_line(dir, dir / "b.wav");
  const std::string a_hash = a.substr(0, 16);
  // b's line survives; a's is damaged in several ways, with garbage around.
  const auto file = dir / "loudness.tsv";
  std::string header;
  std::ifstream saved(dir / "one.tsv");
  std::getline(saved, header);
  std::ofstream(file, std::ios::trunc) << header << "\ngarbage\n\t\t\t\n"
                                       << a.substr(0, a.size() / 2) << '\n'
                                       << "zzzzzzzzzzzzzzzz\t-23\t-20\t48000\t48000\t1\n"
                                       << a_hash << "\tnan\t-20\t48000\t48000\t1\n"
                                       << a_hash << "\t-23\t-20\t0\t48000\t1\n"
                                       << a_hash << "\t-23\t-20\t48000\t48000\n"
                                       << a << "\textra\n"
                                       << b << "\r\n"
                                       << std::string("\0\xff\xfe", 3) << '\n';
  LoudnessCache cache(file);
  cache.measure(dir / "b.wav");
  EXPECT_EQ(cache.hits(), 1U);
  cache.measure(dir / "a.wav");
  EXPECT_EQ(cache.misses(), 1U);
}

TEST(LoudnessCache, ACacheFromAnotherVersionIsMeasuredAgain) {
  TempDir dir;
  write_tone(dir / "a.wav", 1.0);
  const std::string a = saved_line(dir, dir / "a.wav");
  const auto file = dir / "loudness.tsv";
  std::ofstream(file, std::ios::trunc) << "# loa loudness: sample peaks\n" << a << '\n';
  LoudnessCache cache(file);
  cache.measure(dir / "a.wav");
  EXPECT_EQ(cache.hits(), 0U);
  EXPECT_EQ(cache.misses(), 1U);
}

TEST(LoudnessCache, ErrorsAreNotCached) {
  TempDir dir;
  const auto file = dir / "loudness.tsv";
  LoudnessCache cache(file);
  dir.write("notes.mp3", "call the studio at 9\n");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(expect_error(cache.measure(dir / "missing.wav")), "file not found");
    EXPECT_TRUE(expect_error(cache.measure(dir / "notes.mp3")).starts_with("not an audio file"));
  }
  EXPECT_EQ(cache.misses(), 4U);
  EXPECT_EQ(cache.hits(), 0U);
  EXPECT_TRUE(cache.save());
  EXPECT_FALSE(fs::exists(file));  // nothing worth writing
}

TEST(LoudnessCache, SaveFailsQuietlyWhenTheFolderIsAFile) {
  TempDir dir;
  write_tone(dir / "a.wav", 0.5);
  dir.write("state", "not a folder");
  LoudnessCache cache(dir / "state/loudness.tsv");
  cache.measure(dir / "a.wav");
  EXPECT_FALSE(cache.save());
}

TEST(LoudnessCache, MemoryOnlyWritesNothing) {
  TempDir dir;
  write_tone(dir / "a.wav", 0.5);
  LoudnessCache cache({});
  cache.measure(dir / "a.wav");
  EXPECT_TRUE(cache.save());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(LoudnessCache, IsSafeFromSeveralThreads) {
  TempDir dir;
  std::vector<fs::path> clips;
  for (int i = 0; i < 4; ++i) {
    clips.push_back(dir / ("c" + std::to_string(i) + ".wav"));
    write_tone(clips.back(), 0.5, 44100, 2, AudioFormat::wav16, 300.0 + 100 * i);
  }
  LoudnessCache cache(dir / "loudness.tsv");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (const auto& clip : clips) expect_loudness(cache.measure(clip));
      cache.save();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(cache.hits() + cache.misses(), 16U);
  EXPECT_GE(cache.misses(), 4U);
  LoudnessCache reloaded(dir / "loudness.tsv");
  for (const auto& clip : clips) reloaded.measure(clip);
  EXPECT_EQ(reloaded.hits(), 4U);
}

}  // namespace
}  // namespace loa

namespace loa {
namespace {

// A cold render asks for the last clip's gain first when that clip plays first on another zone:
// each result is the clip's own, in any order asked, and a broken clip gets its reason.
TEST(LoudnessPass, GivesEachClipItsOwnMeasurementInAnyOrder) {
  TempDir dir;
  std::vector<fs::path> clips;
  for (int i = 0; i < 5; ++i) {
    clips.push_back(dir / ("c" + std::to_string(i) + ".wav"));
    write_tone(clips.back(), 1.0 + i, 48000, 1, AudioFormat::wav16, 1000.0, 0.05 * (i + 1));
  }
  clips.push_back(dir.write("notes.mp3", "call the studio at 9\n"));
  LoudnessCache cache("");
  LoudnessPass pass(cache, clips);
  for (std::size_t i = clips.size(); i-- > 0;) {
    const LoudnessResult& got = pass.result(i);
    const LoudnessResult expected = measure_loudness(clips[i]);
    if (const auto* l = std::get_if<Loudness>(&expected)) {
      ASSERT_TRUE(std::holds_alternative<Loudness>(got)) << i;
      EXPECT_EQ(std::get<Loudness>(got).integrated_lufs, l->integrated_lufs) << i;
      EXPECT_EQ(std::get<Loudness>(got).frames, l->frames) << i;
    } else {
      ASSERT_TRUE(std::holds_alternative<ClipError>(got)) << i;
      EXPECT_EQ(std::get<ClipError>(got).reason, std::get<ClipError>(expected).reason);
    }
  }
  EXPECT_EQ(cache.misses(), clips.size());
}

}  // namespace
}  // namespace loa
