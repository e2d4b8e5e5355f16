// MP3 and AAC clips as stations receive them (from phones, Zalo and the district), made by the
// ffmpeg program: their length, where their sound starts, gapless joins, and refusal when broken.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "loa/clip_probe.hpp"
#include "loa/clip_stream.hpp"
#include "loa/loudness.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

namespace fs = std::filesystem;
using test::ffmpeg_encode;
using test::TempDir;
using test::write_wav;

constexpr int kRate = 44100;
constexpr std::int64_t kSilence = 13'230;                   // 0.3 s before the tone
constexpr std::int64_t kTone = 44'100;                      // 1 s of 1 kHz at 0.5
constexpr std::int64_t kFrames = kSilence + kTone + 8'820;  // and 0.2 s after: 1.5 s
// Where a lossy codec's sound may begin around the true onset: its pre-echo spreads quantisation
// noise over a short block (MP3: 192 samples, AAC: 128) before an attack. Untrimmed encoder delay
// or priming would move it by 1105 (LAME) or 1024 (AAC) samples.
constexpr std::int64_t kOnsetTolerance = 200;

// The source: silence, a tone, silence, as a float WAV at 44.1 kHz in `channels`.
fs::path write_source(const TempDir& dir, int channels) {
  std::vector<float> samples(static_cast<std::size_t>(kFrames * channels), 0.0f);
  for (std::int64_t i = 0; i < kTone; ++i) {
    const double t = static_cast<double>(i) / kRate;
    const auto v = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * 1000.0 * t));
    for (int c = 0; c < channels; ++c) {
      samples[static_cast<std::size_t>((kSilence + i) * channels + c)] = v;
    }
  }
  const auto path = dir / ("source-" + std::to_string(channels) + ".wav");
  write_wav(path, samples, kRate, channels);
  return path;
}

struct Case {
  const char* name;
  const char* options;
  int channels;
};

// What a station receives: LAME CBR and VBR, with ID3 tags and album art; AAC in M4A with the
// index last (as phones write it) and first.
const Case kCases[] = {
    {"cbr.mp3", "-c:a libmp3lame -b:a 128k", 2},
    {"vbr-tagged.mp3",
     "-i COVER -map 0:a -map 1:v -c:a libmp3lame -q:a 5 -c:v copy -disposition:v attached_pic "
     "-id3v2_version 3 -metadata title=Tin -metadata artist=Huyen",
     1},
    {"phone.m4a", "-c:a aac -b:a 96k", 1},
    {"faststart.m4a", "-c:a aac -b:a 128k -movflags +faststart", 2},
};

// Makes the clip of `c` in `dir` (the album art too, when it needs one).
fs::path make(const TempDir& dir, const Case& c) {
  std::string options = c.options;
  if (const auto at = options.find("COVER"); at != std::string::npos) {
    const auto cover = dir / "cover.png";
    if (!fs::exists(cover)) {
      ffmpeg_encode("testsrc=size=320x320:rate=1", cover, "-frames:v 1", "-f lavfi");
    }
    options.replace(at, 5, "'" + cover.string() + "'");
  }
  const auto path = dir / c.name;
  ffmpeg_encode(write_source(dir, c.channels), path, options);
  return path;
}

std::vector<float> stream_all(const fs::path& file, int rate) {
  auto source = open_clip_stream(file, rate, 1.0f);
  std::vector<float> out;
  std::vector<float> block(1000);
  for (;;) {
    const std::size_t n = source->read(block);
    out.insert(out.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < block.size()) return out;
  }
}

std::int64_t onset(const std::vector<float>& samples, float threshold = 0.05f) {
  const auto it = std::find_if(samples.begin(), samples.end(),
                               [threshold](float s) { return std::fabs(s) > threshold; });
  return it == samples.end() ? -1 : it - samples.begin();
}

std::string expect_error(const ProbeResult& result) {
  if (const auto* info = std::get_if<ClipInfo>(&result)) {
    ADD_FAILURE() << "expected an error, got a " << info->format << " clip of " << info->frames
                  << " frames";
    return {};
  }
  return std::get<ClipError>(result).reason;
}

void cut(const fs::path& from, const fs::path& to, double fraction) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::resize_file(to,
                  static_cast<std::uintmax_t>(static_cast<double>(fs::file_size(from)) * fraction));
}

