// Relays of a real Icecast server (Debian's icecast2 on loopback), fed by ffmpeg as a station's
// encoder feeds it: the mount relayed to its exact length, and the server killed mid-relay (the
// fallback airs within dead_air + 0.5 s of the stream's sound stopping, and the relay comes back
// once the server and its source return). Skipped where icecast2 is not installed.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <thread>

#include "loa/sound.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/icecast_server.hpp"
#include "loa_test/icecast_source.hpp"
#include "loa_test/temp_dir.hpp"
#include "loa_test/wait.hpp"
#include "relay_test_support.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using test::kRelayRate;

constexpr double kFallbackTone = 300.0;  // no note of the melody
constexpr std::size_t kWindow = kRelayRate / 50;
const std::string kMp3 = "-c:a libmp3lame -b:a 128k -f mp3";

class RelayIcecastTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = test::IcecastServer::unavailable(); !why.empty()) GTEST_SKIP() << why;
    server.emplace();
    server->start();
    // The melody, lossless, for ffmpeg to loop and encode live: two loops, which end on a whole
    // cycle of every note (one loop ends half a cycle off: a click at each repeat).
    test::encoded_melody(dir.path().string(), "flac", "-c:a flac", 2 * test::kMelodySeconds);
  }

  // Feeds `mount` from the melody and waits until Icecast serves it.
  void feed(const std::string& mount, const std::string& codec, const std::string& type) {
    source.emplace(dir / "melody.flac", codec, type, server->source_url(mount), dir / "ffmpeg.log");
    start_source(mount);
  }

  void start_source(const std::string& mount) {
    source->start();
    ASSERT_TRUE(test::wait_until([&] { return server->mounted(mount); }, 10s, 50ms))
        << "the mount never went live\n"
        << source->log() << server->log();
    mounted_at = std::chrono::steady_clock::now();
  }

  RelaySound relay(const std::string& mount, std::int64_t frames) {
    RelaySound r{server->url(mount), frames, {}, events};
    r.settings.jitter = 300ms;
    r.settings.dead_air = 5s;
    return r;
  }

  test::TempDir dir;
  std::optional<test::IcecastServer> server;
  std::optional<test::IcecastSource> source;
  std::chrono::steady_clock::time_point mounted_at;  // when the source's audio began (to 50 ms)
  std::shared_ptr<RelayEvents> events = std::make_shared<RelayEvents>();
};

TEST_F(RelayIcecastTest, RelaysAnIcecastMountToItsExactLength) {
  feed("/vov1.mp3", kMp3, "audio/mpeg");
  test::expect_relayed(*events, relay("/vov1.mp3", 6 * kRelayRate + 123), "mp3");
}

// A low-rate Ogg stream comes in pages of up to a second: the mount runs a while first, as a
// station's does, so that Icecast holds pages to burst to the relay when it connects, and the
// relay holds the default jitter allowance (2 s), more than a page. It airs the burst from its
// start, then (2 s in) skips what it holds beyond the allowance to keep near live; the last
// second, which expect_relayed() judges, is past that.
TEST_F(RelayIcecastTest, RelaysAnIcecastOggVorbisMount) {
  feed("/tinh.ogg", "-c:a libvorbis -q:a 4 -f ogg", "audio/ogg");
  std::this_thread::sleep_for(3s);
  RelaySound r = relay("/tinh.ogg", 5 * kRelayRate + 7);
  r.settings.jitter = RelaySettings{}.jitter;
  test::expect_relayed(*events, r, "vorbis");
}

// Ogg Opus, as stations stream speech at low rates: decoded at 48 kHz, whatever rate the source
// had (44.1 kHz here).
TEST_F(RelayIcecastTest, RelaysAnIcecastOggOpusMount) {
  feed("/tinh.opus", "-c:a libopus -b:a 48k -f ogg", "audio/ogg");
  std::this_thread::sleep_for(3s);
  RelaySound r = relay("/tinh.opus", 5 * kRelayRate + 7);
  r.settings.jitter = RelaySettings{}.jitter;
  test::expect_relayed(*events, r, "opus", 48000);
}

