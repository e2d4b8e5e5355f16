// `loa check --online` run as a process against a real HTTP server on loopback (the relay tests'
// StreamServer, with a stream ffmpeg encodes at test time): each relay item is probed and named
// with its file:line:col, a stream that answers by its codec, rate and channels, one that does
// not by why and what to do; an unreachable relay fails the check (exit 1). Inputs' capture
// devices are looked up (present or missing). Without --online nothing is probed.
#include <gtest/gtest.h>

#include <string>

#include "loa_test/cli.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"
#include "relay_test_support.hpp"

namespace loa {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The line of `text` that contains `part`, or "".
std::string line_with(const std::string& text, const std::string& part) {
  const auto at = text.find(part);
  if (at == std::string::npos) return "";
  const auto from = text.rfind('\n', at);
  const auto to = text.find('\n', at);
  return text.substr(from == std::string::npos ? 0 : from + 1,
                     to == std::string::npos ? std::string::npos
                                             : to - (from == std::string::npos ? 0 : from + 1));
}

class CheckOnline : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto mp3 = test::encoded_melody(
        dir.path().string(), "mp3", "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
    server.live("/vov1.mp3", mp3, static_cast<double>(mp3.size()) / test::kMelodySeconds, 16000,
                "audio/mpeg");
    server.status("/gone.mp3", 404);
  }
  // A station whose programme (lines 5 to 9) relays `first` and `second` and airs one input.
  void station(const std::string& first, const std::string& second) {
    dir.write("station.yaml",
              "station: {timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state/}\n"
              "audio: {inputs: [{id: fm-tuner, device: 'Card that is not plugged in'}]}\n"
              "zones: [{id: z, channel: 1}]\n"
              "programmes:\n"
              "  - id: tiep-song\n"
              "    slots:\n"
              "      - {at: '06:00', play: [{relay: '" +
                  first +
                  "', for: 30m}]}\n"
                  "      - {at: '11:00', play: [{relay: '" +
                  second +
                  "', for: 30m}]}\n"
                  "      - {at: '18:00', play: [{input: fm-tuner, for: 15m}]}\n");
  }
  test::CliResult check(const std::string& extra) const {
    return test::run_cli(LOA_BINARY, "check --config station.yaml " + extra, dir);
  }

  test::TempDir dir;
  test::StreamServer server;
};

TEST_F(CheckOnline, NamesEachRelaysStreamOrWhyItCannotBeReachedAndFailsForOneThatCannot) {
  station(server.url("/vov1.mp3"), server.url("/gone.mp3"));
  const test::CliResult r = check("--online");
  EXPECT_EQ(r.exit, 1) << "an unreachable relay fails the check\n" << r.out << r.err;

  const std::string good = line_with(r.out, "relay " + server.url("/vov1.mp3"));
  EXPECT_TRUE(has(good, "station.yaml:7:")) << "where the item is written: " << r.out;
  EXPECT_TRUE(has(good, "reachable: mp3 (mp3), 44100 Hz, 2 channels")) << good;

  const std::string bad = line_with(r.out, "relay " + server.url("/gone.mp3"));
  EXPECT_TRUE(has(bad, "station.yaml:8:")) << r.out;
  EXPECT_TRUE(has(bad, "unreachable: ")) << bad;
  EXPECT_TRUE(has(bad, "404")) << bad;
  EXPECT_TRUE(has(bad, "Open the address in a browser")) << "what to do next: " << bad;
  EXPECT_TRUE(has(bad, "airs its fallback (silence)")) << bad;

  const std::string input = line_with(r.out, "input fm-tuner");
  EXPECT_TRUE(has(input, "station.yaml:9:")) << r.out;
  EXPECT_TRUE(has(input, "device \"Card that is not plugged in\" missing: ")) << input;
  EXPECT_TRUE(has(input, "loa devices")) << "what to do next: " << input;
  EXPECT_TRUE(has(r.err,
                  "online: 2 relay item(s), 1 unreachable; 1 input item(s), 1 with "
                  "their device missing"))
      << r.err;
}

// A Vietnamese operator reads every line in Vietnamese (the network's own reason stays as FFmpeg
// words it).
TEST_F(CheckOnline, SpeaksVietnameseWithLangVi) {
  station(server.url("/vov1.mp3"), server.url("/gone.mp3"));
  const test::CliResult r =
      test::run_cli_vi(LOA_BINARY, "check --config station.yaml --online", dir);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  const std::string good = line_with(r.out, "tiếp sóng " + server.url("/vov1.mp3"));
  EXPECT_TRUE(has(good, "kết nối được: mp3 (mp3), 44100 Hz, 2 kênh")) << r.out;
  const std::string bad = line_with(r.out, "tiếp sóng " + server.url("/gone.mp3"));
  EXPECT_TRUE(has(bad, "không kết nối được: ")) << r.out;
  EXPECT_TRUE(has(bad, "phát phần thay thế")) << bad;
  const std::string input = line_with(r.out, "đầu vào fm-tuner");
  EXPECT_TRUE(has(input, "thiếu thiết bị \"Card that is not plugged in\"")) << r.out;
  EXPECT_TRUE(has(r.err,
                  "trực tuyến: 2 mục tiếp sóng, 1 không kết nối được; 1 mục đầu vào, 1 mục "
                  "thiếu thiết bị"))
      << r.err;
}

TEST_F(CheckOnline, PassesWhenEveryRelayAnswers) {
  station(server.url("/vov1.mp3"), server.url("/vov1.mp3"));
  const test::CliResult r = check("--online");
  EXPECT_EQ(r.exit, 0) << "a missing input device does not fail it: it may be plugged in before "
                          "its slot\n"
                       << r.out << r.err;
  EXPECT_TRUE(has(r.err, "online: 2 relay item(s), 0 unreachable")) << r.err;
}

TEST_F(CheckOnline, WithoutOnlineNothingIsProbed) {
  station(server.url("/vov1.mp3"), server.url("/gone.mp3"));
  const test::CliResult r = check("");
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_FALSE(has(r.out, "reachable")) << r.out;
  EXPECT_FALSE(has(r.err, "online:")) << r.err;
}

}  // namespace
}  // namespace loa