TEST(CompressedClips, DecodeToTheirSourcesLengthWithTheSoundWhereItWas) {
  TempDir dir;
  for (const Case& c : kCases) {
    const auto clip = make(dir, c);
    const ProbeResult probed = probe_clip(clip);
    ASSERT_TRUE(std::holds_alternative<ClipInfo>(probed))
        << c.name << ": " << std::get<ClipError>(probed).reason;
    const auto& info = std::get<ClipInfo>(probed);
    EXPECT_EQ(info.frames, kFrames) << c.name;
    EXPECT_EQ(info.sample_rate, kRate) << c.name;
    EXPECT_EQ(info.channels, c.channels) << c.name;
    EXPECT_EQ(info.format, std::string(c.name).ends_with(".mp3") ? "MP3" : "M4A") << c.name;

    const auto samples = stream_all(clip, kRate);  // at its own rate: no resampler in the way
    EXPECT_EQ(static_cast<std::int64_t>(samples.size()), kFrames) << c.name;
    EXPECT_NEAR(static_cast<double>(onset(samples)), static_cast<double>(kSilence),
                static_cast<double>(kOnsetTolerance))
        << c.name;
  }
}

TEST(CompressedClips, ResampledToTheStationRateTheyKeepTheirLength) {
  TempDir dir;
  const auto clip = make(dir, kCases[2]);  // phone.m4a
  const auto samples = stream_all(clip, 48000);
  EXPECT_EQ(static_cast<std::int64_t>(samples.size()),
            std::llround(static_cast<double>(kFrames) * 48000 / kRate));
  EXPECT_NEAR(static_cast<double>(onset(samples)), kSilence * 48000.0 / kRate,
              kOnsetTolerance * 48000.0 / kRate + 1);
}

// Within what the encoders change: LAME at 128k stereo takes 0.45 LU off this tone (ffmpeg's own
// decoder reads the same); AAC and the VBR MP3 are within 0.05 LU.
TEST(CompressedClips, MeasureAsLoudAsTheirSource) {
  TempDir dir;
  const auto source = write_source(dir, 1);
  const auto reference = std::get<Loudness>(measure_loudness(source));
  for (const Case& c : kCases) {
    const auto measured = measure_loudness(make(dir, c));
    ASSERT_TRUE(std::holds_alternative<Loudness>(measured)) << c.name;
    EXPECT_NEAR(std::get<Loudness>(measured).integrated_lufs, reference.integrated_lufs, 0.5)
        << c.name;
  }
}

// Two MP3s cut from one tone at a point that is not a frame boundary play back to back as the
// tone itself: no gap, no overlap, no click where they meet.
TEST(CompressedClips, TwoMp3sJoinWithoutAGap) {
  TempDir dir;
  constexpr std::int64_t kFirst = 50'000;  // 1.13 s: 43.4 MP3 frames
  constexpr std::int64_t kSecond = 40'000;
  const auto tone = test::sine_samples(kFirst + kSecond, kRate, 440.0, 0.5);
  write_wav(dir / "a.wav", std::vector<float>(tone.begin(), tone.begin() + kFirst), kRate);
  write_wav(dir / "b.wav", std::vector<float>(tone.begin() + kFirst, tone.end()), kRate);
  ffmpeg_encode(dir / "a.wav", dir / "a.mp3", "-c:a libmp3lame -b:a 192k");
  ffmpeg_encode(dir / "b.wav", dir / "b.mp3", "-c:a libmp3lame -b:a 192k");

  auto joined = stream_all(dir / "a.mp3", kRate);
  const auto second = stream_all(dir / "b.mp3", kRate);
  ASSERT_EQ(static_cast<std::int64_t>(joined.size()), kFirst);
  joined.insert(joined.end(), second.begin(), second.end());
  ASSERT_EQ(static_cast<std::int64_t>(joined.size()), kFirst + kSecond);

  // Error against the tone, 10 ms either side of the join, and over the rest of the middle.
  const auto error_db = [&](std::int64_t from, std::int64_t to) {
    double signal = 0;
    double noise = 0;
    for (std::int64_t i = from; i < to; ++i) {
      const auto k = static_cast<std::size_t>(i);
      signal += static_cast<double>(tone[k]) * tone[k];
      noise += (static_cast<double>(joined[k]) - tone[k]) * (joined[k] - tone[k]);
    }
    return 10 * std::log10(signal / std::max(noise, 1e-20));
  };
  const double at_join = error_db(kFirst - 441, kFirst + 441);
  const double elsewhere = error_db(5'000, kFirst - 5'000);
  // A frame of silence or of overlap at the join would leave it near 0 dB.
  EXPECT_GT(at_join, 25.0) << "elsewhere " << elsewhere << " dB";
  EXPECT_GT(at_join, elsewhere - 10.0) << "elsewhere " << elsewhere << " dB";
}