// A relay opened ahead of its slot (preroll) on a mount that has run a while: Icecast sends a
// new listener its burst (64 KB: 5.5 s at 96 kb/s) at once, and the relay sounds from the most
// recent audio, its jitter allowance (0.3 s) behind live, not from the burst's start.
TEST_F(RelayIcecastTest, OpenedAheadItSoundsCloseToLiveNotFromIcecastsBurst) {
  feed("/vov1.mp3", "-c:a libmp3lame -b:a 96k -f mp3", "audio/mpeg");
  std::this_thread::sleep_for(6s);  // Icecast's burst fills
  RelaySound r = relay("/vov1.mp3", kRelayRate);
  auto source_on_air = open_sound(r, kRelayRate, 1.0f);
  std::vector<RelayEvent> seen;
  ASSERT_TRUE(test::wait_event(*events, seen, RelayEvent::Kind::connected, 5s))
      << test::describe(seen);
  std::this_thread::sleep_for(1500ms);  // the preroll
  const double live =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - mounted_at).count();
  const auto heard = test::air(*source_on_air, kRelayRate / 2);
  // Its note 0.1 s in (clear of the MP3 decoder's first frame there might be).
  const int note = test::melody_note_at(heard, kRelayRate / 10);
  ASSERT_GE(note, 0) << "the relay sounds the melody";
  // How far behind live it sounds, in the melody's 4 s loop (-2 s .. 2 s). Airing the burst it
  // would be 5.5 s behind: 1.5 s in the loop.
  const double behind = std::remainder(live + 0.1 - note * 0.25, test::kMelodySeconds);
  std::cout << "[ figures  ] the relay sounds " << behind << " s behind live (jitter 0.3 s)\n";
  EXPECT_GT(behind, 0.3 - 0.35) << "note " << note << ", " << live << " s after the mount began";
  EXPECT_LT(behind, 0.3 + 0.6) << "note " << note << ", " << live << " s after the mount began";
}

// A relay with a short preroll on a 128 kb/s mount sounds from its slot's first frame: FFmpeg names
// the stream's format from Icecast's burst (64 KB, sent at once), not after 128 KB of it, which
// at 128 kb/s is 4 s more of the live stream, longer than the preroll (it aired 0.3-0.6 s late).
TEST_F(RelayIcecastTest, AShortPrerollIsEnoughOnAMountThatHasRunAWhile) {
  feed("/vov1.mp3", kMp3, "audio/mpeg");
  std::this_thread::sleep_for(6s);  // Icecast's burst fills
  RelaySound r = relay("/vov1.mp3", kRelayRate);
  const auto opened = std::chrono::system_clock::now();
  auto source_on_air = open_sound(r, kRelayRate, 1.0f);
  std::this_thread::sleep_for(2s);  // the preroll
  std::vector<RelayEvent> seen;
  for (auto& e : events->drain()) seen.push_back(std::move(e));
  const auto heard = test::air(*source_on_air, kRelayRate / 2);
  const auto connected = std::find_if(seen.begin(), seen.end(), [](const RelayEvent& e) {
    return e.kind == RelayEvent::Kind::connected;
  });
  ASSERT_NE(connected, seen.end()) << "not connected within the 2 s preroll\n"
                                   << test::describe(seen);
  std::cout << "[ figures  ] connected (format named) "
            << std::chrono::duration<double>(connected->when - opened).count()
            << " s after the relay opened\n";
  // The slot's first 20 ms already carry the stream.
  float loudest = 0;
  for (std::size_t i = 0; i < kWindow; ++i) loudest = std::max(loudest, std::abs(heard[i]));
  EXPECT_GT(loudest, 0.05f) << "silence at the slot's start\n" << test::describe(seen);
  EXPECT_GE(test::melody_note_at(heard, kRelayRate / 10), 0) << "the relay sounds the melody";
}

