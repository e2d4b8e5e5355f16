// `loa run` as a process, on the wall clock: what airs and when (in a real-time WAV recording),
// what the journal says (`loa log --json`), and how it stops, crashes, catches up and reloads.
// Slots are a few seconds ahead of the current UTC time, so each test takes seconds.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sndfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/loa_process.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::read_wav;
using test::slurp;
using test::Wav;
using Clock = std::chrono::system_clock;
using Seconds = std::chrono::sys_seconds;
using Millis = std::chrono::sys_time<std::chrono::milliseconds>;
using std::chrono::milliseconds;
// `loa ARGS...` in the background in `dir`.
class Loa : public test::LoaProcess {
 public:
  Loa(const test::TempDir& dir, std::vector<std::string> args, const std::string& name = "run")
      : LoaProcess(LOA_BINARY, dir, std::move(args), name) {}
};

constexpr int kRate = 48000;
constexpr float kTol = 1.5F / 32768.0F;  // the recording is 16-bit

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

int count(const std::string& text, std::string_view part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// --- time ------------------------------------------------------------------------------------

// The first whole second at least `ahead` from now.
Seconds slot_in(std::chrono::seconds ahead) {
  return std::chrono::ceil<std::chrono::seconds>(Clock::now()) + ahead;
}

// "HH:MM:SS" (UTC, the stations' zone here), as a slot's `at` takes it.
std::string hms(Seconds t) {
  const std::chrono::hh_mm_ss<std::chrono::seconds> c{t - std::chrono::floor<std::chrono::days>(t)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(c.hours().count()),
                static_cast<int>(c.minutes().count()), static_cast<int>(c.seconds().count()));
  return buf;
}

std::string ymd(std::chrono::sys_days d) {
  const std::chrono::year_month_day x{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(x.year()),
                static_cast<unsigned>(x.month()), static_cast<unsigned>(x.day()));
  return buf;
}

// Parses loa's ISO times, "2026-12-01T06:00:01.250+00:00" (or Z, or another offset).
Millis parse_iso(const std::string& text) {
  int y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  int ms = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%d-%u-%uT%d:%d:%d.%d%n", &y, &mo, &d, &h, &mi, &s, &ms,
                  &consumed) != 7) {
    throw std::runtime_error("not an ISO time: " + text);
  }
  Millis t = std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{mo} / d} +
             std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s} +
             milliseconds{ms};
  const std::string offset = text.substr(static_cast<std::size_t>(consumed));
  if (offset != "Z") {
    int oh = 0;
    int om = 0;
    if (offset.size() != 6 || std::sscanf(offset.c_str() + 1, "%d:%d", &oh, &om) != 2) {
      throw std::runtime_error("not an ISO time: " + text);
    }
    const auto off = std::chrono::hours{oh} + std::chrono::minutes{om};
    t -= offset[0] == '-' ? -off : off;
  }
  return t;
}

Millis time_of(const json& j) {
  return parse_iso(j.get<std::string>());
}

// When a file was last written (an amplifier command touched it), in ms after `ref`.
template <class Duration>
std::optional<std::int64_t> touched(const std::filesystem::path& p,
                                    std::chrono::sys_time<Duration> ref) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  const auto t = std::chrono::sys_time<std::chrono::nanoseconds>(
      std::chrono::seconds{st.st_mtim.tv_sec} + std::chrono::nanoseconds{st.st_mtim.tv_nsec});
  return std::chrono::floor<milliseconds>(t - ref).count();
}

// --- audio -----------------------------------------------------------------------------------

// The first frame of channel 0 from `from` on that is not silent; -1 if there is none.
std::int64_t first_sound(const Wav& w, std::int64_t from = 0) {
  for (std::int64_t f = from; f < w.frames(); ++f) {
    if (w.at(f) != 0.0F) return f;
  }
  return -1;
}

// Whether any frame of channel 0 carries `level` (a clip of that level aired in the recording).
bool carries(const Wav& w, float level) {
  for (std::int64_t f = 0; f < w.frames(); ++f) {
    if (std::fabs(w.at(f) - level) <= kTol) return true;
  }
  return false;
}

// --- the station -----------------------------------------------------------------------------

class Run : public ::testing::Test {
 protected:
  // A clip of one constant level: where it starts and ends in the recording is plain to the sample.
  void clip(const std::string& name, double seconds, float level) const {
    const auto frames = static_cast<std::size_t>(std::llround(seconds * kRate));
    test::write_wav(dir / ("clips/" + name), std::vector<float>(frames, level), kRate);
  }
  std::string header(const std::string& zones = "[{id: z, channel: 1}]",
                     const std::string& amp_zones = "[z]", const std::string& hold = "1s") const {
    const std::string d = dir.path().string();
    return "station: {timezone: UTC, clips: clips/, state: state/, include: [programmes/*.yaml]}\n"
           "audio: {sample_rate: 48000, loudness: off, chime: none, output: null}\n"
           "zones: " +
           zones +
           "\n"
           "amplifiers: [{id: amp, zones: " +
           amp_zones + ", on: [touch, \"" + d + "/amp-on\"], off: [touch, \"" + d +
           "/amp-off\"], warmup: 2s, hold: " + hold + "}]\n";
  }
  std::vector<std::string> run_args(const std::string& output = "null") const {
    return {"run",      "--config",   (dir / "station.yaml").string(), "--output", output,
            "--listen", "127.0.0.1:0"};
  }
  std::string recording(const std::string& name) const { return "wav:" + (dir / name).string(); }

