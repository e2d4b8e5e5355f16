// `loa render` as a process: what the air output carries, checked sample by sample.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "loa/journal.hpp"
#include "loa/loudness.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using test::json_lines;
using test::read_wav;
using test::slurp;
using test::Wav;

// A clip holding one constant value: where it starts and ends is visible to the sample.
void write_level(const std::filesystem::path& p, double seconds, int rate, float value) {
  std::filesystem::create_directories(p.parent_path());
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE* f = sf_open(p.c_str(), SFM_WRITE, &info);
  std::vector<float> s(static_cast<std::size_t>(std::llround(seconds * rate)), value);
  sf_writef_float(f, s.data(), static_cast<sf_count_t>(s.size()));
  sf_close(f);
}

int run(const std::string& args, const test::TempDir& dir, std::string* err = nullptr) {
  const test::CliResult r = test::run_cli(LOA_BINARY, args, dir);
  if (err != nullptr) *err = r.err;
  return r.exit;
}

const std::string kHead = R"(station: {timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state/}
audio: {sample_rate: 48000, loudness: off, chime: none}
zones:
  - {id: ap-1, channel: 1}
  - {id: ap-2, channel: 2}
  - {id: cho, channel: 3}
)";

constexpr float kQuarter = 0.25F;
constexpr float kHalf = 0.5F;
constexpr float kTol = 1.0F / 32768.0F;  // 16-bit output

class Render : public ::testing::Test {
 protected:
  void SetUp() override {
    write_level(dir / "clips/quarter.wav", 2.0, 48000, kQuarter);
    write_level(dir / "clips/half.wav", 1.0, 48000, kHalf);
  }
  Wav render(const std::string& programmes, const std::string& from, const std::string& to,
             const std::string& head = kHead) {
    dir.write("station.yaml", head + programmes);
    std::string err;
    const int rc = run("render --config station.yaml --from " + from + " --to " + to +
                           " --out air.wav --as-run as-run.jsonl",
                       dir, &err);
    EXPECT_EQ(rc, 0) << err;
    return read_wav(dir / "air.wav");
  }
  test::TempDir dir;
};

TEST_F(Render, ABroadcastStartsOnItsExactSampleOnItsZonesChannels) {
  Wav w =
      render("programmes: [{id: p, zones: [ap-2], slots: [{at: '06:00', play: [quarter.wav]}]}]\n",
             "2026-12-01T05:59:59", "2026-12-01T06:00:04");
  ASSERT_EQ(w.rate, 48000);
  ASSERT_EQ(w.channels, 3);
  ASSERT_EQ(w.frames(), 5 * 48000);
  EXPECT_EQ(w.at(47999, 1), 0.0F);
  EXPECT_NEAR(w.at(48000, 1), kQuarter, kTol);  // 06:00:00 is sample (06:00 - from) * rate
  EXPECT_NEAR(w.at(48000 + 95999, 1), kQuarter, kTol);
  EXPECT_EQ(w.at(48000 + 96000, 1), 0.0F);
  for (std::int64_t f = 0; f < w.frames(); f += 97) {
    ASSERT_EQ(w.at(f, 0), 0.0F) << f;
    ASSERT_EQ(w.at(f, 2), 0.0F) << f;
  }
}

TEST_F(Render, ItemsJoinWithoutAGap) {
  Wav w = render(
      "programmes: [{id: p, zones: [ap-1], slots: [{at: '06:00', play: [quarter.wav, "
      "half.wav]}]}]\n",
      "2026-12-01T06:00", "2026-12-01T06:00:04");
  EXPECT_NEAR(w.at(95999, 0), kQuarter, kTol);
  EXPECT_NEAR(w.at(96000, 0), kHalf, kTol);
  EXPECT_NEAR(w.at(143999, 0), kHalf, kTol);
  EXPECT_EQ(w.at(144000, 0), 0.0F);
}

