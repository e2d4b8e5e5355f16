// A decoding helper that fails (killed, crashed, hung, missing) refuses the clip with a reason,
// never takes the process that asked down with it or hangs it. The helper that decodes (loa
// decode-clip) is tested through the real binary in tests/app/render_test.cpp.
#include "loa/decoding_helper.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "loa/clip_probe.hpp"
#include "loa/clip_stream.hpp"
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
  use_decoding_helper({"/nonexistent/loa", "decode-clip"});
  EXPECT_EQ(reason(dir / "phone.m4a"),
            "cannot read: the decoding helper /nonexistent/loa does not start (No such file or "
            "directory)");
}

TEST_F(DecodingHelper, OnlyAacClipsGoToTheHelper) {
  use_decoding_helper({"/bin/sh", "-c", "kill -9 $$", "sh"});
  const ProbeResult r = probe_clip(dir / "tone.wav");
  ASSERT_TRUE(std::holds_alternative<ClipInfo>(r));
  EXPECT_EQ(std::get<ClipInfo>(r).frames, 44100);
  // What the helper is never asked about is found out here, as before.
  EXPECT_EQ(reason(dir / "missing.m4a"), "file not found");
}

}  // namespace
}  // namespace loa