  // `loa log --json` over a few days around today: one object per broadcast.
  std::vector<json> journal() const {
    const auto today = std::chrono::floor<std::chrono::days>(Clock::now());
    const test::CliResult r = test::run_cli(LOA_BINARY,
                                            "log --config station.yaml --json --from " +
                                                ymd(today - std::chrono::days{1}) + " --to " +
                                                ymd(today + std::chrono::days{2}),
                                            dir);
    EXPECT_EQ(r.exit, 0) << r.err;
    return test::json_lines(r.out);
  }
  // Polls the journal (as an operator could while loa runs) until `done` holds for it.
  bool journal_until(const std::function<bool(const std::vector<json>&)>& done,
                     milliseconds timeout) const {
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (done(journal())) return true;
      if (std::chrono::steady_clock::now() >= give_up) return false;
      std::this_thread::sleep_for(200ms);
    }
  }
  static std::optional<json> broadcast(const std::vector<json>& log, const std::string& programme) {
    for (const auto& b : log) {
      if (b["programme"] == programme) return b;
    }
    return std::nullopt;
  }
  // Broadcasts and items the journal still shows as playing.
  static int still_playing(const std::vector<json>& log) {
    int n = 0;
    for (const auto& b : log) {
      n += b["status"] == "playing" ? 1 : 0;
      for (const auto& i : b["items"]) n += i["status"] == "playing" ? 1 : 0;
    }
    return n;
  }
  static std::function<bool(const std::vector<json>&)> ended(const std::string& programme) {
    return [programme](const std::vector<json>& log) {
      const auto b = broadcast(log, programme);
      return b && (*b)["status"] != "playing";
    };
  }

  test::TempDir dir;
};

constexpr float kA = 0.125F;
constexpr float kB = 0.25F;
constexpr float kC = 0.375F;
constexpr float kD = 0.5F;

TEST_F(Run, BroadcastsAirOnTheirExactSampleWithinTheAmplifierCommands) {
  clip("a.wav", 1.0, kA);
  clip("b.wav", 0.5, kB);
  // loa starts late in a second, so the recording (sample 0 at the whole second before) begins with
  // most of a second to catch up: that burst is not a clock change.
  std::this_thread::sleep_until(std::chrono::ceil<std::chrono::seconds>(Clock::now()) + 850ms);
  const Seconds at = slot_in(4s);
  // q follows p after 2.5 s: more than the amplifier's warmup, less than its hold.
  dir.write("station.yaml", header("[{id: z, channel: 1}]", "[z]", "3s"));
  dir.write("programmes/p.yaml", "programmes:\n  - {id: p, slots: [{at: '" + hms(at) +
                                     "', play: [a.wav, b.wav]}]}\n  - {id: q, slots: [{at: '" +
                                     hms(at + 4s) + "', play: [b.wav]}]}\n");
  Loa loa(dir, run_args(recording("air.wav")));
  ASSERT_TRUE(loa.wait_for("sample 0 airs at ", 5s)) << loa.err();
  const std::string err = loa.err();
  const auto from = err.find("sample 0 airs at ") + 17;
  const Millis sample0 = parse_iso(err.substr(from, err.find('\n', from) - from));
  ASSERT_TRUE(journal_until(ended("q"), 15s)) << loa.err();
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(5s), 0) << loa.err();
  EXPECT_FALSE(has(loa.err(), "clock moved")) << loa.err();
  EXPECT_FALSE(has(loa.err(), "error")) << loa.err();

  const Wav w = read_wav(dir / "air.wav");
  ASSERT_EQ(w.rate, kRate);
  ASSERT_EQ(w.channels, 1);
  const std::int64_t first = (at - sample0).count() * kRate / 1000;
  ASSERT_GT(first, 0);
  ASSERT_GE(w.frames(), first + 4 * kRate + kRate / 2) << "the recording ends too soon";
  EXPECT_EQ(first_sound(w), first) << "expected on sample (scheduled - sample 0) * rate";
  EXPECT_NEAR(w.at(first), kA, kTol);
  EXPECT_NEAR(w.at(first + 47999), kA, kTol);
  EXPECT_NEAR(w.at(first + 48000), kB, kTol);  // the items join without a gap
  EXPECT_NEAR(w.at(first + 71999), kB, kTol);
  EXPECT_EQ(first_sound(w, first + 72000), first + 4 * kRate) << "q, 4 s after p";
  EXPECT_NEAR(w.at(first + 4 * kRate + kRate / 2 - 1), kB, kTol);
  EXPECT_EQ(first_sound(w, first + 4 * kRate + kRate / 2), -1) << "nothing airs after q";

  const auto log = journal();
  ASSERT_EQ(log.size(), 2U);
  const json& b = log[0];
  EXPECT_EQ(b["programme"], "p");
  EXPECT_EQ(b["status"], "aired") << b;
  EXPECT_EQ(time_of(b["scheduled"]), at) << b;
  EXPECT_EQ(time_of(b["start"]), at) << b;
  EXPECT_EQ(time_of(b["end"]), at + 1500ms) << b;
  ASSERT_EQ(b["items"].size(), 2U) << b;
  EXPECT_EQ(b["items"][0]["path"], "a.wav");
  EXPECT_EQ(b["items"][0]["status"], "aired");
  EXPECT_EQ(time_of(b["items"][1]["start"]), at + 1000ms) << b;
  EXPECT_EQ(b["items"][1]["status"], "aired");
  EXPECT_EQ(log[1]["status"], "aired") << log[1];
  EXPECT_EQ(time_of(log[1]["start"]), at + 4s) << log[1];

  // The amplifier came on once, its warmup before p, held on between p and q, and went off
  // after q had been heard (the file system stamps times a few ms coarsely).
  const auto on = touched(dir / "amp-on", at);
  const auto off = touched(dir / "amp-off", at);
  ASSERT_TRUE(on && off) << loa.err();
  EXPECT_LE(*on, -1000) << "on its warmup (2 s) ahead";
  EXPECT_GE(*on, -3000);
  EXPECT_GE(*off, 4500 - 20) << "switched off before q had been heard";
  EXPECT_EQ(count(loa.err(), "'on' command done"), 1) << loa.err();
}

