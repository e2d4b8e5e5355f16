// A relay sounds the stream it reads, from a real HTTP server on loopback: Icecast-like MP3 and
// Ogg Vorbis streams paced in real time, a Shoutcast server's "ICY 200 OK", and HLS (AAC in TS
// segments), each resampled from 44.1 to 48 kHz and downmixed; and it ends exactly at its length.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

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

// Whether FFmpeg's libavformat is loaded in this process.
bool libavformat_loaded() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find("libavformat") != std::string::npos;
}

// A plain MP3 stream, what stations relay most, is parsed and decoded by libavcodec alone:
// libavformat and its dependencies (9 MB of a relaying loa's memory) stay out of the process.
TEST_F(RelayStreamTest, AnMp3StreamIsRelayedWithoutLoadingLibavformat) {
  if (libavformat_loaded()) GTEST_SKIP() << "an earlier test in this process loaded libavformat";
  const auto mp3 = test::encoded_melody(dir.path().string(), "mp3",
                                        "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
  server.live("/vov1.mp3", mp3, static_cast<double>(mp3.size()) / test::kMelodySeconds, 16000,
              "audio/mpeg");
  test::expect_relayed(*events, relay("/vov1.mp3", 2 * kRelayRate), "mp3");
  EXPECT_FALSE(libavformat_loaded());
}

// Servers misname streams: AAC as audio/mpeg. The frames' headers say which it is.
TEST_F(RelayStreamTest, RelaysAnAacStreamThatItsServerCallsMp3) {
  const auto aac = test::encoded_melody(dir.path().string(), "aac", "-c:a aac -b:a 128k -f adts");
  server.live("/vov2", aac, static_cast<double>(aac.size()) / test::kMelodySeconds, 16000,
              "audio/mpeg");
  test::expect_relayed(*events, relay("/vov2", 2 * kRelayRate), "aac");
}

// FFmpeg's Ogg pages last a second: the relay keeps near live with the default jitter allowance
// (2 s), more than a page, and the server's burst (2 s) fills it at once.
// A Shoutcast (version 1) server: it answers "ICY 200 OK", not HTTP, then sends `bytes` looped
// in real time after a burst of 16 KB, to one listener at a time, until destroyed.
class ShoutcastServer {
 public:
  ShoutcastServer(std::string bytes, double bytes_per_second)
      : bytes_(std::move(bytes)), per_second_(bytes_per_second) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("the Shoutcast test server cannot listen");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ShoutcastServer() {
    done_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/;stream.mp3"; }

 private:
  void serve() {
    while (!done_) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      char request[2048];
      if (::recv(client, request, sizeof request, 0) > 0) {
        const std::string head =
            "ICY 200 OK\r\nicy-name: Dai tinh\r\ncontent-type: audio/mpeg\r\nicy-br: 128\r\n\r\n";
        ::send(client, head.data(), head.size(), MSG_NOSIGNAL);
        stream_to(client);
      }
      ::close(client);
    }
  }
  void stream_to(int client) {
    const auto begin = std::chrono::steady_clock::now();
    for (std::size_t sent = 0; !done_;) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      const auto allowed = static_cast<std::size_t>(16384 + per_second_ * elapsed);
      if (allowed <= sent) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      const std::size_t at = sent % bytes_.size();
      const std::size_t n = std::min(allowed - sent, bytes_.size() - at);
      const ssize_t wrote = ::send(client, bytes_.data() + at, n, MSG_NOSIGNAL);
      if (wrote <= 0) return;
      sent += static_cast<std::size_t>(wrote);
    }
  }

  std::string bytes_;
  double per_second_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

TEST(RelayShoutcast, RelaysAServerThatAnswersIcyNotHttp) {
  test::TempDir dir;
  const auto mp3 = test::encoded_melody(dir.path().string(), "mp3",
                                        "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
  ShoutcastServer server(mp3, static_cast<double>(mp3.size()) / test::kMelodySeconds);
  auto events = std::make_shared<RelayEvents>();
  RelaySound relay{server.url(), 3 * kRelayRate + 5, {}, events};
  relay.settings.jitter = 300ms;
  relay.settings.dead_air = 5s;
  test::expect_relayed(*events, relay, "mp3");
}

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
