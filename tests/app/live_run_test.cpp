// Speaking live end to end (`loa live`, POST and DELETE /api/live): `loa run --output jack` with a
// microphone on JACK's capture (a JACK client of the test's own plays a 1 kHz tone into loa's
// capture port, another records loa's zone outputs), and `loa live` as the operator types it. The
// chime (440 Hz) is heard first, then the microphone, on the chosen zone only, until --max or
// Ctrl-C; the journal says who spoke. Needs a JACK server (scripts/jack-dummy.sh start); skipped
// without one.
#include <gtest/gtest.h>
#include <jack/jack.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "loa/journal.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/jack_tone.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/loa_process.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNoServer =
    "no JACK server is running: start one with scripts/jack-dummy.sh start (or leave these tests "
    "out with ctest -LE jack)";

// A JACK client recording what it hears on one input port into memory (up to its capacity).
class Recorder {
 public:
  Recorder(const std::string& name, std::size_t capacity) : samples_(capacity) {
    jack_status_t status{};
    client_ = jack_client_open(name.c_str(), JackNoStartServer, &status);
    if (client_ == nullptr) return;
    in_ = jack_port_register(client_, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    jack_set_process_callback(client_, &Recorder::process, this);
    active_ = in_ != nullptr && jack_activate(client_) == 0;
  }
  ~Recorder() {
    if (client_ == nullptr) return;
    if (active_) jack_deactivate(client_);
    jack_client_close(client_);
  }
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  bool running() const { return active_; }
  jack_client_t* client() const { return client_; }
  int rate() const { return static_cast<int>(jack_get_sample_rate(client_)); }
  void connect(const std::string& port) {
    if (jack_port_connected_to(in_, port.c_str()) == 0) {
      jack_connect(client_, port.c_str(), jack_port_name(in_));
    }
  }
  std::vector<float> heard() const {
    const std::size_t n = written_.load(std::memory_order_acquire);
    return {samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(n)};
  }
  void stop() {
    if (active_) jack_deactivate(client_);
    active_ = false;
  }

 private:
  static int process(jack_nframes_t frames, void* arg) {
    auto& r = *static_cast<Recorder*>(arg);
    const auto* x = static_cast<const float*>(jack_port_get_buffer(r.in_, frames));
    std::size_t at = r.written_.load(std::memory_order_relaxed);
    for (jack_nframes_t i = 0; i < frames && at < r.samples_.size(); ++i) r.samples_[at++] = x[i];
    r.written_.store(at, std::memory_order_release);
    return 0;
  }

  std::vector<float> samples_;
  std::atomic<std::size_t> written_{0};
  jack_client_t* client_ = nullptr;
  jack_port_t* in_ = nullptr;
  bool active_ = false;
};

// Ports of loa's JACK clients ("loa", "loa-01", ...) matching `pattern` after the colon.
std::set<std::string> loa_ports(jack_client_t* c, const std::string& pattern, unsigned long flags) {
  std::set<std::string> out;
  const std::string full = "^loa(-[0-9]+)?:" + pattern;
  const char** ports = jack_get_ports(c, full.c_str(), JACK_DEFAULT_AUDIO_TYPE, flags);
  for (std::size_t i = 0; ports != nullptr && ports[i] != nullptr; ++i) out.insert(ports[i]);
  jack_free(ports);
  return out;
}

// What a recording holds, in 10 ms blocks: loud ones (RMS over 0.05), and whether each is the
// chime (about 440 Hz) or the microphone's tone (about 1 kHz), by zero crossings.
struct Heard {
  double chime_s = 0;
  double tone_s = 0;
  double first_chime_s = -1;
  double first_tone_s = -1;
  double last_tone_s = -1;
};

Heard listen(const std::vector<float>& x, int rate) {
  Heard h;
  const auto block = static_cast<std::size_t>(rate / 100);
  for (std::size_t i = 0; i + block <= x.size(); i += block) {
    double sum = 0;
    int crossings = 0;
    for (std::size_t k = i; k < i + block; ++k) {
      sum += x[k] * x[k];
      if (k > i && x[k - 1] < 0 && x[k] >= 0) ++crossings;
    }
    if (std::sqrt(sum / static_cast<double>(block)) < 0.05) continue;
    const double at = static_cast<double>(i) / rate;
    if (crossings >= 3 && crossings <= 6) {
      h.chime_s += 0.01;
      if (h.first_chime_s < 0) h.first_chime_s = at;
    } else if (crossings >= 9 && crossings <= 11) {
      h.tone_s += 0.01;
      if (h.first_tone_s < 0) h.first_tone_s = at;
      h.last_tone_s = at + 0.01;
    }
  }
  return h;
}

// A station with a microphone on JACK, a 1 s 440 Hz chime, two zones on out_0 and out_1, and
// `loa run --output jack` airing it; the tone client playing into loa's capture port and two
// recorders on loa's outputs, connected while the test waits.
class LiveRun : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tone_.running()) GTEST_SKIP() << kNoServer;
    ASSERT_TRUE(zone1_.running() && zone2_.running()) << "cannot start the recording clients";
    rate_ = zone1_.rate();
    outs_before_ = loa_ports(zone1_.client(), "out_", JackPortIsOutput);
    ins_before_ = loa_ports(zone1_.client(), "in_", JackPortIsInput);
    std::filesystem::create_directories(dir_ / "clips");
    test::write_tone(dir_ / "clips/chime.wav", 1.0, rate_, 1, test::AudioFormat::wav16, 440.0, 0.5);
    dir_.write("station.yaml",
               "station: {timezone: UTC, clips: clips/, state: state/}\n"
               "audio: {sample_rate: " +
                   std::to_string(rate_) +
                   ", loudness: off, chime: chime.wav, inputs: [{id: fm-tuner, device: jack, "
                   "channel: 2}, {id: mic, device: jack, channel: 1}]}\n"
                   "zones: [{id: ap-1, channel: 1}, {id: ap-2, channel: 2}]\n"
                   "programmes: []\n");
    loa_ = std::make_unique<test::LoaProcess>(
        LOA_BINARY, dir_,
        std::vector<std::string>{"run", "--config", "station.yaml", "--output", "jack", "--listen",
                                 "127.0.0.1:0"});
    ASSERT_TRUE(loa_->wait_for("control page and API on http://127.0.0.1:", 20s)) << loa_->err();
  }

  // Connects loa's new ports (outputs to the recorders, capture to the tone) for `d`, or until
  // `done` says so.
  template <typename Done>
  void connect_for(std::chrono::milliseconds d, Done done) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until && !done()) {
      for (const auto& p : loa_ports(zone1_.client(), "out_", JackPortIsOutput)) {
        if (outs_before_.count(p) != 0) continue;
        if (p.ends_with(":out_0")) zone1_.connect(p);
        if (p.ends_with(":out_1")) zone2_.connect(p);
      }
      for (const auto& p : loa_ports(tone_.client(), "in_", JackPortIsInput)) {
        if (ins_before_.count(p) == 0) tone_.play_into(p.substr(0, p.find(':')));
      }
      std::this_thread::sleep_for(20ms);
    }
  }

  std::vector<ControlAction> actions() const {
    const Journal journal(dir_ / "state/journal.db", true);
    const auto now = std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
    return journal.actions(now - 1h, now + 1h);
  }
  std::vector<nlohmann::json> broadcasts() const {
    const test::CliResult r = test::run_cli(LOA_BINARY, "log --config station.yaml --json", dir_);
    return r.exit == 0 ? test::json_lines(r.out) : std::vector<nlohmann::json>{};
  }

  test::ToneClient tone_{1000.0, 0.5};
  Recorder zone1_{"loa-live-z1-" + std::to_string(getpid()), 48000 * 30};
  Recorder zone2_{"loa-live-z2-" + std::to_string(getpid()), 48000 * 30};
  int rate_ = 48000;
  std::set<std::string> outs_before_;
  std::set<std::string> ins_before_;
  test::TempDir dir_;
  std::unique_ptr<test::LoaProcess> loa_;
};