TEST_F(Run, SigtermFadesOutJournalsTheCutAndSwitchesTheAmplifierOff) {
  clip("long.wav", 20.0, kB);
  const Seconds at = slot_in(3s);
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml",
            "programmes: [{id: p, slots: [{at: '" + hms(at) + "', play: [long.wav]}]}]\n");
  Loa loa(dir, run_args(recording("air.wav")));
  std::this_thread::sleep_until(at + 2s);
  const auto stop = Clock::now();
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(2s), 0) << "not stopped within 2 s\n" << loa.err();
  EXPECT_TRUE(has(loa.err(), "stopping")) << loa.err();

  const auto log = journal();
  ASSERT_EQ(log.size(), 1U);
  const json& b = log[0];
  EXPECT_EQ(b["status"], "interrupted") << b;
  EXPECT_TRUE(b.value("reason", "").starts_with("stopped on air: ")) << b;
  ASSERT_FALSE(b["end"].is_null()) << b;
  EXPECT_GE(time_of(b["end"]), at + 2s) << b;
  EXPECT_LT(time_of(b["end"]), at + 4s) << b;
  ASSERT_EQ(b["items"].size(), 1U) << b;
  EXPECT_EQ(b["items"][0]["status"], "cut") << b;
  EXPECT_EQ(b["items"][0]["end"], b["end"]) << b;
  EXPECT_EQ(still_playing(log), 0) << log[0];

  // The recording ends in a fade, not a click.
  const Wav w = read_wav(dir / "air.wav");
  ASSERT_GT(w.frames(), 2 * kRate);
  const std::int64_t last = w.frames() - 1;
  EXPECT_LT(std::fabs(w.at(last)), kB / 4);
  EXPECT_NEAR(w.at(first_sound(w) + kRate), kB, kTol);

  const auto off = touched(dir / "amp-off", stop);
  ASSERT_TRUE(off);
  EXPECT_GE(*off, -20) << "the amplifier was not switched off on stopping";
}