TEST_F(Render, AnEmergencyCutsInOnItsFrameAfterAShortFade) {
  Wav w = render(R"(programmes:
  - {id: p, zones: [ap-1, ap-2], slots: [{at: '06:00', play: [quarter.wav, quarter.wav]}]}
  - {id: lu, priority: emergency, zones: [ap-1], slots: [{at: '06:00:01', play: [half.wav]}]}
)",
                 "2026-12-01T06:00", "2026-12-01T06:00:08");
  // Cut at 1.000 s on both zones (a broadcast is indivisible), faded over the last 10 ms.
  EXPECT_NEAR(w.at(47000, 1), kQuarter, kTol);
  EXPECT_LT(w.at(47990, 1), kQuarter / 4);
  EXPECT_GT(w.at(47600, 1), w.at(47900, 1));
  EXPECT_NEAR(w.at(48000, 0), kHalf, kTol);  // the emergency, exactly on time
  EXPECT_EQ(w.at(48000, 1), 0.0F);           // ap-2 waits: its broadcast is paused
  // Resumes at 2 s, restarting the cut item: 2 + 2 + 2 s.
  EXPECT_NEAR(w.at(96000, 1), kQuarter, kTol);
  EXPECT_NEAR(w.at(6 * 48000 - 1, 1), kQuarter, kTol);
  EXPECT_EQ(w.at(6 * 48000, 1), 0.0F);
  auto log = json_lines(slurp(dir / "as-run.jsonl"));
  ASSERT_EQ(log.size(), 4U);
  EXPECT_EQ(log[0]["status"], "cut");
  EXPECT_EQ(log[0]["end"], "2026-12-01T06:00:01.000+07:00");
  EXPECT_EQ(log[3]["programme"], "lu");
  EXPECT_EQ(log[3]["status"], "aired");
}

TEST_F(Render, AClipThatCannotBePlayedIsSkippedAndJournaled) {
  dir.write("clips/broken.wav", "not audio");
  Wav w = render(
      "programmes: [{id: p, zones: [cho], slots: [{at: '06:00', play: [broken.wav, half.wav]}]}]\n",
      "2026-12-01T06:00", "2026-12-01T06:00:02");
  EXPECT_NEAR(w.at(0, 2), kHalf, kTol);  // the broadcast goes on with the next item at once
  auto log = json_lines(slurp(dir / "as-run.jsonl"));
  ASSERT_EQ(log.size(), 2U);
  EXPECT_EQ(log[0]["path"], "broken.wav");
  EXPECT_EQ(log[0]["status"], "failed");
  EXPECT_NE(log[0]["reason"].get<std::string>().find("not an audio file"), std::string::npos)
      << log[0];
  EXPECT_EQ(log[1]["status"], "aired");
}

TEST_F(Render, MissedBroadcastsAreInTheAsRun) {
  render(R"(programmes:
  - {id: long, zones: [ap-1], slots: [{at: '06:00', play: [quarter.wav, quarter.wav, quarter.wav]}]}
  - {id: short, zones: [ap-1], slots: [{at: '06:00:01', late: 2s, play: [half.wav]}]}
)",
         "2026-12-01T06:00", "2026-12-01T06:00:10");
  auto log = json_lines(slurp(dir / "as-run.jsonl"));
  ASSERT_EQ(log.size(), 4U);
  EXPECT_EQ(log[3]["programme"], "short");
  EXPECT_EQ(log[3]["status"], "missed");
}

// Issue 15: plan and render start a rotating playlist where `loa run` goes on with it, from the
// station's journal (read, not written); without one, from its first clip.
TEST_F(Render, PlanAndRenderGoOnWithTheRotationFromTheJournal) {
  const auto* zone = date::locate_zone("Asia/Ho_Chi_Minh");
  const auto now = std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
  const std::string tomorrow =
      date::format("%F", date::sys_days{local_date(now, zone)} + date::days{1});
  dir.write("station.yaml", kHead +
                                "playlists: {l: {order: rotate, pick: 1, clips: [quarter.wav, "
                                "half.wav]}}\n"
                                "programmes: [{id: p, zones: [ap-1], slots: [{dates: [" +
                                tomorrow + "], at: '06:00', play: [playlist:l]}]}]\n");
  const auto plan_clip = [&] {
    const test::CliResult r =
        test::run_cli(LOA_BINARY, "plan --config station.yaml --json --from " + tomorrow, dir);
    EXPECT_EQ(r.exit, 0) << r.err;
    const auto lines = json_lines(r.out);
    return lines.size() == 1 ? lines[0]["items"][0]["path"].get<std::string>() : std::string();
  };
  const auto render_level = [&] {
    std::string err;
    EXPECT_EQ(run("render --config station.yaml --from " + tomorrow + "T06:00 --to " + tomorrow +
                      "T06:00:01 --out air.wav --as-run as-run.jsonl",
                  dir, &err),
              0)
        << err;
    return read_wav(dir / "air.wav").at(100, 0);
  };
  EXPECT_EQ(plan_clip(), "quarter.wav") << "no journal: from the first clip";
  EXPECT_NEAR(render_level(), kQuarter, kTol);

  {
    Journal journal(dir / "state/journal.db");  // as loa run leaves it: quarter.wav aired last
    journal.save_rotation({{"l", 1}});
  }
  EXPECT_EQ(plan_clip(), "half.wav");
  EXPECT_NEAR(render_level(), kHalf, kTol);
  const auto log = json_lines(slurp(dir / "as-run.jsonl"));
  ASSERT_EQ(log.size(), 1U);
  EXPECT_EQ(log[0]["path"], "half.wav");
  EXPECT_EQ(Journal(dir / "state/journal.db", true).rotation(), (RotationState{{"l", 1}}))
      << "read, not written";
}

