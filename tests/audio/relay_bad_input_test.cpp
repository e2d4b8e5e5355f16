// Bad sources, as a station meets them: each is reported with a reason an operator understands,
// the fallback airs within dead_air + 0.5 s, the relay ends at exactly its length, and nothing
// hangs (every case finishes in a few seconds) or crashes.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "loa/sound.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"
#include "relay_test_support.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using test::kRelayRate;

constexpr double kFallbackTone = 300.0;

struct BadSource {
  std::string name;
  // Sets the server up; the relay's address.
  std::function<std::string(test::StreamServer&, const test::TempDir&)> serve;
  std::string reason;  // part of the reason reported
};

void PrintTo(const BadSource& source, std::ostream* out) {
  *out << source.name;
}

std::string mp3_melody(const test::TempDir& dir) {
  return test::encoded_melody(dir.path().string(), "mp3",
                              "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
}

class RelayBadInputTest : public ::testing::TestWithParam<BadSource> {
 protected:
  test::TempDir dir;
  test::StreamServer server;
  std::shared_ptr<RelayEvents> events = std::make_shared<RelayEvents>();
};

TEST_P(RelayBadInputTest, IsReportedWithItsReasonAndTheFallbackAirs) {
  const auto clip = dir / "nhac-nen.wav";
  test::write_tone(clip, 3.0, kRelayRate, 1, test::AudioFormat::wav16, kFallbackTone, 0.25);
  RelaySound relay{GetParam().serve(server, dir), 2 * kRelayRate, {}, events};
  relay.settings.dead_air = 500ms;
  relay.settings.jitter = 300ms;
  relay.settings.open_timeout = 1500ms;
  relay.settings.stall = 1500ms;
  relay.settings.fallback = {FallbackClip{clip, 1.0f}};
  auto source = open_sound(relay, kRelayRate, 1.0f);

  std::vector<RelayEvent> seen;
  const auto lost = test::wait_event(*events, seen, RelayEvent::Kind::lost, 10s);
  ASSERT_TRUE(lost.has_value()) << test::describe(seen);
  EXPECT_NE(lost->reason.find(GetParam().reason), std::string::npos) << lost->reason;

  const auto heard = test::read_all(*source, 3 * kRelayRate);
  source.reset();
  for (auto& e : events->drain()) seen.push_back(std::move(e));
  SCOPED_TRACE(test::describe(seen));
  ASSERT_EQ(heard.size(), 2u * kRelayRate);
  // dead_air (0.5 s) + the crossfade (0.5 s): the fallback in full from 1 s on.
  EXPECT_GT(test::tone_level(heard, kRelayRate, kRelayRate, kFallbackTone), 0.2);
  bool reported = false;
  for (const auto& e : seen) {
    if (e.kind == RelayEvent::Kind::dead_air_started) {
      reported = e.reason.find(GetParam().reason) != std::string::npos;
      EXPECT_TRUE(reported) << e.reason;
    }
  }
  EXPECT_TRUE(reported);
}

std::string html_page() {
  std::string page = "<!DOCTYPE html><html><head><title>VOV1</title></head><body>";
  for (int i = 0; i < 100; ++i) page += "<p>Nghe VOV1 trực tuyến</p>";
  return page + "</body></html>";
}

INSTANTIATE_TEST_SUITE_P(
    Sources, RelayBadInputTest,
    ::testing::Values(BadSource{"Http404",
                                [](test::StreamServer& s, const test::TempDir&) {
                                  s.status("/gone.mp3", 404);
                                  return s.url("/gone.mp3");
                                },
                                "HTTP 404"},
                      BadSource{"HtmlPage",
                                [](test::StreamServer& s, const test::TempDir&) {
                                  s.file("/listen", html_page(), "text/html; charset=utf-8");
                                  return s.url("/listen");
                                },
                                "web page"},
                      BadSource{"NotAudio",
                                [](test::StreamServer& s, const test::TempDir&) {
                                  s.file("/data.mp3", std::string(20000, '\x17'), "audio/mpeg");
                                  return s.url("/data.mp3");
                                },
                                "not audio"},
                      BadSource{"LiveNotAudio",
                                [](test::StreamServer& s, const test::TempDir&) {
                                  s.live("/noise.mp3", std::string(20000, '\x17'), 16000.0, 16000,
                                         "audio/mpeg");
                                  return s.url("/noise.mp3");
                                },
                                "no playable audio"},
                      BadSource{"Trickle1KBps",
                                [](test::StreamServer& s, const test::TempDir& dir) {
                                  s.live("/slow.mp3", mp3_melody(dir), 1000.0, 0, "audio/mpeg");
                                  return s.url("/slow.mp3");
                                },
                                "too slow"},
                      BadSource{"RedirectLoop",
                                [](test::StreamServer& s, const test::TempDir&) {
                                  s.redirect("/a.mp3", "/b.mp3");
                                  s.redirect("/b.mp3", "/a.mp3");
                                  return s.url("/a.mp3");
                                },
                                "redirect loop"},
                      BadSource{"EndlessPlaylist",
                                [](test::StreamServer& s, const test::TempDir&) {
                                  s.endless("/live.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:1\n",
                                            "#EXTINF:1.0,\nseg.ts\n",
                                            "application/vnd.apple.mpegurl");
                                  return s.url("/live.m3u8");
                                },
                                "never ends"},
                      BadSource{"ConnectionRefused",
                                [](test::StreamServer& s, const test::TempDir&) {
                                  const auto url = s.url("/vov1.mp3");
                                  s.stop();
                                  return url;
                                },
                                "connection refused"},
                      BadSource{"TlsFailure",
                                [](test::StreamServer& s, const test::TempDir&) {
                                  auto url = s.url("/vov1.mp3");
                                  return "https" +
                                         url.substr(4);  // TLS to a server that speaks plain HTTP
                                },
                                "TLS failure"},
                      BadSource{"DnsFailure",
                                [](test::StreamServer&, const test::TempDir&) {
                                  return std::string("http://no-such-host.invalid/vov1.mp3");
                                },
                                "DNS failure"}),
    [](const ::testing::TestParamInfo<BadSource>& source) { return source.param.name; });

// A damaged HLS segment in the middle: reported, skipped, and the stream plays on after it.
TEST(RelayCorruptSegment, IsReportedAndTheStreamPlaysOn) {
  test::TempDir dir;
  test::StreamServer server;
  auto events = std::make_shared<RelayEvents>();
  const auto hls = dir / "hls";
  std::filesystem::create_directories(hls);
  test::encoded_melody(hls.string(), "m3u8",
                       "-c:a aac -b:a 128k -f hls -hls_time 1 -hls_list_size 0 -hls_playlist_type "
                       "vod -hls_segment_filename " +
                           (hls / "seg%d.ts").string(),
                       12.0);  // longer than the relay: what it airs comes from one connection
  for (const auto& entry : std::filesystem::directory_iterator(hls)) {
    const auto name = entry.path().filename().string();
    if (name == "melody.wav") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (name == "seg1.ts") {
      // Every TS packet keeps its header; its payload is scrambled.
      for (std::size_t at = 0; at + 188 <= bytes.size(); at += 188) {
        for (std::size_t i = at + 8; i < at + 188; ++i)
          bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
      }
    }
    const bool playlist = entry.path().extension() == ".m3u8";
    server.file("/hls/" + (playlist ? std::string("index.m3u8") : name), bytes,
                playlist ? "application/vnd.apple.mpegurl" : "video/mp2t");
  }
  RelaySound relay{server.url("/hls/index.m3u8"), 7 * kRelayRate / 2, {}, events};
  relay.settings.jitter = 300ms;
  auto source = open_sound(relay, kRelayRate, 1.0f);
  const auto heard = test::air(*source, 4 * kRelayRate);
  source.reset();
  std::vector<RelayEvent> seen;
  for (auto& e : events->drain()) seen.push_back(std::move(e));
  SCOPED_TRACE(test::describe(seen));
  ASSERT_EQ(heard.size(), 7u * kRelayRate / 2);
  bool damaged = false;
  for (const auto& e : seen)
    damaged |= e.kind == RelayEvent::Kind::warning && e.reason.find("damaged") != std::string::npos;
  EXPECT_TRUE(damaged);
  const std::vector<float> last(heard.end() - kRelayRate, heard.end());
  EXPECT_GT(test::melody_correlation(last), 0.9) << "the segments after the damaged one play";
}

}  // namespace
}  // namespace loa