TEST_F(LiveRun, TheMicrophoneAirsAfterTheChimeOnItsZoneUntilMax) {
  test::LoaProcess live(LOA_BINARY, dir_,
                        {"live", "--config", "station.yaml", "--zones", "ap-1", "--max", "3s"},
                        "live");
  connect_for(20s, [&] { return !live.running(); });
  const auto exit = live.wait(5s);
  std::this_thread::sleep_for(500ms);
  zone1_.stop();
  zone2_.stop();
  ASSERT_TRUE(exit.has_value()) << "loa live did not end at its --max";
  EXPECT_EQ(*exit, 0) << live.err();
  const std::string out = test::slurp(dir_ / "live-stdout.txt");
  EXPECT_NE(out.find("live (normal) on ap-1 from input mic"), std::string::npos) << out;
  EXPECT_NE(out.find("on air: speak now"), std::string::npos) << out;
  EXPECT_NE(out.find("live ended"), std::string::npos) << out;
  // The meter: the tone (amplitude 0.5, loudness off) peaks at -6 dBFS on air.
  const auto level = out.find("level on air: peak ");
  ASSERT_NE(level, std::string::npos) << out;
  EXPECT_NEAR(std::stod(out.substr(level + 19)), -6.0, 1.0) << out;
  // And the input as it arrives, before levelling: the same tone.
  const auto input = out.find("; input: peak ", level);
  ASSERT_NE(input, std::string::npos) << out;
  EXPECT_NEAR(std::stod(out.substr(input + 14)), -6.0, 1.0) << out;

  const Heard one = listen(zone1_.heard(), rate_);
  const Heard two = listen(zone2_.heard(), rate_);
  std::cout << "ap-1: chime " << one.chime_s << " s from " << one.first_chime_s << " s, tone "
            << one.tone_s << " s from " << one.first_tone_s << " s to " << one.last_tone_s
            << " s; ap-2: " << two.chime_s + two.tone_s << " s loud\n";
  EXPECT_GT(one.chime_s, 0.8) << "the chime plays first\n" << loa_->err();
  EXPECT_GT(one.tone_s, 2.9) << "the microphone airs for --max, from the chime's end\n"
                             << loa_->err();
  EXPECT_LT(one.last_tone_s - one.first_tone_s, 3.1) << "and not longer";
  EXPECT_LT(one.first_chime_s, one.first_tone_s) << "the chime before the microphone";
  EXPECT_GE(one.first_tone_s - one.first_chime_s, 0.95) << "after the whole chime";
  EXPECT_EQ(two.chime_s + two.tone_s, 0.0) << "nothing on the zone not chosen";

  bool journaled = false;
  for (const auto& a : actions()) {
    journaled = journaled ||
                (a.who == "api-token" && a.what.starts_with("live (normal) on ap-1: input mic"));
  }
  EXPECT_TRUE(journaled) << "the journal names who spoke";
  const auto log = broadcasts();
  ASSERT_EQ(log.size(), 1U) << loa_->err();
  EXPECT_EQ(log[0]["programme"], "live");
  EXPECT_EQ(log[0]["status"], "aired") << log[0];
}