TEST_F(Render, ClipsAreResampledToTheStationRate) {
  write_level(dir / "clips/slow.wav", 2.0, 22050, kQuarter);
  Wav w = render(
      "programmes: [{id: p, zones: [ap-1], slots: [{at: '06:00', play: [slow.wav, half.wav]}]}]\n",
      "2026-12-01T06:00", "2026-12-01T06:00:04");
  EXPECT_NEAR(w.at(48000, 0), kQuarter, 0.001F);
  EXPECT_NEAR(w.at(96000, 0), kHalf, kTol);  // 2 s at 22.05 kHz is exactly 96000 frames here
}

TEST_F(Render, RefusesWindowsThatWouldFillTheDisk) {
  dir.write("station.yaml", kHead + "programmes: []\n");
  std::string err;
  EXPECT_EQ(run("render --config station.yaml --from 2026-12-01 --to 2026-12-08 --out air.wav", dir,
                &err),
            2);
  EXPECT_NE(err.find("longer than a day"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir / "air.wav"));
  EXPECT_EQ(run("render --config station.yaml --from 2026-12-01 --to 2026-12-01T00:01 --out "
                "/nonexistent/air.wav",
                dir, &err),
            1);
  EXPECT_NE(err.find("/nonexistent/air.wav"), std::string::npos) << err;
}

