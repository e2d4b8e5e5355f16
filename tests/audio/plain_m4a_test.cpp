// M4A clips read without libavformat (audio/mp4_track.hpp): the same samples FFmpeg's own tool
// decodes, priming dropped and padding cut the same way, and libavformat left unloaded, which
// is what keeps the decoding helper under 30 MB (docs/performance.md, issue 15).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "adts_stream.hpp"
#include "loa/clip_stream.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"
#include "mp4_track.hpp"

namespace loa {
namespace {

namespace fs = std::filesystem;
using test::ffmpeg_encode;
using test::TempDir;

// Speech-like test sound: a swept tone with a rising level, so that misplaced or missing
// samples anywhere show.
fs::path make_clip(const TempDir& dir, const std::string& name, int rate, int channels,
                   double seconds, const std::string& options) {
  const auto path = dir / name;
  const std::string source = "aevalsrc=0.4*sin(2*PI*(200+300*t)*t)*(0.3+0.2*t)|0.3*sin(2*PI*" +
                             std::string("330*t):s=") + std::to_string(rate) +
                             ":d=" + std::to_string(seconds);
  ffmpeg_encode(source, path, "-ac " + std::to_string(channels) + " " + options, "-f lavfi");
  return path;
}

// The clip as the ffmpeg program decodes it (libavformat and libavcodec), mixed to mono the way
// loa mixes two channels.
std::vector<float> ffmpeg_decode(const fs::path& clip, int channels) {
  const std::string command =
      "ffmpeg -v error -i '" + clip.string() + "' -f f32le -acodec pcm_f32le -";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run ffmpeg");
  std::vector<float> interleaved;
  float block[4096];
  std::size_t n = 0;
  while ((n = std::fread(block, sizeof(float), 4096, pipe)) > 0) {
    interleaved.insert(interleaved.end(), block, block + n);
  }
  if (::pclose(pipe) != 0) throw std::runtime_error("ffmpeg failed on " + clip.string());
  if (channels == 1) return interleaved;
  std::vector<float> mono(interleaved.size() / 2);
  for (std::size_t i = 0; i < mono.size(); ++i) {
    mono[i] = (interleaved[2 * i] + interleaved[2 * i + 1]) * 0.5f;
  }
  return mono;
}

std::vector<float> loa_decode(const fs::path& clip, int rate) {
  auto source = open_clip_stream(clip, rate, 1.0f);
  std::vector<float> out;
  std::vector<float> block(4096);
  for (;;) {
    const std::size_t n = source->read(block);
    out.insert(out.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < block.size()) return out;
  }
}

// loa's samples are FFmpeg's, exactly, to the source's length: FFmpeg's tool drops the priming
// too, but keeps the last frame's padding (up to 1023 samples of encoder tail), which loa cuts at
// the track's duration.
void expect_ffmpegs_samples(const std::vector<float>& got, const std::vector<float>& expected,
                            std::int64_t source_frames) {
  EXPECT_EQ(static_cast<std::int64_t>(got.size()), source_frames);
  ASSERT_GE(expected.size(), got.size());
  EXPECT_LT(expected.size() - got.size(), 1024U);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < got.size(); ++i) differ += got[i] != expected[i] ? 1 : 0;
  EXPECT_EQ(differ, 0U) << "of " << got.size() << " samples";
}

bool libavformat_loaded() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find("libavformat") != std::string::npos) return true;
  }
  return false;
}

// FFmpeg's AAC encoder's priming. Its edit list declares it, and both FFmpeg and loa drop it;
// without an edit list nothing says how long it is, and both keep it.
constexpr std::int64_t kPriming = 1024;

struct Case {
  const char* name;
  int rate;
  int channels;
  double seconds;
  const char* options;
  bool edit_list = true;
};

// What phones and the district send: AAC-LC in M4A at every common rate, mono and stereo, the
// index last (as phones write it) or first, with the edit list FFmpeg writes or without one.
const Case kCases[] = {
    {"memo-44k-mono.m4a", 44100, 1, 3.3, "-c:a aac -b:a 64k"},
    {"memo-48k-stereo-faststart.m4a", 48000, 2, 2.7, "-c:a aac -b:a 128k -movflags +faststart"},
    {"memo-22k-stereo.m4a", 22050, 2, 4.1, "-c:a aac -b:a 48k"},
    {"memo-16k-mono-no-edit-list.m4a", 16000, 1, 1.9, "-c:a aac -b:a 32k -use_editlist 0", false},
    {"memo-8k-mono.3gp", 8000, 1, 2.2, "-c:a aac -b:a 16k -f 3gp"},
};