// A relay cut mid-slot while the mount airs on (a network failure: here Icecast's admin drops
// it) reconnects, and Icecast sends it its burst again (5.5 s at 96 kb/s): it airs near live
// again, its jitter allowance behind, not as far behind as the burst was long for the rest of
// the slot.
TEST_F(RelayIcecastTest, AfterAReconnectItSoundsCloseToLiveNotFromIcecastsBurst) {
  feed("/vov1.mp3", "-c:a libmp3lame -b:a 96k -f mp3", "audio/mpeg");
  std::this_thread::sleep_for(6s);  // Icecast's burst fills
  RelaySound r = relay("/vov1.mp3", 12 * kRelayRate);
  r.settings.first_backoff = 500ms;
  auto source_on_air = open_sound(r, kRelayRate, 1.0f);
  std::vector<RelayEvent> seen;
  ASSERT_TRUE(test::wait_event(*events, seen, RelayEvent::Kind::connected, 5s))
      << test::describe(seen);
  std::this_thread::sleep_for(1500ms);  // the preroll

  const std::size_t cut_at = 3 * kRelayRate, judged_at = 11 * kRelayRate;
  int cut = 0;
  double live = 0;
  const auto heard = test::air(*source_on_air, 12 * kRelayRate, [&](std::size_t frame) {
    if (frame == cut_at) cut = server->drop_listeners("/vov1.mp3");
    if (frame == judged_at) {
      live = std::chrono::duration<double>(std::chrono::steady_clock::now() - mounted_at).count();
    }
  });
  source_on_air.reset();
  for (auto& e : events->drain()) seen.push_back(std::move(e));
  SCOPED_TRACE(test::describe(seen));
  ASSERT_EQ(cut, 1) << "Icecast dropped the relay\n" << server->log();
  ASSERT_EQ(
      std::count_if(seen.begin(), seen.end(),
                    [](const RelayEvent& e) { return e.kind == RelayEvent::Kind::connected; }),
      2)
      << "the relay connected again";
  const int note = test::melody_note_at(heard, judged_at + kRelayRate / 10);
  ASSERT_GE(note, 0) << "the relay sounds the melody again";
  // Airing the burst it would be 5.5 s behind: 1.5 s in the loop.
  const double behind = std::remainder(live + 0.1 - note * 0.25, test::kMelodySeconds);
  std::cout << "[ figures  ] after the reconnect the relay sounds " << behind
            << " s behind live (jitter 0.3 s)\n";
  EXPECT_GT(behind, 0.3 - 0.35) << "note " << note << ", " << live << " s after the mount began";
  EXPECT_LT(behind, 0.3 + 0.6) << "note " << note << ", " << live << " s after the mount began";
}