TEST_F(Run, AfterACrashTheCutItemRestartsAndWhatAiredDoesNotAirAgain) {
  clip("a.wav", 1.0, kA);
  clip("b.wav", 1.0, kB);
  clip("c.wav", 4.0, kC);
  clip("d.wav", 1.0, kD);
  const Seconds at = slot_in(3s);
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml", "programmes: [{id: p, slots: [{at: '" + hms(at) +
                                     "', play: [a.wav, b.wav, c.wav, d.wav]}]}]\n");
  {
    Loa crashed(dir, run_args(recording("before.wav")), "crashed");
    std::this_thread::sleep_until(at + 3s);  // c.wav has played for a second
    ASSERT_TRUE(crashed.running()) << crashed.err();
    crashed.signal(SIGKILL);
    ASSERT_EQ(crashed.wait(2s), -SIGKILL);
  }
  Loa loa(dir, run_args(recording("after.wav")));
  ASSERT_TRUE(journal_until(ended("p"), 15s)) << loa.err();
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(5s), 0) << loa.err();

  const auto log = journal();
  ASSERT_EQ(log.size(), 1U) << "the broadcast resumed; it is not journaled twice";
  const json& b = log[0];
  EXPECT_EQ(b["status"], "aired") << b;
  EXPECT_EQ(time_of(b["start"]), at) << b;
  std::map<std::string, int> aired;
  for (const auto& i : b["items"]) {
    if (i["status"] == "aired") ++aired[i["path"].get<std::string>()];
  }
  const std::map<std::string, int> once{{"a.wav", 1}, {"b.wav", 1}, {"c.wav", 1}, {"d.wav", 1}};
  EXPECT_EQ(aired, once) << b;
  EXPECT_EQ(still_playing(log), 0) << "the item the crash cut is journaled as cut: " << b;

  // After the restart: c.wav whole, from its beginning, then d.wav; a.wav and b.wav not again.
  const Wav w = read_wav(dir / "after.wav");
  const std::int64_t f = first_sound(w);
  ASSERT_GE(f, 0) << loa.err();
  ASSERT_GE(w.frames(), f + 5 * kRate);
  EXPECT_NEAR(w.at(f), kC, kTol);
  EXPECT_NEAR(w.at(f + 4 * kRate - 1), kC, kTol);
  EXPECT_NEAR(w.at(f + 4 * kRate), kD, kTol);
  EXPECT_NEAR(w.at(f + 5 * kRate - 1), kD, kTol);
  EXPECT_EQ(first_sound(w, f + 5 * kRate), -1);
  EXPECT_FALSE(carries(w, kA));
  EXPECT_FALSE(carries(w, kB));
}

TEST_F(Run, ABroadcastDueWhileLoaWasDownPlaysWithinItsLateElseItIsMissed) {
  clip("a.wav", 1.0, kA);
  const Seconds at = slot_in(2s);
  dir.write("station.yaml", header("[{id: z1, channel: 1}, {id: z2, channel: 2}]", "all"));
  dir.write("programmes/p.yaml", "programmes:\n  - {id: p, zones: [z1], slots: [{at: '" + hms(at) +
                                     "', late: 30s, play: [a.wav]}]}\n"
                                     "  - {id: q, zones: [z2], slots: [{at: '" +
                                     hms(at) + "', late: 1s, play: [a.wav]}]}\n");
  {
    // loa ran before, and is stopped before the slot.
    Loa before(dir, run_args(), "before");
    ASSERT_TRUE(before.wait_for("on air for", 5s)) << before.err();
    before.signal(SIGTERM);
    ASSERT_EQ(before.wait(5s), 0) << before.err();
    ASSERT_LT(Clock::now(), at - 200ms) << "the first run took too long";
  }
  std::this_thread::sleep_until(at + 2500ms);
  Loa loa(dir, run_args());
  ASSERT_TRUE(journal_until(
      [](const std::vector<json>& log) { return ended("p")(log) && broadcast(log, "q"); }, 10s))
      << loa.err();
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(5s), 0) << loa.err();

  const auto log = journal();
  ASSERT_EQ(log.size(), 2U);
  const json p = *broadcast(log, "p");
  EXPECT_EQ(p["status"], "aired") << p;
  EXPECT_EQ(time_of(p["scheduled"]), at) << p;
  EXPECT_GE(time_of(p["start"]), at + 2500ms) << "played late, when loa came back: " << p;
  EXPECT_LE(time_of(p["start"]), at + 10s) << p;
  ASSERT_EQ(p["items"].size(), 1U) << p;
  EXPECT_EQ(p["items"][0]["status"], "aired") << p;
  const json q = *broadcast(log, "q");
  EXPECT_EQ(q["status"], "missed") << q;
  EXPECT_TRUE(q["start"].is_null()) << q;
  EXPECT_TRUE(q["items"].empty()) << q;
}

// Whether `text` has a line with "FILE:LINE:COL: error: " (LINE = `line` unless 0) that goes on
// to mention `then`. (No std::regex: GCC 12 warns inside it under the sanitizers.)
bool has_error_at(const std::string& text, const std::string& file, int line,
                  const std::string& then = "") {
  const auto digits = [](std::string_view s, std::size_t& at) {
    const std::size_t from = at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    return s.substr(from, at - from);
  };
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view l = std::string_view(text).substr(start, end - start);
    start = end + 1;
    const std::size_t f = l.find(file + ":");
    if (f == std::string_view::npos) continue;
    std::size_t at = f + file.size() + 1;
    const std::string_view n = digits(l, at);
    if (n.empty() || (line != 0 && n != std::to_string(line))) continue;
    if (at >= l.size() || l[at] != ':') continue;
    ++at;
    if (digits(l, at).empty() || l.substr(at, 9) != ": error: ") continue;
    if (l.find(then, at) != std::string_view::npos) return true;
  }
  return false;
}

