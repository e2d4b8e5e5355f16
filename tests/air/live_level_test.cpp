// Relay and input items air at the station's loudness, as its clips do: a station loaded for air
// (load_air_station, as `loa run` loads it) opens its live items levelled to its `audio.loudness`,
// or as they come when that is `off`. The relay reads a real HTTP server on loopback (an MP3
// encoded by ffmpeg at test time); the input a JACK client of the test's own playing a tone into
// loa's capture port (scripts/jack-dummy.sh start). Loudness measured with libebur128.
#include <ebur128.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <string>
#include <thread>

#include "loa/air_station.hpp"
#include "loa/portaudio_output.hpp"
#include "loa_test/jack_tone.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"
#include "relay_test_support.hpp"

// ThreadSanitizer cannot see JACK's synchronisation between clients (see jack_path_test.cpp).
extern "C" const char* __tsan_default_suppressions() {
  return "race:libportaudio.so\n";
}

namespace loa {
namespace {

using namespace std::chrono_literals;
using test::kRelayRate;

constexpr double kSpeed = 6.0;  // the relay is served and read 6x faster than real time
constexpr double kLoopSeconds = 20.0;

double integrated_lufs(const float* x, std::size_t n) {
  ebur128_state* meter = ebur128_init(1, kRelayRate, EBUR128_MODE_I);
  ebur128_add_frames_float(meter, x, n);
  double lufs = -HUGE_VAL;
  ebur128_loudness_global(meter, &lufs);
  ebur128_destroy(&meter);
  return lufs;
}

// Reads `source` in 20 ms blocks, `speed` times faster than the air does, until it ends.
std::vector<float> air_at(MonoSource& source, double speed) {
  std::vector<float> heard;
  std::vector<float> block(kRelayRate / 50);
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(0.02 / speed));
  auto next = std::chrono::steady_clock::now();
  for (;;) {
    const std::size_t n = source.read(block);
    heard.insert(heard.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < block.size()) break;
    next += period;
    std::this_thread::sleep_until(next);
  }
  return heard;
}

// A station at 48 kHz with `loudness` ("-16", "off") and one programme playing `item`.
std::string station_yaml(const std::string& loudness, const std::string& item,
                         const std::string& inputs = "") {
  return "station: {timezone: UTC, clips: clips/, state: state/}\n"
         "audio: {sample_rate: 48000, loudness: " +
         loudness + ", chime: none" + inputs +
         "}\n"
         "zones: [{id: z, channel: 1}]\n"
         "programmes:\n"
         "  - {id: p, slots: [{at: '06:00', play: [" +
         item + "]}]}\n";
}

// The station's first item as the on-air engine opens it, `seconds` long.
BroadcastItem live_item(const AirStation& air, BroadcastItem::Kind kind, double seconds) {
  BroadcastItem item;
  item.kind = kind;
  item.clip = &air.station->programmes.at(0).slots.at(0).play.at(0);
  item.length = std::chrono::duration_cast<Micros>(std::chrono::duration<double>(seconds));
  return item;
}

struct RelayCase {
  std::string loudness;  // the station's audio.loudness
  double expected_lufs;  // what the relay airs at once the rider has settled
};

void PrintTo(const RelayCase& c, std::ostream* out) {
  *out << "station loudness " << c.loudness << ", expected " << c.expected_lufs << " LUFS";
}

std::string case_name(const ::testing::TestParamInfo<RelayCase>& c) {
  return c.param.loudness == "off" ? "LoudnessOff" : "LoudnessMinus16";
}

class LiveLevel : public ::testing::TestWithParam<RelayCase> {};

// A relay of a stream 10 dB under the station's loudness: levelled, it airs at the station's
// loudness, as a clip of that stream would; with loudness off it airs at its own level.
TEST_P(LiveLevel, ARelayAirsAtTheLoudnessTheStationsClipsAirAt) {
  constexpr double kSourceLufs = -26.0;
  const auto reference =
      test::melody(static_cast<std::size_t>(kLoopSeconds * kRelayRate), kRelayRate);
  const double melody_lufs = integrated_lufs(reference.data(), reference.size());
  const std::string volume = "-af volume=" + std::to_string(kSourceLufs - melody_lufs) + "dB";

  test::TempDir dir;
  test::StreamServer server;
  const auto mp3 = test::encoded_melody(
      dir.path().string(), "mp3",
      volume + " -c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0", kLoopSeconds);
  const double bytes_per_second = static_cast<double>(mp3.size()) / kLoopSeconds;
  server.live("/vov1.mp3", mp3, bytes_per_second * kSpeed,
              static_cast<std::size_t>(bytes_per_second), "audio/mpeg");
  dir.write("station.yaml", station_yaml(GetParam().loudness,
                                         "{relay: '" + server.url("/vov1.mp3") + "', for: 40s}"));
  const LoadedStation loaded = load_air_station(dir / "station.yaml");
  ASSERT_TRUE(loaded.air.has_value()) << loaded.diagnostics;

  auto events = std::make_shared<RelayEvents>();
  const BroadcastItem item = live_item(*loaded.air, BroadcastItem::Kind::relay, 40.0);
  auto source = loaded.air->open_live(item, events);
  const auto heard = air_at(*source, kSpeed);
  source.reset();
  const std::vector<RelayEvent> seen = events->drain();
  SCOPED_TRACE(test::describe(seen));
  for (const auto& e : seen) EXPECT_NE(e.kind, RelayEvent::Kind::dead_air_started);
  ASSERT_EQ(heard.size(), 40U * kRelayRate);

  // From 25 s: the rider's 10 dB boost, at its 8 s release, is within 1 dB after ~20 s.
  const std::size_t from = 25 * kRelayRate;
  const double lufs = integrated_lufs(heard.data() + from, heard.size() - from);
  std::cout << "relay at " << kSourceLufs << " LUFS, station loudness " << GetParam().loudness
            << ": aired at " << lufs << " LUFS from 25 s\n";
  EXPECT_NEAR(lufs, GetParam().expected_lufs, 1.5)
      << "a stream at " << kSourceLufs << " LUFS relayed by a station at loudness "
      << GetParam().loudness;
}

INSTANTIATE_TEST_SUITE_P(LevelledAndOff, LiveLevel,
                         ::testing::Values(RelayCase{"-16", -16.0}, RelayCase{"off", -26.0}),
                         case_name);

// A line-in 7 dB louder than the station's loudness (a 1 kHz tone at half scale, about -9 LUFS)
// airs at the station's loudness once the rider has cut it (2 s attack), in real time.
TEST(LiveLevelInput, AnInputAirsAtTheLoudnessTheStationsClipsAirAt) {
  test::ToneClient tone(1000.0, 0.5);
  if (!tone.running()) {
    GTEST_SKIP() << "no JACK server is running: start one with scripts/jack-dummy.sh start (or "
                    "leave these tests out with ctest -LE jack)";
  }
  const std::string client = "loa-lvl-" + std::to_string(getpid());
  set_jack_client_name(client);
  test::TempDir dir;
  dir.write("station.yaml", station_yaml("-16", "{input: fm-tuner, for: 12s}",
                                         ", inputs: [{id: fm-tuner, device: jack, channel: 1}]"));
  const LoadedStation loaded = load_air_station(dir / "station.yaml");
  ASSERT_TRUE(loaded.air.has_value()) << loaded.diagnostics;

  auto events = std::make_shared<RelayEvents>();
  const BroadcastItem item = live_item(*loaded.air, BroadcastItem::Kind::input, 12.0);
  auto source = loaded.air->open_live(item, events);
  std::vector<RelayEvent> seen;
  ASSERT_TRUE(test::wait_event(*events, seen, RelayEvent::Kind::connected, 5s))
      << test::describe(seen);
  ASSERT_GE(tone.play_into(client), 1) << "no capture port " << client << ":in_N";
  const auto heard = air_at(*source, 1.0);
  source.reset();
  for (auto& e : events->drain()) seen.push_back(std::move(e));
  SCOPED_TRACE(test::describe(seen));
  ASSERT_EQ(heard.size(), 12U * kRelayRate);

  const double source_lufs = [] {
    std::vector<float> sine(4 * kRelayRate);
    for (std::size_t i = 0; i < sine.size(); ++i) {
      sine[i] = static_cast<float>(
          0.5 * std::sin(2 * M_PI * 1000.0 * static_cast<double>(i) / kRelayRate));
    }
    return integrated_lufs(sine.data(), sine.size());
  }();
  ASSERT_GT(source_lufs, -16.0 + 5.0) << "the tone is louder than the station's loudness";
  // From 8 s: the rider's 3 s window is full and its cut is within 0.5 dB of where it goes.
  const std::size_t from = 8 * kRelayRate;
  const double lufs = integrated_lufs(heard.data() + from, heard.size() - from);
  std::cout << "input tone at " << source_lufs << " LUFS, station loudness -16: aired at " << lufs
            << " LUFS from 8 s\n";
  EXPECT_NEAR(lufs, -16.0, 1.5) << "a tone at " << source_lufs << " LUFS on line-in";
}

}  // namespace
}  // namespace loa