TEST_F(Render, LoudnessIsNormalizedToTheStationTarget) {
  test::write_tone(dir / "clips/quiet.wav", 4.0, 44100, 2, test::AudioFormat::wav16, 1000.0, 0.02);
  dir.write("station.yaml", std::string(R"(station: {timezone: UTC, clips: clips/, state: state/}
audio: {loudness: -16, chime: none}
zones: [{id: z, channel: 1}]
programmes: [{id: p, slots: [{at: '06:00', play: [quiet.wav]}]}]
)"));
  std::string err;
  ASSERT_EQ(run("render --config station.yaml --from 2026-12-01T06:00Z --to 2026-12-01T06:00:05Z "
                "--out air.wav",
                dir, &err),
            0)
      << err;
  const LoudnessResult r = measure_loudness(dir / "air.wav");
  ASSERT_TRUE(std::holds_alternative<Loudness>(r));
  EXPECT_NEAR(std::get<Loudness>(r).integrated_lufs, -16.0, 0.5);
  EXPECT_TRUE(std::filesystem::exists(dir / "state/loudness.tsv"));
}

// Clips imported into the house cache (state/house) on the first render play from it on the
// next: the same bytes as decoding them again; a clip replaced since is imported again.
TEST_F(Render, TheHouseCacheGivesTheSameBytesAndFollowsAChangedClip) {
  test::write_tone(dir / "clips/news.mp3", 3.0, 44100, 2, test::AudioFormat::mp3, 440.0, 0.1);
  test::write_tone(dir / "clips/bell.ogg", 2.0, 22050, 1, test::AudioFormat::ogg_vorbis, 660.0,
                   0.2);
  dir.write("station.yaml", std::string(R"(station: {timezone: UTC, clips: clips/, state: state/}
audio: {sample_rate: 48000, loudness: -16, chime: none}
zones: [{id: z, channel: 1}]
programmes: [{id: p, slots: [{at: '06:00', play: [news.mp3, bell.ogg, news.mp3]}]}]
)"));
  const auto render_to = [&](const std::string& out) {
    std::string err;
    EXPECT_EQ(run("render --config station.yaml --from 2026-12-01T06:00Z --to "
                  "2026-12-01T06:00:09Z --out " +
                      out,
                  dir, &err),
              0)
        << err;
    return slurp(dir / out);
  };
  const auto copies = [&] {
    std::size_t n = 0;
    if (!std::filesystem::exists(dir / "state/house")) return n;
    for (const auto& e : std::filesystem::directory_iterator(dir / "state/house")) {
      n += e.path().extension() == ".wav" ? 1 : 0;
    }
    return n;
  };
  const std::string first = render_to("first.wav");
  EXPECT_EQ(copies(), 2U);
  const std::string warm = render_to("warm.wav");
  EXPECT_EQ(warm, first);
  std::filesystem::remove(dir / "state/loudness.tsv");
  EXPECT_EQ(render_to("cold.wav"), first);

  // The news replaced by a louder recording of another pitch: heard, not the old copy.
  test::write_tone(dir / "clips/news.mp3", 3.0, 44100, 2, test::AudioFormat::mp3, 880.0, 0.4);
  std::filesystem::last_write_time(
      dir / "clips/news.mp3",
      std::filesystem::last_write_time(dir / "clips/news.mp3") + std::chrono::seconds(5));
  std::filesystem::remove_all(dir / "state/loudness.tsv");
  const std::string changed = render_to("changed.wav");
  EXPECT_NE(changed, first);
  EXPECT_EQ(copies(), 2U);  // the old copy of the news removed
  std::filesystem::remove_all(dir / "state/house");
  EXPECT_EQ(render_to("uncached.wav"), changed);
}

// Which shared libraries each process of a command loaded: `loa ARGS` run with the dynamic
// linker's LD_DEBUG=files, its files (one per process) sorted into the command's own and those
// of the processes it started.
struct Loaded {
  std::string own;
  std::string children;
};

Loaded libraries_loaded(const std::string& args, const std::string& env, const test::TempDir& dir,
                        std::string* err) {
  std::filesystem::remove_all(dir / "ld");
  std::filesystem::create_directories(dir / "ld");
  const test::CliResult r =
      test::run_cli("/bin/sh",
                    "-c 'echo $$ >loa.pid; exec env " + env +
                        " LD_DEBUG=files LD_DEBUG_OUTPUT=ld/trace " + LOA_BINARY + " " + args + "'",
                    dir);
  EXPECT_EQ(r.exit, 0) << r.err;
  if (err != nullptr) *err = r.err;
  const std::string pid = slurp(dir / "loa.pid").substr(0, slurp(dir / "loa.pid").find('\n'));
  Loaded loaded;
  for (const auto& e : std::filesystem::directory_iterator(dir / "ld")) {
    (e.path().extension() == "." + pid ? loaded.own : loaded.children) += slurp(e.path());
  }
  EXPECT_NE(loaded.own, "") << "no LD_DEBUG trace of process " << pid;
  return loaded;
}

TEST_F(Render, AnAacClipIsDecodedByAHelperWithTheSameBytesAndFfmpegNeverLoadsInTheRender) {
  test::write_tone(dir / "clips/voice.wav", 3.0, 44100, 2, test::AudioFormat::wav16, 440.0, 0.1);
  test::ffmpeg_encode(dir / "clips/voice.wav", dir / "clips/phone.m4a", "-c:a aac -b:a 96k");
  test::write_tone(dir / "clips/memo.wav", 2.0, 48000, 1, test::AudioFormat::wav16, 660.0, 0.3);
  test::ffmpeg_encode(dir / "clips/memo.wav", dir / "clips/cut.m4a", "-c:a aac -b:a 64k");
  std::filesystem::resize_file(dir / "clips/cut.m4a",
                               std::filesystem::file_size(dir / "clips/cut.m4a") / 2);
  dir.write("station.yaml", std::string(R"(station: {timezone: UTC, clips: clips/, state: state/}
audio: {sample_rate: 48000, loudness: -16, chime: none}
zones: [{id: z, channel: 1}]
programmes: [{id: p, slots: [{at: '06:00', play: [phone.m4a, cut.m4a, half.wav, phone.m4a]}]}]
)"));
  const std::string args =
      "render --config station.yaml --from 2026-12-01T06:00Z --to 2026-12-01T06:00:09Z";
  const auto fresh = [&] { std::filesystem::remove_all(dir / "state"); };

  // Fresh (probed, measured and imported through the helper), then warm (from the house copy).
  fresh();
  std::string err;
  const Loaded helped =
      libraries_loaded(args + " --out helped.wav --as-run helped.jsonl", "", dir, &err);
  EXPECT_EQ(helped.own.find("libavcodec"), std::string::npos);
  EXPECT_NE(helped.children.find("libavcodec"), std::string::npos);
  const Loaded warm = libraries_loaded(args + " --out warm.wav", "", dir, nullptr);
  EXPECT_EQ(warm.own.find("libavcodec"), std::string::npos);

  // The same render with FFmpeg in the render process itself: the same bytes, the same reasons.
  fresh();
  const Loaded here = libraries_loaded(args + " --out here.wav --as-run here.jsonl",
                                       "LOA_DECODE_IN_PROCESS=1", dir, nullptr);
  EXPECT_NE(here.own.find("libavcodec"), std::string::npos);
  EXPECT_EQ(slurp(dir / "helped.wav"), slurp(dir / "here.wav"));
  EXPECT_EQ(slurp(dir / "warm.wav"), slurp(dir / "here.wav"));
  EXPECT_EQ(slurp(dir / "helped.jsonl"), slurp(dir / "here.jsonl"));
  EXPECT_NE(slurp(dir / "helped.jsonl").find("truncated"), std::string::npos);
  const Wav wav = read_wav(dir / "helped.wav");
  double energy = 0;
  for (std::int64_t i = 4800; i < 48000; ++i) energy += double{wav.at(i)} * wav.at(i);
  EXPECT_GT(std::sqrt(energy / (48000 - 4800)), 0.05);  // the phone's voice is heard
}

}  // namespace
}  // namespace loa

namespace loa {
namespace {

// A render cannot wait for a live stream: a relay's fallback clip, repeated, fills exactly its
// `for:`, an input without a fallback is silence for its `until:`, the next item follows on its
// frame, and the as-run says per item what was rendered in their place.
TEST_F(Render, RelayAndInputItemsAreRenderedAsTheirFallback) {
  Wav w = render(R"(programmes:
  - id: vov
    zones: [ap-1]
    slots:
      - at: "06:00"
        play:
          - {relay: "https://example.invalid/vov1/playlist.m3u8", for: 5s, fallback: quarter.wav}
          - half.wav
  - {id: fm, zones: [ap-1], slots: [{at: "06:00:07", play: [{input: fm-tuner, until: "06:00:09"}, half.wav]}]}
)",
                 "2026-12-01T06:00", "2026-12-01T06:00:12",
                 std::string(kHead).replace(kHead.find("chime: none}"), 12,
                                            "chime: none, inputs: [{id: fm-tuner, device: 'hw:1', "
                                            "channel: 1}]}"));
  for (std::int64_t f = 0; f < 5 * 48000; f += 101) {
    ASSERT_NEAR(w.at(f, 0), kQuarter, kTol) << "the fallback, looped, at frame " << f;
  }
  EXPECT_NEAR(w.at(5 * 48000 - 1, 0), kQuarter, kTol);
  EXPECT_NEAR(w.at(5 * 48000, 0), kHalf, kTol) << "the next item on the relay's last frame + 1";
  EXPECT_EQ(w.at(6 * 48000, 0), 0.0F);
  for (std::int64_t f = 7 * 48000; f < 9 * 48000; f += 101) ASSERT_EQ(w.at(f, 0), 0.0F) << f;
  EXPECT_NEAR(w.at(9 * 48000, 0), kHalf, kTol) << "after the input, up to 06:00:09";
  const auto log = json_lines(slurp(dir / "as-run.jsonl"));
  ASSERT_EQ(log.size(), 4U);
  EXPECT_EQ(log[0]["kind"], "relay");
  EXPECT_EQ(log[0]["path"], "https://example.invalid/vov1/playlist.m3u8");
  EXPECT_EQ(log[0]["reason"], "relay rendered as its fallback (clip quarter.wav)");
  EXPECT_EQ(log[0]["end"], "2026-12-01T06:00:05.000+07:00");
  EXPECT_FALSE(log[1].contains("reason"));
  EXPECT_EQ(log[2]["kind"], "input");
  EXPECT_EQ(log[2]["reason"], "input rendered as its fallback (silence)");
}

}  // namespace
}  // namespace loa
