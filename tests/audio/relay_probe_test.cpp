// The probe of `loa check --online`: a relay's address looked at for a few seconds, against a real
// HTTP server on loopback. A good stream names its container, codec, rate and channels; a bad
// address gives the relay's own reason, within the time allowed.

#include "loa/relay_probe.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"
#include "relay_test_support.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RelayProbeTest : public ::testing::Test {
 protected:
  // Probes `url` with a 3 s allowance; checks it returned within it (and the half second's margin).
  RelayProbe probe(const std::string& url, std::chrono::milliseconds timeout = 3s) {
    const auto before = Clock::now();
    RelayProbe p = probe_relay(url, timeout);
    EXPECT_LT(Clock::now() - before, timeout + 500ms);
    return p;
  }

  test::TempDir dir;
  test::StreamServer server;
};

TEST_F(RelayProbeTest, NamesAnMp3StreamsCodecRateAndChannels) {
  const auto mp3 = test::encoded_melody(dir.path().string(), "mp3",
                                        "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
  server.live("/vov1.mp3", mp3, static_cast<double>(mp3.size()) / test::kMelodySeconds, 16000,
              "audio/mpeg");
  const auto p = probe(server.url("/vov1.mp3"));
  EXPECT_TRUE(p.ok) << p.reason;
  EXPECT_EQ(p.format, "mp3");
  EXPECT_EQ(p.codec, "mp3");
  EXPECT_EQ(p.rate, 44100);
  EXPECT_EQ(p.channels, 2);
}

TEST_F(RelayProbeTest, NamesHlsWithAacInTs) {
  const auto hls = dir / "hls";
  std::filesystem::create_directories(hls);
  test::encoded_melody(hls.string(), "m3u8",
                       "-ar 48000 -ac 1 -c:a aac -b:a 64k -f hls -hls_time 1 -hls_list_size 0 "
                       "-hls_segment_filename " +
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
  const auto p = probe(server.url("/hls/index.m3u8"));
  EXPECT_TRUE(p.ok) << p.reason;
  EXPECT_EQ(p.format, "hls");
  EXPECT_EQ(p.codec, "aac");
  EXPECT_EQ(p.rate, 48000);
  EXPECT_EQ(p.channels, 1);
}

TEST_F(RelayProbeTest, A404SaysSo) {
  server.status("/gone.mp3", 404);
  const auto p = probe(server.url("/gone.mp3"));
  EXPECT_FALSE(p.ok);
  EXPECT_NE(p.reason.find("HTTP 404"), std::string::npos) << p.reason;
}

TEST_F(RelayProbeTest, ARefusedConnectionSaysSo) {
  const auto url = server.url("/vov1.mp3");
  server.stop();
  const auto p = probe(url);
  EXPECT_FALSE(p.ok);
  EXPECT_NE(p.reason.find("connection refused"), std::string::npos) << p.reason;
}

TEST_F(RelayProbeTest, AServerThatNeverAnswersIsGivenUpOnInTime) {
  // An endless trickle of nothing that is audio: the probe gives up at its timeout.
  server.endless("/slow.mp3", "", std::string(1, '\0'), "audio/mpeg");
  const auto p = probe(server.url("/slow.mp3"), 1500ms);
  EXPECT_FALSE(p.ok);
  EXPECT_NE(p.reason.find("1.5 s"), std::string::npos) << p.reason;
}

TEST(RelayProbeAddress, RefusesAnAddressThatIsNotHttp) {
  EXPECT_THROW(probe_relay("file:///etc/passwd"), std::invalid_argument);
}

}  // namespace
}  // namespace loa