TEST_F(Run, ABrokenSaveKeepsTheOldVersionOnAirAndAValidOneTakesEffect) {
  clip("a.wav", 1.0, kA);
  clip("b.wav", 1.0, kB);
  const Seconds first = slot_in(5s);
  const std::string p = "programmes:\n  - id: p\n    slots:\n      - at: '" + hms(first) + "'\n";
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml", p + "        play: [a.wav]\n");
  Loa loa(dir, run_args());
  ASSERT_TRUE(loa.wait_for("on air for", 5s)) << loa.err();

  dir.write("programmes/p.yaml", p + "        play: [a.wav\n");  // the ] is missing
  ASSERT_TRUE(loa.wait_for("stays as it was", 5s)) << loa.err();
  EXPECT_TRUE(has_error_at(loa.err(), "p.yaml", 0)) << loa.err();
  ASSERT_TRUE(journal_until(ended("p"), 10s)) << loa.err();
  EXPECT_EQ((*broadcast(journal(), "p"))["status"], "aired");

  const Seconds second = slot_in(3s);
  dir.write("programmes/p.yaml", p + "        play: [a.wav]\n  - {id: q, slots: [{at: '" +
                                     hms(second) + "', play: [b.wav]}]}\n");
  ASSERT_TRUE(loa.wait_for("reloaded the station", 5s)) << loa.err();
  ASSERT_TRUE(journal_until(ended("q"), 10s)) << loa.err();
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(5s), 0) << loa.err();
  const auto log = journal();
  ASSERT_EQ(log.size(), 2U);
  const json q = *broadcast(log, "q");
  EXPECT_EQ(q["status"], "aired") << q;
  EXPECT_EQ(time_of(q["start"]), second) << q;
}

// The air imports an AAC clip through the decoding helper before it airs, and airs it from its
// house copy: FFmpeg's libraries (21-28 MB for the rest of its life) never load in loa run.
TEST_F(Run, AnAacClipAirsWithoutFfmpegInTheAirProcess) {
  test::write_tone(dir / "tone.wav", 1.0, 44100, 2, test::AudioFormat::wav16, 440.0, 0.2);
  std::filesystem::create_directories(dir / "clips");
  test::ffmpeg_encode(dir / "tone.wav", dir / "clips/phone.m4a", "-c:a aac -b:a 96k");
  const Seconds at = slot_in(4s);
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml",
            "programmes: [{id: p, slots: [{at: '" + hms(at) + "', play: [phone.m4a]}]}]\n");
  Loa loa(dir, run_args());
  ASSERT_TRUE(loa.wait_for("on air for", 10s)) << loa.err();
  const auto maps = [&] { return slurp("/proc/" + std::to_string(loa.pid()) + "/maps"); };
  EXPECT_TRUE(has(maps(), "libsndfile")) << "cannot read the process's maps";
  EXPECT_FALSE(has(maps(), "libavcodec"));
  std::size_t copies = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "state/house")) {
    copies += e.path().extension() == ".wav" ? 1 : 0;
  }
  EXPECT_EQ(copies, 1U);
  ASSERT_TRUE(journal_until(ended("p"), 15s)) << loa.err();
  EXPECT_FALSE(has(maps(), "libavcodec"));
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(5s), 0) << loa.err();
  EXPECT_EQ((*broadcast(journal(), "p"))["status"], "aired");
}

// One station, one engine: a second loa run on the same state folder would switch the amplifiers
// off under the first one's broadcast and journal beside it.
TEST_F(Run, ASecondLoaRunOnTheSameStationIsRefusedAndTheFirstAirsOn) {
  clip("a.wav", 1.0, kA);
  const Seconds at = slot_in(6s);
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml",
            "programmes: [{id: p, slots: [{at: '" + hms(at) + "', play: [a.wav]}]}]\n");
  Loa first(dir, run_args());
  ASSERT_TRUE(first.wait_for("on air for", 5s)) << first.err();
  std::this_thread::sleep_for(1s);  // the first one's own start-up commands are done
  const auto off_before = touched(dir / "amp-off", at);
  Loa second(dir, run_args(), "second");
  ASSERT_EQ(second.wait(10s), 1) << second.err();
  EXPECT_TRUE(has(second.err(), "is already airing this station")) << second.err();
  EXPECT_TRUE(has(second.err(), "(process ")) << second.err();
  EXPECT_FALSE(has(second.err(), "on air for")) << second.err();
  EXPECT_FALSE(has(second.err(), "' command")) << second.err();
  EXPECT_EQ(touched(dir / "amp-off", at), off_before)
      << "the refused loa run switched an amplifier";
  ASSERT_TRUE(journal_until(ended("p"), 15s)) << first.err();
  EXPECT_EQ((*broadcast(journal(), "p"))["status"], "aired");
  first.signal(SIGTERM);
  ASSERT_EQ(first.wait(5s), 0) << first.err();
  // The lock goes with the process: the station can be started again at once.
  Loa again(dir, run_args(), "again");
  EXPECT_TRUE(again.wait_for("on air for", 5s)) << again.err();
}

