// A live HLS stream as a station meets it: ffmpeg writes 4 s segments and a sliding playlist into
// a folder, in real time, and a local HTTP server serves the folder. The segments come seconds
// apart, longer than the relay's jitter allowance, and the relay must air them without a gap.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "loa/sound.hpp"
#include "loa_test/child_process.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"
#include "loa_test/wait.hpp"
#include "relay_test_support.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using test::kRelayRate;

// The segments in the playlist ffmpeg has written so far.
int segments_listed(const std::filesystem::path& playlist) {
  if (!std::filesystem::exists(playlist)) return 0;
  const std::string text = test::slurp(playlist);
  int n = 0;
  for (auto at = text.find("#EXTINF"); at != std::string::npos; at = text.find("#EXTINF", at + 1)) {
    ++n;
  }
  return n;
}

// The longest stretch of `heard` after its first `from` frames, in seconds, whose 10 ms windows
// all peak under -40 dBFS: a gap a listener hears (the melody has none).
double longest_gap(const std::vector<float>& heard, std::size_t from) {
  const std::size_t window = kRelayRate / 100;
  std::size_t run = 0, longest = 0;
  for (std::size_t at = from; at + window <= heard.size(); at += window) {
    float peak = 0.0f;
    for (std::size_t i = at; i < at + window; ++i) peak = std::max(peak, std::abs(heard[i]));
    run = peak < 0.01f ? run + window : 0;
    longest = std::max(longest, run);
  }
  return static_cast<double>(longest) / kRelayRate;
}

TEST(RelayHlsLive, SegmentsLongerThanTheJitterAllowanceAirWithoutAGap) {
  test::TempDir dir;
  const auto hls = dir.path() / "hls";
  std::filesystem::create_directories(hls);
  test::encoded_melody(dir.path().string(), "flac", "-c:a flac", 2 * test::kMelodySeconds);
  const pid_t ffmpeg = test::spawn_logged({"ffmpeg",
                                           "-nostdin",
                                           "-hide_banner",
                                           "-loglevel",
                                           "warning",
                                           "-re",
                                           "-stream_loop",
                                           "-1",
                                           "-i",
                                           (dir.path() / "melody.flac").string(),
                                           "-c:a",
                                           "aac",
                                           "-b:a",
                                           "64k",
                                           "-f",
                                           "hls",
                                           "-hls_time",
                                           "4",
                                           "-hls_list_size",
                                           "5",
                                           "-hls_flags",
                                           "delete_segments+temp_file",
                                           "-hls_segment_filename",
                                           (hls / "seg%d.ts").string(),
                                           (hls / "index.m3u8").string()},
                                          dir.path() / "ffmpeg.log");
  struct Stop {
    pid_t pid;
    ~Stop() { test::end_process(pid); }
  } stop{ffmpeg};
  ASSERT_TRUE(
      test::wait_until([&] { return segments_listed(hls / "index.m3u8") >= 2; }, 20s, 100ms))
      << test::slurp(dir.path() / "ffmpeg.log");
  test::StreamServer server;
  server.folder("/hls/", hls.string());

  // Default settings (a 2 s jitter allowance), opened 5 s ahead of its slot as a preroll does.
  auto events = std::make_shared<RelayEvents>();
  RelaySound relay{server.url("/hls/index.m3u8"), 12 * kRelayRate, {}, events};
  auto source = open_sound(relay, kRelayRate, 1.0f);
  std::vector<RelayEvent> seen;
  ASSERT_TRUE(test::wait_event(*events, seen, RelayEvent::Kind::connected, 10s))
      << test::describe(seen);
  std::this_thread::sleep_for(5s);
  const auto heard = test::air(*source, static_cast<std::size_t>(relay.frames));
  source.reset();
  for (auto& e : events->drain()) seen.push_back(std::move(e));
  SCOPED_TRACE(test::describe(seen));

  ASSERT_EQ(heard.size(), static_cast<std::size_t>(relay.frames));
  // Three segments (12 s) aired: each arrived up to 4 s after the one before. Holding only the
  // jitter allowance (2 s) at the start, the relay ran dry before each.
  EXPECT_LT(longest_gap(heard, 0), 0.05) << "a silent gap in the relayed HLS stream";
  EXPECT_GT(test::melody_correlation(heard), 0.9);
  for (const auto& e : seen) EXPECT_NE(e.kind, RelayEvent::Kind::dead_air_started);
}

}  // namespace
}  // namespace loa