TEST_F(LiveRun, CtrlCEndsItAndTheMicrophoneLeavesTheAir) {
  test::LoaProcess live(LOA_BINARY, dir_,
                        {"live", "--config", "station.yaml", "--zones", "ap-2", "--max", "1m"},
                        "live");
  // The chime (1 s) and 2 s of the microphone, then Ctrl-C.
  connect_for(15s, [&] {
    return test::slurp(dir_ / "live-stdout.txt").find("on air: speak now") != std::string::npos;
  });
  connect_for(2s, [] { return false; });
  const std::size_t before = zone2_.heard().size();
  live.signal(SIGINT);
  const auto exit = live.wait(10s);
  connect_for(2s, [] { return false; });
  zone1_.stop();
  zone2_.stop();
  ASSERT_TRUE(exit.has_value()) << "loa live did not end on Ctrl-C";
  EXPECT_EQ(*exit, 0) << live.err();
  EXPECT_NE(test::slurp(dir_ / "live-stdout.txt").find("live ended (Ctrl-C)"), std::string::npos);

  const std::vector<float> heard = zone2_.heard();
  const Heard until_ctrl_c =
      listen({heard.begin(), heard.begin() + static_cast<std::ptrdiff_t>(before)}, rate_);
  EXPECT_GT(until_ctrl_c.tone_s, 1.0) << "the microphone was on air\n" << loa_->err();
  // From 1 s after Ctrl-C (the request, the fade, what was rendered ahead): silence.
  const auto after = std::min(heard.size(), before + static_cast<std::size_t>(rate_));
  const Heard later =
      listen({heard.begin() + static_cast<std::ptrdiff_t>(after), heard.end()}, rate_);
  EXPECT_EQ(later.tone_s, 0.0) << "the microphone leaves the air on Ctrl-C";
  EXPECT_GT(heard.size() - after, static_cast<std::size_t>(rate_ / 2)) << "recorded after it";

  int journaled = 0;
  for (const auto& a : actions()) {
    if (a.who == "api-token" && (a.what.starts_with("live (normal) on ap-2: input mic") ||
                                 a.what == "live ended on ap-2")) {
      ++journaled;
    }
  }
  EXPECT_EQ(journaled, 2);
  const auto log = broadcasts();
  ASSERT_EQ(log.size(), 1U) << loa_->err();
  EXPECT_EQ(log[0]["programme"], "live");
  EXPECT_EQ(log[0]["status"], "interrupted") << log[0];
}

}  // namespace
}  // namespace loa