// An emergency cuts in at once, but not into an amplifier still warming up: its chime would be
// lost. It starts when the amplifier of its zone has warmed up (2 s here).
TEST_F(Run, PlayNowWaitsForTheAmplifiersWarmUp) {
  clip("a.wav", 1.0, kA);
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml", "programmes: []\n");
  Loa loa(dir, run_args());
  ASSERT_TRUE(loa.wait_for("control page and API on", 10s)) << loa.err();
  std::this_thread::sleep_for(500ms);  // the start-up 'off' command is done
  const auto asked = std::chrono::time_point_cast<milliseconds>(Clock::now());
  const test::CliResult r =
      test::run_cli(LOA_BINARY, "play-now --config station.yaml --priority emergency a.wav", dir);
  ASSERT_EQ(r.exit, 0) << r.out << r.err;
  ASSERT_TRUE(journal_until(ended("play-now"), 15s)) << loa.err();
  const json b = *broadcast(journal(), "play-now");
  EXPECT_EQ(b["status"], "aired") << b;
  const Millis start = time_of(b["start"]);
  EXPECT_GE((start - asked).count(), 2000 - 50) << "started before the amplifier warmed up";
  EXPECT_LE((start - asked).count(), 4000) << "an emergency waits for nothing else";
  const auto on = touched(dir / "amp-on", start);
  ASSERT_TRUE(on) << loa.err();
  EXPECT_LE(*on, -1900) << "switched on its warm-up (2 s) before";
}

TEST_F(Run, AStationWithErrorsDoesNotGoOnAir) {
  clip("a.wav", 1.0, kA);
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml",
            "programmes: [{id: p, slots: [{at: '06:00', plya: [a.wav]}]}]\n");  // a typo
  Loa loa(dir, run_args());
  ASSERT_EQ(loa.wait(5s), 1) << loa.err();
  const std::string err = loa.err();
  EXPECT_TRUE(has_error_at(err, "p.yaml", 1, "plya")) << err;
  EXPECT_TRUE(has(err, "the station has errors")) << err;
  EXPECT_FALSE(std::filesystem::exists(dir / "amp-on"));
  EXPECT_FALSE(std::filesystem::exists(dir / "amp-off"));
}

TEST_F(Run, AMissingSoundDeviceIsRetriedUntilLoaIsStopped) {
  clip("a.wav", 1.0, kA);
  const Seconds at = slot_in(2s);
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml",
            "programmes: [{id: p, slots: [{at: '" + hms(at) + "', play: [a.wav]}]}]\n");
  Loa loa(dir, run_args("no-such-card"));
  ASSERT_TRUE(loa.wait_for("retrying in 1 s", 10s)) << loa.err();
  EXPECT_TRUE(has(loa.err(), "no-such-card")) << loa.err();
  ASSERT_TRUE(loa.wait_for("retrying in 2 s", 10s)) << loa.err();
  EXPECT_TRUE(loa.running());
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(5s), 0) << loa.err();
}

}  // namespace
}  // namespace loa

namespace loa {
namespace {

// A connection to the control server, or -1.
int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// While a broadcast is due, clients hold more connections open than the server has threads, send
// garbage, endless headers and huge announced bodies: the broadcast airs on its exact sample all
// the same, and loa still stops at once on SIGTERM.
TEST_F(Run, HostileControlClientsDoNotDelayABroadcastOrAStop) {
  clip("a.wav", 1.0, kA);
  std::this_thread::sleep_until(std::chrono::ceil<std::chrono::seconds>(Clock::now()) + 850ms);
  const Seconds at = slot_in(4s);
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml",
            "programmes:\n  - {id: p, slots: [{at: '" + hms(at) + "', play: [a.wav]}]}\n");
  Loa loa(dir, run_args(recording("air.wav")));
  ASSERT_TRUE(loa.wait_for("control page and API on http://127.0.0.1:", 5s)) << loa.err();
  ASSERT_TRUE(loa.wait_for("sample 0 airs at ", 5s)) << loa.err();
  const std::string err = loa.err();
  const int port = std::stoi(err.substr(err.find("http://127.0.0.1:") + 17));
  const auto from = err.find("sample 0 airs at ") + 17;
  const Millis sample0 = parse_iso(err.substr(from, err.find('\n', from) - from));

