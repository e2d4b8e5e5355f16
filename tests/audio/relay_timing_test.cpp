// Where in the stream a relay sounds: opened ahead of its slot (preroll) it starts from the most
// recent audio, as close to live as its jitter allowance; a recording (a stream of known length)
// that ends is not aired again from its beginning.

#include <gtest/gtest.h>

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

TEST(RelayPreroll, StartsFromTheMostRecentAudioNotFromWhereItConnected) {
  test::TempDir dir;
  test::StreamServer server;
  const auto mp3 = test::encoded_melody(dir.path().string(), "mp3",
                                        "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
  const double bytes_per_second = static_cast<double>(mp3.size()) / test::kMelodySeconds;
  // A short burst (0.25 s): the stream is live from the moment it connects.
  server.live("/vov1.mp3", mp3, bytes_per_second, static_cast<std::size_t>(bytes_per_second / 4),
              "audio/mpeg");
  {  // FFmpeg's libraries loaded first, so that the relay connects at once
    RelaySound warm{server.url("/vov1.mp3"), kRelayRate / 10, {}, nullptr};
    auto source = open_sound(warm, kRelayRate, 1.0f);
    test::read_all(*source, kRelayRate / 10);
  }
  auto events = std::make_shared<RelayEvents>();
  RelaySound relay{server.url("/vov1.mp3"), kRelayRate, {}, events};
  relay.settings.jitter = 300ms;
  relay.settings.buffer = 1s;  // the ring holds ~1.4 s: the preroll overflows it
  auto source = open_sound(relay, kRelayRate, 1.0f);
  std::vector<RelayEvent> seen;
  const auto connected = test::wait_event(*events, seen, RelayEvent::Kind::connected, 5s);
  ASSERT_TRUE(connected) << test::describe(seen);
  std::this_thread::sleep_for(2500ms);
  const double since =
      std::chrono::duration<double>(std::chrono::system_clock::now() - connected->when).count();
  const auto heard = test::air(*source, kRelayRate / 2);
  // Live is `since` (and the burst, 0.25 s) into the loop; the relay sounds the jitter allowance
  // (0.3 s) behind it. Without trimming it would sound the loop's first notes, 2.5 s behind.
  const int note = test::melody_note_at(heard, 0);
  ASSERT_GE(note, 0);
  const double expected = since + 0.25 - 0.3;
  const double at = note * 0.25;
  EXPECT_GT(at, expected - 0.6) << "the relay sounds " << at << " s into the loop, " << since
                                << " s after it connected";
  EXPECT_LT(at, expected + 0.35);
}

TEST(RelayRecording, ThatEndsIsNotAiredAgainFromItsBeginning) {
  test::TempDir dir;
  test::StreamServer server;
  const auto mp3 = test::encoded_melody(dir.path().string(), "mp3",
                                        "-c:a libmp3lame -b:a 128k -id3v2_version 0", 3.0);
  server.file("/ban-tin.mp3", mp3, "audio/mpeg");  // whole, with its length: a recording
  const auto clip = dir / "nhac-nen.wav";
  test::write_tone(clip, 10.0, kRelayRate, 1, test::AudioFormat::wav16, 300.0, 0.25);
  auto events = std::make_shared<RelayEvents>();
  RelaySound relay{server.url("/ban-tin.mp3"), 7 * kRelayRate, {}, events};
  relay.settings.jitter = 300ms;
  relay.settings.dead_air = 1s;
  relay.settings.first_backoff = 200ms;
  relay.settings.fallback = {{clip, 1.0f}};
  auto source = open_sound(relay, kRelayRate, 1.0f);
  const auto heard = test::air(*source, static_cast<std::size_t>(relay.frames));
  source.reset();
  std::vector<RelayEvent> seen = events->drain();
  SCOPED_TRACE(test::describe(seen));

  int connected = 0;
  bool ended = false, dead_air = false;
  for (const auto& e : seen) {
    connected += e.kind == RelayEvent::Kind::connected;
    ended |=
        e.kind == RelayEvent::Kind::lost && e.reason.find("not aired again") != std::string::npos;
    dead_air |= e.kind == RelayEvent::Kind::dead_air_started;
    EXPECT_NE(e.kind, RelayEvent::Kind::reconnecting);
  }
  EXPECT_EQ(connected, 1) << "the recording is played once";
  EXPECT_TRUE(ended);
  EXPECT_TRUE(dead_air);
  // The recording (3 s, from 0.3 s), then the fallback: no melody note after 5 s.
  for (std::size_t at = 5 * kRelayRate; at + kRelayRate / 20 < heard.size(); at += kRelayRate / 4) {
    EXPECT_EQ(test::melody_note_at(heard, at), -1)
        << "the melody sounds again at " << at / kRelayRate << " s";
    EXPECT_GT(test::tone_level(heard, at, kRelayRate / 20, 300.0), 0.2) << "the fallback airs";
  }
}

}  // namespace
}  // namespace loa
