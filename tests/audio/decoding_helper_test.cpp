// A decoding helper that fails (killed, crashed, hung, missing) refuses the clip with a reason,
// never takes the process that asked down with it or hangs it. The helper that decodes (loa
// loa-decode-clip) is tested through the real binaries in tests/app/render_test.cpp.
#include "loa/decoding_helper.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <vector>

#include "loa/clip_probe.hpp"
#include "loa/clip_stream.hpp"
#include "loa/loudness.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

class DecodingHelper : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_tone(dir / "tone.wav", 1.0, 44100, 1, test::AudioFormat::wav16, 440.0, 0.2);
    test::ffmpeg_encode(dir / "tone.wav", dir / "phone.m4a", "-c:a aac -b:a 96k");
  }
  void TearDown() override { use_decoding_helper({}); }

  std::string reason(const std::filesystem::path& clip) {
    const ProbeResult r = probe_clip(clip);
    const auto* e = std::get_if<ClipError>(&r);
    return e != nullptr ? e->reason : "(probed: no reason)";
  }
  test::TempDir dir;
};

TEST_F(DecodingHelper, AKilledHelperRefusesTheClipWithWhatStoppedIt) {
  use_decoding_helper({"/bin/sh", "-c", "kill -9 $$", "sh"});
  EXPECT_EQ(reason(dir / "phone.m4a"),
            "damaged: decoding it stopped the decoding helper (signal 9 (Killed) at 0.000 s); "
            "convert it to WAV or FLAC and send it again");
  EXPECT_THROW(open_clip_stream(dir / "phone.m4a", 48000, 1.0F), ClipStreamError);
}

TEST_F(DecodingHelper, AHungHelperIsStoppedAfterItsSilence) {
  use_decoding_helper({"/bin/sh", "-c", "exec sleep 30", "sh"}, std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(reason(dir / "phone.m4a"),
            "cannot read: decoding it stopped answering for 300 ms (the decoding helper was "
            "stopped); check the clip with loa scan");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(DecodingHelper, AMissingHelperSaysSo) {
  use_decoding_helper({"/nonexistent/loa-decode-clip"});
  EXPECT_EQ(reason(dir / "phone.m4a"),
            "cannot read: the decoding helper /nonexistent/loa-decode-clip is missing; reinstall "
            "loa, or set LOA_DECODE_IN_PROCESS=1 to decode AAC clips in loa itself");
}

TEST_F(DecodingHelper, OnlyAacClipsGoToTheHelper) {
  use_decoding_helper({"/bin/sh", "-c", "kill -9 $$", "sh"});
  const ProbeResult r = probe_clip(dir / "tone.wav");
  ASSERT_TRUE(std::holds_alternative<ClipInfo>(r));
  EXPECT_EQ(std::get<ClipInfo>(r).frames, 44100);
  // What the helper is never asked about is found out here, as before.
  EXPECT_EQ(reason(dir / "missing.m4a"), "file not found");
}

// How many helpers were started: the helper command below appends a line to `starts` each time.
int count_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

std::vector<float> stream_all(const std::filesystem::path& clip) {
  auto stream = open_clip_stream(clip, 48000, 1.0F);
  std::vector<float> samples;
  std::vector<float> block(4096);
  for (std::size_t n; (n = stream->read(block)) > 0;) {
    samples.insert(samples.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return samples;
}

// A fresh render probes, measures and renders each AAC clip: one helper (loa-decode-clip, the
// real one) decodes it for all three, with the very samples and length decoding it here gives;
// a clip changed since is decoded again.
TEST_F(DecodingHelper, OneHelperDecodesAClipForItsProbeLoudnessAndRender) {
  const auto starts = dir / "starts";
  use_decoding_helper(
      {"/bin/sh", "-c", "echo >> \"$0\"; exec \"$1\" \"$2\"", starts.string(), LOA_DECODE_CLIP});
  const auto clip = dir / "phone.m4a";
  const ProbeResult probed = probe_clip(clip);
  ASSERT_TRUE(std::holds_alternative<ClipInfo>(probed)) << reason(clip);
  const LoudnessResult measured = measure_loudness(clip);
  ASSERT_TRUE(std::holds_alternative<Loudness>(measured));
  const std::vector<float> helped = stream_all(clip);
  EXPECT_EQ(count_lines(starts), 1);

  use_decoding_helper({});
  const ProbeResult here = probe_clip(clip);
  ASSERT_TRUE(std::holds_alternative<ClipInfo>(here));
  EXPECT_EQ(std::get<ClipInfo>(probed).frames, std::get<ClipInfo>(here).frames);
  EXPECT_EQ(std::get<ClipInfo>(probed).format, "M4A");
  EXPECT_EQ(std::get<Loudness>(measured).integrated_lufs,
            std::get<Loudness>(measure_loudness(clip)).integrated_lufs);
  EXPECT_EQ(helped, stream_all(clip));

  // The phone sends another recording under the same name: decoded again, not the old one.
  test::write_tone(dir / "longer.wav", 2.0, 44100, 1, test::AudioFormat::wav16, 440.0, 0.2);
  std::filesystem::remove(clip);
  test::ffmpeg_encode(dir / "longer.wav", clip, "-c:a aac -b:a 96k");
  use_decoding_helper(
      {"/bin/sh", "-c", "echo >> \"$0\"; exec \"$1\" \"$2\"", starts.string(), LOA_DECODE_CLIP});
  const ProbeResult changed = probe_clip(clip);
  ASSERT_TRUE(std::holds_alternative<ClipInfo>(changed)) << reason(clip);
  EXPECT_NEAR(static_cast<double>(std::get<ClipInfo>(changed).frames), 88200.0, 2048.0);
  EXPECT_EQ(count_lines(starts), 2);
}

}  // namespace
}  // namespace loa