  std::vector<int> idle;
  for (int i = 0; i < 64; ++i) idle.push_back(connect_to(port));
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  clients.emplace_back([&] {
    std::uint32_t x = 12345;
    while (!done) {
      const int fd = connect_to(port);
      std::string junk(4096 + x % 60000, '\0');
      for (auto& ch : junk) {
        x = x * 1664525U + 1013904223U;
        ch = static_cast<char>(x >> 24);
      }
      send_all(fd, junk);
      ::close(fd);
    }
  });
  clients.emplace_back([&] {
    while (!done) {
      const int fd = connect_to(port);
      send_all(fd, "GET /api/status HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(1 << 20, 'a'));
      ::close(fd);
    }
  });
  clients.emplace_back([&] {
    while (!done) {
      const int fd = connect_to(port);
      send_all(fd,
               "POST /api/clips?name=x.wav HTTP/1.1\r\nHost: x\r\nContent-Length: "
               "99999999999\r\n\r\n" +
                   std::string(1 << 16, 'b'));
      ::close(fd);
    }
  });
  const bool aired = journal_until(ended("p"), 15s);
  done = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(aired) << loa.err();

  // The idle connections are still open: stopping must not wait for them.
  const auto asked = std::chrono::steady_clock::now();
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(10s), 0) << loa.err();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 7s) << "a stop waited for idle clients";
  for (const int fd : idle) ::close(fd);

  const Wav w = read_wav(dir / "air.wav");
  const std::int64_t first = (at - sample0).count() * kRate / 1000;
  EXPECT_EQ(first_sound(w), first) << "expected on sample (scheduled - sample 0) * rate";
  EXPECT_NEAR(w.at(first + kRate - 1), kA, kTol);
  EXPECT_FALSE(has(loa.err(), "clock moved")) << loa.err();
}

// A relay whose server is down airs its fallback in its slot for exactly its `for:`, journals why
// (with what covered the dead air), and the next programme starts on its exact sample.
TEST_F(Run, ARelayWhoseServerIsDownAirsItsFallbackAndTheNextProgrammeStartsOnTime) {
  clip("fb.wav", 5.0, kC);
  clip("b.wav", 0.5, kB);
  test::StreamServer server;
  const std::string url = server.url("/live.mp3");
  server.stop();  // nothing answers at its port
  std::this_thread::sleep_until(std::chrono::ceil<std::chrono::seconds>(Clock::now()) + 850ms);
  const Seconds at = slot_in(5s);
  dir.write("station.yaml", header());
  dir.write("programmes/p.yaml",
            "programmes:\n  - {id: p, slots: [{at: '" + hms(at) + "', play: [{relay: '" + url +
                "', for: 4s, dead_air: 1s, fallback: fb.wav, preroll: 3s}]}]}\n"
                "  - {id: q, slots: [{at: '" +
                hms(at + 5s) + "', play: [b.wav]}]}\n");
  Loa loa(dir, run_args(recording("air.wav")));
  ASSERT_TRUE(loa.wait_for("sample 0 airs at ", 5s)) << loa.err();
  const std::string err = loa.err();
  const auto from = err.find("sample 0 airs at ") + 17;
  const Millis sample0 = parse_iso(err.substr(from, err.find('\n', from) - from));
  ASSERT_TRUE(journal_until(ended("q"), 20s)) << loa.err();
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(5s), 0) << loa.err();

  const Wav w = read_wav(dir / "air.wav");
  const std::int64_t first = (at - sample0).count() * kRate / 1000;
  ASSERT_GE(w.frames(), first + 5 * kRate + kRate / 2) << "the recording ends too soon";
  bool fallback = false;
  for (std::int64_t f = first; f < first + 4 * kRate; ++f) {
    fallback = fallback || std::fabs(w.at(f) - kC) <= kTol;
  }
  EXPECT_TRUE(fallback) << "the fallback clip aired in the relay's slot";
  EXPECT_EQ(first_sound(w, first + 4 * kRate), first + 5 * kRate) << "q on its exact sample";
  EXPECT_NEAR(w.at(first + 5 * kRate), kB, kTol);

  const auto log = journal();
  const auto p = broadcast(log, "p");
  ASSERT_TRUE(p) << loa.err();
  ASSERT_EQ((*p)["items"].size(), 1U) << *p;
  const json& relay = (*p)["items"][0];
  EXPECT_EQ(relay["kind"], "relay");
  EXPECT_EQ(relay["path"], url);
  EXPECT_EQ(relay["status"], "aired") << relay;
  EXPECT_EQ(time_of(relay["start"]), at) << relay;
  EXPECT_EQ(time_of(relay["end"]), at + 4s) << relay;
  bool lost = false;
  bool dead_air = false;
  for (const auto& e : relay["events"]) {
    lost = lost || (e["kind"] == "lost" && has(e.value("reason", ""), "connection refused"));
    dead_air = dead_air || (e["kind"] == "dead_air_started" && e["fallback"] == "clip fb.wav");
  }
  EXPECT_TRUE(lost) << relay;
  EXPECT_TRUE(dead_air) << relay;
  EXPECT_GT(relay["dead_air_seconds"].get<double>(), 2.0) << relay;
  const auto q = broadcast(log, "q");
  ASSERT_TRUE(q);
  EXPECT_EQ(time_of((*q)["start"]), at + 5s) << *q;

  const test::CliResult text = test::run_cli(
      LOA_BINARY,
      "log --config station.yaml --from " + ymd(std::chrono::floor<std::chrono::days>(at)), dir);
  EXPECT_TRUE(has(text.out, "relay")) << text.out;
  EXPECT_TRUE(has(text.out, "dead air (")) << text.out;
  EXPECT_TRUE(has(text.out, "covered by clip fb.wav")) << text.out;
  const auto today = std::chrono::floor<std::chrono::days>(at);
  const test::CliResult report = test::run_cli(
      LOA_BINARY, "report --config station.yaml --format json --from " + ymd(today), dir);
  EXPECT_EQ(report.exit, 0) << report.err;
  const json totals = json::parse(report.out)["total"];
  EXPECT_EQ(totals["live_seconds"].get<double>(), 4.0) << report.out;
  EXPECT_GT(totals["dead_air_seconds"].get<double>(), 2.0) << report.out;
}