TEST(PlainM4a, DecodesToTheSamplesFfmpegGivesWithoutLoadingLibavformat) {
  // ctest runs each test in a process of its own; run together with others in one process, an
  // earlier test may have loaded libavformat already.
  const bool loaded_before = libavformat_loaded();
  TempDir dir;
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const auto clip = make_clip(dir, c.name, c.rate, c.channels, c.seconds, c.options);
    std::FILE* file = std::fopen(clip.c_str(), "rb");
    ASSERT_NE(file, nullptr);
    const auto track = detail::read_mp4_audio_track(file, fs::file_size(clip));
    std::fclose(file);
    ASSERT_TRUE(track.has_value()) << "the plain reader declined it";

    expect_ffmpegs_samples(loa_decode(clip, c.rate), ffmpeg_decode(clip, c.channels),
                           std::llround(c.seconds * c.rate) + (c.edit_list ? 0 : kPriming));
  }
  if (!loaded_before) {
    EXPECT_FALSE(libavformat_loaded());
  }
}

TEST(PlainM4a, AnAdtsStreamDecodesToFfmpegsSamplesWithoutLibavformat) {
  const bool loaded_before = libavformat_loaded();
  TempDir dir;
  // ADTS declares no priming nor length: FFmpeg and loa give every decoded sample.
  const auto clip = make_clip(dir, "voice.aac", 44100, 1, 1.5, "-c:a aac -b:a 64k");
  const auto expected = ffmpeg_decode(clip, 1);
  EXPECT_GT(expected.size(), 66150U);
  expect_ffmpegs_samples(loa_decode(clip, 44100), expected,
                         static_cast<std::int64_t>(expected.size()));
  if (!loaded_before) {
    EXPECT_FALSE(libavformat_loaded());
  }
}

TEST(PlainM4a, AnAdtsStreamWithJunkInsideStillDecodesThroughLibavformat) {
  TempDir dir;
  const auto clip = make_clip(dir, "voice.aac", 44100, 1, 1.5, "-c:a aac -b:a 64k");
  // 100 bytes of noise between two frames, as a bad copy leaves: FFmpeg's parser finds the next
  // frame's sync word, so loa leaves such a file to it.
  std::ifstream in(clip, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t second = bytes.find("\xFF\xF1", 7);
  ASSERT_NE(second, std::string::npos);
  bytes.insert(second, std::string(100, '\x55'));
  const auto junked = dir / "junked.aac";
  std::ofstream(junked, std::ios::binary) << bytes;
  std::FILE* file = std::fopen(junked.c_str(), "rb");
  ASSERT_NE(file, nullptr);
  EXPECT_FALSE(detail::scan_adts(file, fs::file_size(junked)).has_value());
  std::fclose(file);
  const auto decoded = loa_decode(junked, 44100);
  EXPECT_GT(decoded.size(), 60000U);
  EXPECT_TRUE(libavformat_loaded());
}

TEST(PlainM4a, AFragmentedOrCutFileIsLeftToLibavformat) {
  TempDir dir;
  const auto fragmented = make_clip(dir, "fragmented.m4a", 44100, 1, 2.0,
                                    "-c:a aac -movflags +frag_keyframe+empty_moov");
  const auto whole = make_clip(dir, "whole.m4a", 44100, 1, 2.0, "-c:a aac -movflags +faststart");
  const auto cut = dir / "cut.m4a";
  fs::copy_file(whole, cut);
  fs::resize_file(cut, fs::file_size(whole) / 2);
  for (const auto& clip : {fragmented, cut}) {
    std::FILE* file = std::fopen(clip.c_str(), "rb");
    ASSERT_NE(file, nullptr);
    EXPECT_FALSE(detail::read_mp4_audio_track(file, fs::file_size(clip)).has_value()) << clip;
    std::fclose(file);
  }
  // The fragmented file still airs, through libavformat, as FFmpeg decodes it.
  // (An empty moov declares no edit list: the priming is kept, as without one.)
  expect_ffmpegs_samples(loa_decode(fragmented, 44100), ffmpeg_decode(fragmented, 1),
                         2 * 44100 + kPriming);
}

}  // namespace
}  // namespace loa
