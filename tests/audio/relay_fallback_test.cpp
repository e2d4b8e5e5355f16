// Dead air in a relay, heard as a listener would: the stream's server goes down mid-relay, or the
// stream goes silent; the fallback airs within dead_air + 0.5 s and the stream comes back.

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "loa/sound.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"
#include "relay_test_support.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using test::kRelayRate;

constexpr double kFallbackTone = 300.0;  // no note of the melody
constexpr std::size_t kWindow = kRelayRate / 50;

class RelayFallbackTest : public ::testing::Test {
 protected:
  // A fallback clip of `seconds` of the fallback tone at amplitude 0.25.
  FallbackClip fallback_clip(double seconds) {
    const auto path = dir / "nhac-nen.wav";
    test::write_tone(path, seconds, kRelayRate, 1, test::AudioFormat::wav16, kFallbackTone, 0.25);
    return {path, 1.0f};
  }

  double rms(const std::vector<float>& heard, std::size_t from) const {
    double sum = 0;
    for (std::size_t i = from; i < from + kWindow && i < heard.size(); ++i)
      sum += heard[i] * heard[i];
    return std::sqrt(sum / kWindow);
  }

  std::vector<RelayEvent> taken() {
    std::vector<RelayEvent> seen;
    for (auto& e : events->drain()) seen.push_back(std::move(e));
    return seen;
  }

  static const RelayEvent* find(const std::vector<RelayEvent>& seen, RelayEvent::Kind kind) {
    for (const auto& e : seen) {
      if (e.kind == kind) return &e;
    }
    return nullptr;
  }

  test::TempDir dir;
  test::StreamServer server;
  std::shared_ptr<RelayEvents> events = std::make_shared<RelayEvents>();
};

TEST_F(RelayFallbackTest, ServerGoneMidStreamAirsTheFallbackThenTheStreamAgain) {
  // Two loops of the melody in one file, so that what airs after the reconnection (the file from
  // its start) does not cross the file's own end.
  const auto mp3 = test::encoded_melody(
      dir.path().string(), "mp3", "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0", 8.0);
  server.live("/vov1.mp3", mp3, static_cast<double>(mp3.size()) / 8.0, 8000, "audio/mpeg");
  RelaySound relay{server.url("/vov1.mp3"), 10 * kRelayRate, {}, events};
  relay.settings.jitter = 300ms;
  relay.settings.dead_air = 1s;
  relay.settings.fallback = {fallback_clip(1.0)};
  auto source = open_sound(relay, kRelayRate, 1.0f);

  const std::size_t down_at = 5 * kRelayRate / 2, back_at = 5 * kRelayRate;
  const auto heard = test::air(*source, 11 * kRelayRate, [&](std::size_t frame) {
    if (frame == down_at) server.stop();
    if (frame == back_at) server.start();
  });
  source.reset();
  const auto seen = taken();
  SCOPED_TRACE(test::describe(seen));
  ASSERT_EQ(heard.size(), 10u * kRelayRate);

  // Where the stream's sound stops, and where the fallback sounds in full.
  std::size_t fallback_at = 0;
  for (std::size_t f = down_at; f + kWindow < heard.size() && fallback_at == 0; f += kWindow) {
    if (test::tone_level(heard, f, kWindow, kFallbackTone) > 0.2) fallback_at = f;
  }
  ASSERT_GT(fallback_at, 0u) << "the fallback never aired";
  std::size_t stream_end = down_at;
  for (std::size_t f = down_at; f < fallback_at; f += kWindow) {
    if (rms(heard, f) > 0.05 && test::tone_level(heard, f, kWindow, kFallbackTone) < 0.02)
      stream_end = f + kWindow;
  }
  EXPECT_LE(static_cast<double>(fallback_at - stream_end) / kRelayRate, 1.0 + 0.5 + 0.04)
      << "the fallback airs within dead_air + 0.5 s of the stream's sound stopping";

  const auto* started = find(seen, RelayEvent::Kind::dead_air_started);
  const auto* ended = find(seen, RelayEvent::Kind::dead_air_ended);
  ASSERT_NE(started, nullptr);
  ASSERT_NE(ended, nullptr);
  EXPECT_FALSE(started->reason.empty());
  // Back at the end of the fallback clip that was airing: a whole number of clips after it began.
  const std::int64_t covered = ended->frame - started->frame;
  const std::int64_t off = covered % kRelayRate;
  EXPECT_TRUE(off < 2048 || off > kRelayRate - 2048) << covered;

  // The stream again, and no fallback, at the end.
  const std::vector<float> last(heard.end() - kRelayRate, heard.end());
  EXPECT_GT(test::melody_correlation(last), 0.9);
  EXPECT_LT(test::tone_level(heard, heard.size() - kRelayRate, kRelayRate, kFallbackTone), 0.01);
  EXPECT_NE(find(seen, RelayEvent::Kind::lost), nullptr);
  EXPECT_NE(find(seen, RelayEvent::Kind::reconnecting), nullptr);
}