// An input whose capture device is not plugged in airs its fallback in its slot for exactly its
// `for:`, the journal says why naming the device, and the next programme starts on its exact
// sample: no crash, no hang.
TEST_F(Run, AnInputWhoseDeviceIsMissingAirsItsFallbackAndTheNextProgrammeStartsOnTime) {
  clip("fb.wav", 5.0, kC);
  clip("b.wav", 0.5, kB);
  std::this_thread::sleep_until(std::chrono::ceil<std::chrono::seconds>(Clock::now()) + 850ms);
  const Seconds at = slot_in(5s);
  std::string station = header();
  const std::string audio_end = "output: null}";
  ASSERT_NE(station.find(audio_end), std::string::npos);
  station.replace(station.find(audio_end), audio_end.size(),
                  "output: null, inputs: [{id: fm-tuner, device: 'Card that is not plugged in'}]}");
  dir.write("station.yaml", station);
  dir.write("programmes/p.yaml",
            "programmes:\n  - {id: p, slots: [{at: '" + hms(at) +
                "', play: [{input: fm-tuner, for: 4s, dead_air: 1s, fallback: fb.wav}]}]}\n"
                "  - {id: q, slots: [{at: '" +
                hms(at + 5s) + "', play: [b.wav]}]}\n");
  Loa loa(dir, run_args(recording("air.wav")));
  ASSERT_TRUE(loa.wait_for("sample 0 airs at ", 5s)) << loa.err();
  const std::string err = loa.err();
  const auto from = err.find("sample 0 airs at ") + 17;
  const Millis sample0 = parse_iso(err.substr(from, err.find('\n', from) - from));
  ASSERT_TRUE(journal_until(ended("q"), 20s)) << loa.err();
  loa.signal(SIGTERM);
  ASSERT_EQ(loa.wait(5s), 0) << loa.err();

  const Wav w = read_wav(dir / "air.wav");
  const std::int64_t first = (at - sample0).count() * kRate / 1000;
  ASSERT_GE(w.frames(), first + 5 * kRate + kRate / 2) << "the recording ends too soon";
  bool fallback = false;
  for (std::int64_t f = first; f < first + 4 * kRate; ++f) {
    fallback = fallback || std::fabs(w.at(f) - kC) <= kTol;
  }
  EXPECT_TRUE(fallback) << "the fallback clip aired in the input's slot";
  EXPECT_EQ(first_sound(w, first + 4 * kRate), first + 5 * kRate) << "q on its exact sample";

  const auto log = journal();
  const auto p = broadcast(log, "p");
  ASSERT_TRUE(p) << loa.err();
  ASSERT_EQ((*p)["items"].size(), 1U) << *p;
  const json& input = (*p)["items"][0];
  EXPECT_EQ(input["kind"], "input");
  EXPECT_EQ(input["path"], "fm-tuner");
  EXPECT_EQ(input["status"], "aired") << input;
  EXPECT_EQ(time_of(input["start"]), at) << input;
  EXPECT_EQ(time_of(input["end"]), at + 4s) << input;
  bool lost = false;
  bool dead_air = false;
  for (const auto& e : input["events"]) {
    lost = lost ||
           (e["kind"] == "lost" && has(e.value("reason", ""), "\"Card that is not plugged in\"") &&
            has(e.value("reason", ""), "no capture device has that name"));
    dead_air = dead_air || (e["kind"] == "dead_air_started" && e["fallback"] == "clip fb.wav");
  }
  EXPECT_TRUE(lost) << input;
  EXPECT_TRUE(dead_air) << input;
  const auto q = broadcast(log, "q");
  ASSERT_TRUE(q);
  EXPECT_EQ(time_of((*q)["start"]), at + 5s) << *q;

  const test::CliResult text = test::run_cli(
      LOA_BINARY,
      "log --config station.yaml --from " + ymd(std::chrono::floor<std::chrono::days>(at)), dir);
  EXPECT_TRUE(has(text.out, "fm-tuner")) << text.out;
  EXPECT_TRUE(has(text.out, "Card that is not plugged in")) << text.out;
  EXPECT_TRUE(has(text.out, "covered by clip fb.wav")) << text.out;
}

}  // namespace
}  // namespace loa