TEST(CompressedClipsBroken, AnM4aCutBeforeItsIndexIsRefusedAsTruncated) {
  TempDir dir;
  const auto clip = make(dir, kCases[2]);  // phone.m4a: the index (moov) last
  cut(clip, dir / "cut.m4a", 0.5);
  const auto reason = expect_error(probe_clip(dir / "cut.m4a"));
  EXPECT_TRUE(reason.starts_with("truncated or unfinished")) << reason;
  EXPECT_NE(reason.find("send or export it again"), std::string::npos) << reason;
}

TEST(CompressedClipsBroken, AnM4aCutAfterItsIndexSaysWhereItStops) {
  TempDir dir;
  const auto clip = make(dir, kCases[3]);  // faststart.m4a: the index first
  cut(clip, dir / "cut.m4a", 0.5);
  const auto reason = expect_error(probe_clip(dir / "cut.m4a"));
  EXPECT_TRUE(reason.starts_with("truncated: audio stops at ")) << reason;
  EXPECT_NE(reason.find(" of 1.500 s"), std::string::npos) << reason;
}

TEST(CompressedClipsBroken, ATaggedMp3CutInHalfIsRefusedAsTruncated) {
  TempDir dir;
  const auto clip = make(dir, kCases[1]);  // vbr-tagged.mp3
  cut(clip, dir / "cut.mp3", 0.6);
  const auto reason = expect_error(probe_clip(dir / "cut.mp3"));
  EXPECT_TRUE(reason.starts_with("truncated: ")) << reason;
}

TEST(CompressedClipsBroken, GarbageNamedM4aOrAacIsNotAnAudioFile) {
  TempDir dir;
  std::mt19937 random(7);
  std::string bytes(50'000, '\0');
  for (char& b : bytes) b = static_cast<char>(random() & 0xFF);
  for (const char* name : {"noise.m4a", "noise.aac"}) {
    const auto reason = expect_error(probe_clip(dir.write(name, bytes)));
    EXPECT_TRUE(reason.starts_with("not an audio file")) << name << ": " << reason;
  }
  // An MP4 header and nothing sensible after it; ADTS sync words with garbage between them.
  std::string mp4 = std::string(
                        "\0\0\0\x18"
                        "ftypM4A \0\0\0\0M4A mp42",
                        24) +
                    bytes;
  EXPECT_FALSE(expect_error(probe_clip(dir.write("header.m4a", mp4))).empty());
  std::string adts = bytes;
  for (std::size_t i = 0; i + 1 < adts.size(); i += 700) adts.replace(i, 2, "\xFF\xF1");
  EXPECT_FALSE(expect_error(probe_clip(dir.write("sync.aac", adts))).empty());
}

// Fuzz-ish: every cut and a burst of garbage in the middle of each kind of file. Whatever the
// verdict, probing, streaming and measuring return (no crash, no hang: the test would not end),
// and a probe that refuses says why.
TEST(CompressedClipsBroken, CutOrDamagedAnywhereTheyNeverCrashOrHang) {
  TempDir dir;
  std::mt19937 random(11);
  for (const Case& c : kCases) {
    const auto clip = make(dir, c);
    const auto size = fs::file_size(clip);
    std::vector<fs::path> broken;
    for (const double fraction : {0.001, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.999}) {
      broken.push_back(dir / ("cut-" + std::to_string(broken.size()) + "-" + c.name));
      cut(clip, broken.back(), fraction);
    }
    for (int k = 0; k < 4; ++k) {
      std::ifstream in(clip, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), {});
      const std::size_t at = random() % size;
      for (std::size_t i = at; i < std::min<std::size_t>(size, at + 2000); ++i) {
        bytes[i] = static_cast<char>(random() & 0xFF);
      }
      broken.push_back(dir.write("damaged-" + std::to_string(k) + "-" + c.name, bytes));
    }
    for (const auto& file : broken) {
      const ProbeResult probed = probe_clip(file);
      if (const auto* error = std::get_if<ClipError>(&probed)) {
        EXPECT_FALSE(error->reason.empty()) << file;
      }
      (void)measure_loudness(file);
      try {
        (void)stream_all(file, 48000);
      } catch (const ClipStreamError& e) {
        EXPECT_NE(std::string(e.what()), "") << file;
      }
    }
  }
}

}  // namespace
}  // namespace loa
