// A relay sounds the stream it reads, from a real HTTP server on loopback: Icecast-like MP3 and
// Ogg Vorbis streams paced in real time, and HLS (AAC in TS segments), each resampled from 44.1 to
// 48 kHz and downmixed; and it ends exactly at its length.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "loa/sound.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"
#include "relay_test_support.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using test::kRelayRate;

class RelayStreamTest : public ::testing::Test {
 protected:
  RelaySound relay(const std::string& path, std::int64_t frames) {
    RelaySound r{server.url(path), frames, {}, events};
    r.settings.jitter = 300ms;
    r.settings.dead_air = 5s;
    return r;
  }

  test::TempDir dir;
  test::StreamServer server;
  std::shared_ptr<RelayEvents> events = std::make_shared<RelayEvents>();
};

TEST_F(RelayStreamTest, RelaysAnMp3StreamToItsExactLength) {
  const auto mp3 = test::encoded_melody(dir.path().string(), "mp3",
                                        "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
  server.live("/vov1.mp3", mp3, static_cast<double>(mp3.size()) / test::kMelodySeconds, 16000,
              "audio/mpeg");
  test::expect_relayed(*events, relay("/vov1.mp3", 3 * kRelayRate + 123), "mp3");
}

// FFmpeg's Ogg pages last a second: the relay keeps near live with the default jitter allowance
// (2 s), more than a page, and the server's burst (2 s) fills it at once.
TEST_F(RelayStreamTest, RelaysAnOggVorbisStream) {
  const auto ogg = test::encoded_melody(dir.path().string(), "ogg", "-c:a libvorbis -q:a 4");
  const double per_second = static_cast<double>(ogg.size()) / test::kMelodySeconds;
  server.live("/tinh.ogg", ogg, per_second, static_cast<std::size_t>(2 * per_second), "audio/ogg");
  RelaySound r = relay("/tinh.ogg", 2 * kRelayRate + 7);
  r.settings.jitter = RelaySettings{}.jitter;
  test::expect_relayed(*events, r, "vorbis");
}

TEST_F(RelayStreamTest, RelaysHlsWithAacInTsSegments) {
  const auto hls = dir / "hls";
  std::filesystem::create_directories(hls);
  test::encoded_melody(hls.string(), "m3u8",
                       "-c:a aac -b:a 128k -f hls -hls_time 1 -hls_list_size 0 -hls_playlist_type "
                       "vod -hls_segment_filename " +
                           (hls / "seg%d.ts").string());
  for (const auto& entry : std::filesystem::directory_iterator(hls)) {
    const auto name = entry.path().filename().string();
    if (name == "melody.wav") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const bool playlist = entry.path().extension() == ".m3u8";
    server.file("/hls/" + (playlist ? std::string("index.m3u8") : name), bytes,
                playlist ? "application/vnd.apple.mpegurl" : "video/mp2t");
  }
  test::expect_relayed(*events, relay("/hls/index.m3u8", 3 * kRelayRate), "aac");
}

TEST_F(RelayStreamTest, RelaysAnAacAdtsStream) {
  const auto aac = test::encoded_melody(dir.path().string(), "aac", "-c:a aac -b:a 128k -f adts");
  server.live("/vov2.aac", aac, static_cast<double>(aac.size()) / test::kMelodySeconds, 16000,
              "audio/aac");
  test::expect_relayed(*events, relay("/vov2.aac", 2 * kRelayRate + 5), "aac");
}

TEST_F(RelayStreamTest, RelaysHlsWithAacInFmp4Segments) {
  const auto hls = dir / "hls";
  std::filesystem::create_directories(hls);
  test::encoded_melody(hls.string(), "m3u8",
                       "-c:a aac -b:a 128k -f hls -hls_time 1 -hls_list_size 0 -hls_playlist_type "
                       "vod -hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 "
                       "-hls_segment_filename " +
                           (hls / "seg%d.m4s").string());
  for (const auto& entry : std::filesystem::directory_iterator(hls)) {
    const auto name = entry.path().filename().string();
    if (name == "melody.wav") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const bool playlist = entry.path().extension() == ".m3u8";
    server.file("/hls/" + (playlist ? std::string("index.m3u8") : name), bytes,
                playlist ? "application/vnd.apple.mpegurl" : "video/mp4");
  }
  test::expect_relayed(*events, relay("/hls/index.m3u8", 3 * kRelayRate), "aac");
}

TEST_F(RelayStreamTest, FollowsASampleRateChangeMidStream) {
  // Two seconds at 44.1 kHz, then the melody at 32 kHz mono (as when a station switches its
  // encoder): the relay says so and sounds both.
  const auto first = test::encoded_melody(dir.path().string(), "mp3",
                                          "-c:a libmp3lame -b:a 128k -write_xing 0 "
                                          "-id3v2_version 0 -t 2");
  const auto second = test::encoded_melody(dir.path().string(), "mp3",
                                           "-c:a libmp3lame -b:a 64k -ar 32000 -ac 1 "
                                           "-write_xing 0 -id3v2_version 0");
  const std::string both = first + second;
  server.live("/switch.mp3", both, static_cast<double>(both.size()) / 6.0, 0, "audio/mpeg");
  auto source = open_sound(relay("/switch.mp3", 5 * kRelayRate), kRelayRate, 1.0f);
  const auto heard = test::air(*source, 6 * kRelayRate);
  source.reset();
  std::vector<RelayEvent> seen;
  for (auto& e : events->drain()) seen.push_back(std::move(e));
  SCOPED_TRACE(test::describe(seen));
  ASSERT_EQ(heard.size(), 5u * kRelayRate);
  bool changed = false;
  for (const auto& e : seen) {
    changed |= e.kind == RelayEvent::Kind::warning &&
               e.reason.find("changed from 44100 Hz") != std::string::npos;
    EXPECT_NE(e.kind, RelayEvent::Kind::dead_air_started);
  }
  EXPECT_TRUE(changed);
  const std::vector<float> last(heard.end() - kRelayRate, heard.end());
  EXPECT_GT(test::melody_correlation(last), 0.9) << "the stream after the change sounds";
}

TEST(RelayOpen, RefusesAnAddressThatIsNotHttp) {
  EXPECT_THROW(open_relay(RelaySound{"file:///etc/passwd", 100, {}, nullptr}, kRelayRate, 1.0f),
               std::invalid_argument);
  EXPECT_THROW(
      open_relay(RelaySound{"rtmp://example.invalid/x", 100, {}, nullptr}, kRelayRate, 1.0f),
      std::invalid_argument);
}

}  // namespace
}  // namespace loa