// The relay opened ahead of its slot (preroll), as the engine opens it, sounds from its first
// frame; Icecast is killed 4 s into it (its source, ffmpeg, dies of the broken pipe) and comes
// back with its source 5 s later.
TEST_F(RelayIcecastTest, TheIcecastServerKilledMidRelayIsCoveredWithinDeadAirAndTheRelayComesBack) {
  feed("/vov1.mp3", kMp3, "audio/mpeg");
  const auto clip = dir / "nhac-nen.wav";
  test::write_tone(clip, 1.0, kRelayRate, 1, test::AudioFormat::wav16, kFallbackTone, 0.25);
  RelaySound r = relay("/vov1.mp3", 20 * kRelayRate);
  r.settings.dead_air = 2s;
  r.settings.jitter = RelaySettings{}.jitter;  // 2 s, as on air: dead air counts from the loss
  r.settings.first_backoff = 500ms;
  r.settings.max_backoff = 2s;
  r.settings.fallback = {{clip, 1.0f}};
  auto air_source = open_sound(r, kRelayRate, 1.0f);
  std::vector<RelayEvent> seen;
  ASSERT_TRUE(test::wait_event(*events, seen, RelayEvent::Kind::connected, 5s))
      << test::describe(seen) << server->log();
  std::this_thread::sleep_for(
      3s);  // the preroll: more than the jitter allowance, on a mount just begun

  const std::size_t kill_at = 4 * kRelayRate, restart_at = 9 * kRelayRate;
  const auto heard = test::air(*air_source, 21 * kRelayRate, [&](std::size_t frame) {
    if (frame == kill_at) server->kill();
    if (frame == restart_at) {
      server->start();
      source->start();
    }
  });
  air_source.reset();
  for (auto& e : events->drain()) seen.push_back(std::move(e));
  SCOPED_TRACE(test::describe(seen));
  ASSERT_EQ(heard.size(), 20u * kRelayRate);

  const auto rms = [&](std::size_t from) {
    double sum = 0;
    for (std::size_t i = from; i < from + kWindow && i < heard.size(); ++i)
      sum += heard[i] * heard[i];
    return std::sqrt(sum / kWindow);
  };
  const auto fallback_in = [&](std::size_t f) {
    return test::tone_level(heard, f, kWindow, kFallbackTone);
  };
  const auto stream_alone = [&](std::size_t f) { return rms(f) > 0.1 && fallback_in(f) < 0.02; };
  EXPECT_TRUE(stream_alone(0)) << "the relay sounds the stream from its first frame";
  // Where the fallback is first heard (its crossfade begins: the end of the first 100 ms that
  // hold its tone; over 20 ms the melody's notes near 300 Hz leak into it), and where the
  // stream's sound stopped before it.
  std::size_t fallback_at = 0;
  const std::size_t kTenth = kRelayRate / 10;
  for (std::size_t f = kill_at; f + kTenth < heard.size() && fallback_at == 0; f += kWindow) {
    if (test::tone_level(heard, f, kTenth, kFallbackTone) > 0.02) fallback_at = f + kTenth;
  }
  ASSERT_GT(fallback_at, 0u) << "the fallback never aired";
  EXPECT_GT(test::tone_level(heard, fallback_at + kRelayRate / 2, kWindow, kFallbackTone), 0.2)
      << "the fallback airs in full after its crossfade";
  std::size_t stream_end = kill_at;
  for (std::size_t f = kill_at; f < fallback_at; f += kWindow) {
    if (rms(f) > 0.05) stream_end = f + kWindow;
  }
  // Where the stream sounds again, alone, after the restart.
  std::size_t back_at = 0;
  for (std::size_t f = restart_at; f + kWindow < heard.size() && back_at == 0; f += kWindow) {
    if (stream_alone(f)) back_at = f;
  }
  const auto seconds = [](std::size_t frames) { return static_cast<double>(frames) / kRelayRate; };
  std::cout << "[ figures  ] kill -> fallback heard: " << seconds(fallback_at - kill_at)
            << " s (the stream's sound stopped " << seconds(stream_end - kill_at)
            << " s after the kill; dead_air 2 s, jitter 2 s); restart -> stream heard again: "
            << (back_at > 0 ? std::to_string(seconds(back_at - restart_at)) + " s" : "never")
            << "\n";

  EXPECT_LE(seconds(fallback_at - kill_at), 2.0 + 0.5)
      << "the fallback airs within dead_air + 0.5 s of the server's death";
  ASSERT_GT(back_at, 0u) << "the relay never came back";
  const std::vector<float> last(heard.end() - kRelayRate, heard.end());
  EXPECT_GT(test::melody_correlation(last), 0.9) << "the stream's melody airs at the end";
  EXPECT_LT(test::tone_level(heard, heard.size() - kRelayRate, kRelayRate, kFallbackTone), 0.01);

  // lost, reconnecting, dead air, dead air over: in that order.
  const RelayEvent::Kind order[] = {RelayEvent::Kind::lost, RelayEvent::Kind::reconnecting,
                                    RelayEvent::Kind::dead_air_started,
                                    RelayEvent::Kind::dead_air_ended};
  std::size_t next = 0;
  for (const auto& e : seen) {
    if (next < std::size(order) && e.kind == order[next]) ++next;
  }
  EXPECT_EQ(next, std::size(order)) << "lost, reconnecting, dead air started and ended, in order";
}

}  // namespace
}  // namespace loa