TEST_F(RelayFallbackTest, SilentStreamIsDeadAirAndReturnNowSwitchesBackAtOnce) {
  const auto mp3 =
      test::encoded_melody(dir.path().string(), "mp3",
                           "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0", 4.0, 2.0);
  server.live("/quiet.mp3", mp3, static_cast<double>(mp3.size()) / test::kMelodySeconds, 0,
              "audio/mpeg");
  RelaySound relay{server.url("/quiet.mp3"), 9 * kRelayRate / 2, {}, events};
  relay.settings.jitter = 300ms;
  relay.settings.dead_air = 1s;
  relay.settings.return_now = true;
  relay.settings.fallback = {fallback_clip(3.0)};
  auto source = open_sound(relay, kRelayRate, 1.0f);
  const auto heard = test::air(*source, 5 * kRelayRate);
  source.reset();
  const auto seen = taken();
  SCOPED_TRACE(test::describe(seen));
  ASSERT_EQ(heard.size(), 9u * kRelayRate / 2);

  const auto* started = find(seen, RelayEvent::Kind::dead_air_started);
  const auto* ended = find(seen, RelayEvent::Kind::dead_air_ended);
  ASSERT_NE(started, nullptr);
  ASSERT_NE(ended, nullptr);
  EXPECT_NE(started->reason.find("silent"), std::string::npos) << started->reason;
  EXPECT_LT(ended->frame - started->frame, 3 * kRelayRate - kRelayRate / 4)
      << "return: now does not wait for the fallback clip's end";
  const auto from = static_cast<std::size_t>(started->frame) + kRelayRate / 2;
  EXPECT_GT(test::tone_level(heard, from, kRelayRate / 2, kFallbackTone), 0.2);
  const auto back = static_cast<std::size_t>(ended->frame) + kRelayRate / 2 + kWindow;
  ASSERT_LT(back + kRelayRate / 4, heard.size());
  EXPECT_GT(rms(heard, back), 0.1);
  EXPECT_LT(test::tone_level(heard, back, kWindow * 5, kFallbackTone), 0.02);
}

// The fallback covers a silence dead_air after it left the source, not dead_air after it reached
// the air: a relay airs 2 s behind what it receives (its jitter allowance). Here the source falls
// silent for 3 s (dead_air 2 s): by the time the silence airs, the source has been silent for
// 2 s, and the fallback comes in at once, where listeners would otherwise hear 2 s of nothing.
TEST_F(RelayFallbackTest, ASilenceCountsFromWhenItLeftTheSourceNotFromWhenItAirs) {
  // A 6 s loop: 3 s at -60 dBFS, then 3 s of the melody.
  const auto mp3 =
      test::encoded_melody(dir.path().string(), "mp3",
                           "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0", 6.0, 3.0);
  server.live("/pause.mp3", mp3, static_cast<double>(mp3.size()) / 6.0, 0, "audio/mpeg");
  RelaySound relay{server.url("/pause.mp3"), 6 * kRelayRate, {}, events};
  relay.settings.dead_air = 2s;
  relay.settings.fallback = {fallback_clip(3.0)};
  auto source = open_sound(relay, kRelayRate, 1.0f);
  std::vector<RelayEvent> seen;
  const auto connected = test::wait_event(*events, seen, RelayEvent::Kind::connected, 5s);
  ASSERT_TRUE(connected) << test::describe(seen);
  // The slot starts 5.5 s into the loop, opened ahead: it airs the melody from 3.5 s on (2 s
  // behind), and the silence from 6 s on airs about 2.5 s into the slot.
  std::this_thread::sleep_until(connected->when + 5500ms);
  const auto heard = test::air(*source, static_cast<std::size_t>(relay.frames));
  source.reset();
  for (auto& e : taken()) seen.push_back(std::move(e));
  SCOPED_TRACE(test::describe(seen));

  const auto* started = find(seen, RelayEvent::Kind::dead_air_started);
  ASSERT_NE(started, nullptr);
  const auto at = static_cast<std::size_t>(started->frame);
  ASSERT_GT(at, static_cast<std::size_t>(kRelayRate));
  // The melody aired up to the fallback (which did not wait out 2 s of silence on air first)...
  std::size_t last_sound = 0;
  for (std::size_t i = 0; i < at; ++i) {
    if (std::abs(heard[i]) > 0.01f) last_sound = i;
  }
  EXPECT_LT(at - last_sound, static_cast<std::size_t>(kRelayRate / 4))
      << "the air was silent for " << static_cast<double>(at - last_sound) / kRelayRate
      << " s before the fallback";
  // ...and the fallback did not cut in over it.
  EXPECT_LT(test::tone_level(heard, at - kRelayRate / 2, kRelayRate / 2, kFallbackTone), 0.01);
  EXPECT_GT(test::tone_level(heard, at + kRelayRate / 2, kRelayRate / 2, kFallbackTone), 0.2);
  EXPECT_NE(started->reason.find("silent"), std::string::npos) << started->reason;
}

}  // namespace
}  // namespace loa
