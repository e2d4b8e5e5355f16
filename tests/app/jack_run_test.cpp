// `loa run --output jack` end to end, through the real audio path: loa runs as a process with a
// broadcast a few seconds ahead, a JACK client of the test's own records loa's output port, and
// the broadcast must be heard within a loose bound of its scheduled wall-clock time (CI machines
// are noisy; bench/start_time_bench.sh measures precisely). Needs a running JACK server
// (scripts/jack-dummy.sh start runs one without a sound card); skipped without one.
//
// "Heard" is when a frame leaves the sound card, by JACK's latency model: a frame processed in the
// cycle that starts at time t, at offset i in the period, leaves the card at
// t + (i + L) / rate, L the physical playback port's latency. loa anchors its timeline on the same
// (PortAudio's outputBufferDacTime: the playback port's latency after the callback); see
// bench/jack_onset.cpp.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <jack/jack.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/jack_tone.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNoServer =
    "no JACK server is running: start one with scripts/jack-dummy.sh start (or leave these tests "
    "out with ctest -LE jack)";

std::int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The output ports of loa's JACK client ("loa", or "loa-01" etc. when that name is taken).
std::set<std::string> loa_ports(jack_client_t* c) {
  std::set<std::string> out;
  const char** ports =
      jack_get_ports(c, "^loa(-[0-9]+)?:out_", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput);
  for (std::size_t i = 0; ports != nullptr && ports[i] != nullptr; ++i) out.insert(ports[i]);
  jack_free(ports);
  return out;
}

// A JACK client with one input port that notes the first onset it hears: the first sample with
// |x| > 0.01 after at least 200 ms of samples at or below it, with the JACK cycle times to place
// it.
class OnsetRecorder {
 public:
  OnsetRecorder() {
    const std::string name = "loa-run-test-" + std::to_string(getpid());
    jack_status_t status{};
    client_ = jack_client_open(name.c_str(), JackNoStartServer, &status);
  }
  ~OnsetRecorder() {
    if (client_ == nullptr) return;
    jack_deactivate(client_);
    jack_client_close(client_);
  }
  OnsetRecorder(const OnsetRecorder&) = delete;
  OnsetRecorder& operator=(const OnsetRecorder&) = delete;

  jack_client_t* client() const { return client_; }
  int rate() const { return static_cast<int>(jack_get_sample_rate(client_)); }

  bool start() {
    in_ = jack_port_register(client_, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    if (in_ == nullptr) return false;
    silence_needed_ = static_cast<std::uint64_t>(rate() / 5);
    jack_set_process_callback(client_, &OnsetRecorder::process, this);
    return jack_activate(client_) == 0;
  }
  // Connects every port in `ports` not connected yet.
  void connect(const std::set<std::string>& ports) {
    for (const auto& p : ports) {
      if (jack_port_connected_to(in_, p.c_str()) == 0) {
        jack_connect(client_, p.c_str(), jack_port_name(in_));
      }
    }
  }
  bool heard() const { return heard_.load(std::memory_order_acquire); }
  // With heard(): the onset's instant on JACK's clock, in ns, `latency` frames after it passed.
  double heard_jack_ns(jack_nframes_t latency) const {
    return (static_cast<double>(cycle_usecs_) +
            (static_cast<double>(offset_) + latency) * period_usecs_ / frames_) *
           1000.0;
  }
  jack_nframes_t offset() const { return offset_; }

 private:
  static int process(jack_nframes_t frames, void* arg) {
    auto& r = *static_cast<OnsetRecorder*>(arg);
    if (r.heard_.load(std::memory_order_relaxed)) return 0;
    const auto* x = static_cast<const float*>(jack_port_get_buffer(r.in_, frames));
    for (jack_nframes_t i = 0; i < frames; ++i) {
      if (std::fabs(x[i]) <= 0.01F) {
        ++r.quiet_;
        continue;
      }
      if (r.quiet_ >= r.silence_needed_) {
        jack_nframes_t cycle_frame = 0;
        jack_time_t next = 0;
        if (jack_get_cycle_times(r.client_, &cycle_frame, &r.cycle_usecs_, &next,
                                 &r.period_usecs_) == 0) {
          r.frames_ = frames;
          r.offset_ = i;
          r.heard_.store(true, std::memory_order_release);
          return 0;
        }
      }
      r.quiet_ = 0;
    }
    return 0;
  }

  jack_client_t* client_ = nullptr;
  jack_port_t* in_ = nullptr;
  std::uint64_t silence_needed_ = 0;
  std::uint64_t quiet_ = 0;
  // Written by the process callback before heard_ is set, read after.
  jack_time_t cycle_usecs_ = 0;
  float period_usecs_ = 0;
  jack_nframes_t frames_ = 0;
  jack_nframes_t offset_ = 0;
  std::atomic<bool> heard_{false};
};

// The playback latency of the first physical playback port (system:playback_1), in frames.
jack_nframes_t playback_latency(jack_client_t* c) {
  const char** ports =
      jack_get_ports(c, nullptr, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput | JackPortIsPhysical);
  jack_nframes_t latency = 0;
  if (ports != nullptr && ports[0] != nullptr) {
    jack_latency_range_t range{};
    jack_port_get_latency_range(jack_port_by_name(c, ports[0]), JackPlaybackLatency, &range);
    latency = range.min;
  }
  jack_free(ports);
  return latency;
}

// CLOCK_REALTIME - jack_get_time() in ns (JACK's clock is CLOCK_MONOTONIC_RAW in jackd2), from
// the tightest of several bracketed reads.
double realtime_minus_jack_ns() {
  std::int64_t best_span = INT64_MAX;
  double best = 0;
  for (int i = 0; i < 20; ++i) {
    const std::int64_t r0 = realtime_ns();
    const auto j = static_cast<double>(jack_get_time()) * 1000.0;
    const std::int64_t r1 = realtime_ns();
    if (r1 - r0 < best_span) {
      best_span = r1 - r0;
      best = static_cast<double>(r0) + static_cast<double>(r1 - r0) / 2 - j;
    }
  }
  return best;
}

// `loa run` as a process in `dir`; stopped with SIGTERM.
class LoaProcess {
 public:
  LoaProcess(const test::TempDir& dir, const std::vector<std::string>& args) : dir_(dir) {
    pid_ = fork();
    if (pid_ == 0) {
      if (chdir(dir.path().c_str()) != 0) _exit(126);
      const int o = open("stdout.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(126);
      std::vector<char*> argv{const_cast<char*>(LOA_BINARY)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(LOA_BINARY, argv.data());
      _exit(127);
    }
  }
  ~LoaProcess() { stop(); }
  LoaProcess(const LoaProcess&) = delete;
  LoaProcess& operator=(const LoaProcess&) = delete;

  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
    exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
    return false;
  }
  // Stops loa (SIGTERM) and returns its exit status (-1 if killed by a signal).
  int stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      pid_ = -1;
    }
    return exit_;
  }
  std::string log() const { return test::slurp(dir_ / "stderr.txt"); }

 private:
  const test::TempDir& dir_;
  pid_t pid_ = -1;
  int exit_ = -1;
};

TEST(JackRun, ABroadcastIsHeardAtItsScheduledTime) {
  OnsetRecorder recorder;
  if (recorder.client() == nullptr) GTEST_SKIP() << kNoServer;
  const int rate = recorder.rate();
  ASSERT_TRUE(recorder.start()) << "cannot register and activate the recording client";
  const jack_nframes_t latency = playback_latency(recorder.client());
  // Ports of another loa already running (a benchmark, say) are not ours.
  const std::set<std::string> before = loa_ports(recorder.client());

  // A square wave: its first sample is at full level, so the onset is the broadcast's first frame.
  test::TempDir dir;
  std::vector<float> square(static_cast<std::size_t>(rate / 2));
  for (std::size_t i = 0; i < square.size(); ++i) {
    square[i] = (i * 2000 / static_cast<std::size_t>(rate)) % 2 == 0 ? 0.5F : -0.5F;
  }
  std::filesystem::create_directories(dir / "clips");
  test::write_wav(dir / "clips" / "square.wav", square, rate);
  // A whole second at least 5 s ahead (the output opens 3 s before the broadcast).
  const std::int64_t at_s = realtime_ns() / 1'000'000'000 + 6;
  const time_t at_t = static_cast<time_t>(at_s);
  tm t{};
  gmtime_r(&at_t, &t);
  char at[16];
  std::snprintf(at, sizeof at, "%02d:%02d:%02d", t.tm_hour, t.tm_min, t.tm_sec);
  dir.write("station.yaml",
            "station: {timezone: UTC, clips: clips/, state: state/}\n"
            "audio: {sample_rate: " +
                std::to_string(rate) +
                ", loudness: off, chime: none}\n"
                "zones: [{id: z, channel: 1}]\n"
                "programmes:\n"
                "  - id: on-time\n"
                "    slots: [{at: '" +
                at + "', play: [square.wav]}]\n");

  LoaProcess loa(
      dir, {"run", "--config", "station.yaml", "--output", "jack", "--listen", "127.0.0.1:0"});
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!recorder.heard() && std::chrono::steady_clock::now() < deadline) {
    if (!loa.running()) break;
    std::set<std::string> ours;
    for (const auto& p : loa_ports(recorder.client())) {
      if (before.count(p) == 0) ours.insert(p);
    }
    recorder.connect(ours);
    std::this_thread::sleep_for(20ms);
  }
  const double offset_ns = realtime_minus_jack_ns();
  const bool still_running = loa.running();
  const int exit = loa.stop();
  ASSERT_TRUE(still_running) << "loa run ended early (exit " << exit << "):\n" << loa.log();
  EXPECT_EQ(exit, 0) << loa.log();
  ASSERT_TRUE(recorder.heard()) << "nothing was heard from loa's JACK output by " << at
                                << " UTC + 4 s; loa's log:\n"
                                << loa.log();

  const double heard_ns = recorder.heard_jack_ns(latency) + offset_ns;
  const double error_ms = (heard_ns - static_cast<double>(at_s) * 1e9) / 1e6;
  std::cout << "broadcast at " << at << " UTC heard " << error_ms
            << " ms from its time (JACK playback latency " << latency << " frames, onset at frame "
            << recorder.offset() << " of its period)\n";
  RecordProperty("start_error_ms", std::to_string(error_ms));
  EXPECT_LT(std::abs(error_ms), 20.0) << loa.log();
}

// A JACK client with one input port that records what it hears into memory (up to its capacity).
class Recorder {
 public:
  explicit Recorder(std::size_t capacity) : samples_(capacity) {
    const std::string name = "loa-rec-" + std::to_string(getpid());
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
  void connect(const std::set<std::string>& ports) {
    for (const auto& p : ports) {
      if (jack_port_connected_to(in_, p.c_str()) == 0) {
        jack_connect(client_, p.c_str(), jack_port_name(in_));
      }
    }
  }
  // What was heard so far; call after deactivating (stop()) or while it runs, for a snapshot.
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

// JACK ports of loa's clients ("loa", "loa-01", ...) of one direction: "out_" or "in_".
std::set<std::string> loa_ports_named(jack_client_t* c, const std::string& kind,
                                      unsigned long flags) {
  std::set<std::string> out;
  const std::string pattern = "^loa(-[0-9]+)?:" + kind;
  const char** ports = jack_get_ports(c, pattern.c_str(), JACK_DEFAULT_AUDIO_TYPE, flags);
  for (std::size_t i = 0; ports != nullptr && ports[i] != nullptr; ++i) out.insert(ports[i]);
  jack_free(ports);
  return out;
}

// Frequency from the positive-going zero crossings of x[from, to) (linearly interpolated).
double tone_frequency(const std::vector<float>& x, std::size_t from, std::size_t to, int rate) {
  double first = -1;
  double last = -1;
  int crossings = 0;
  for (std::size_t i = from + 1; i < to; ++i) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const double t = static_cast<double>(i - 1) + x[i - 1] / (x[i - 1] - x[i]);
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  return crossings < 2 ? 0.0 : (crossings - 1) * rate / (last - first);
}

// Line-in on air: `loa run --output jack` with an `{input: ...}` item due a few seconds ahead,
// its device the JACK server's; a JACK client plays a 1 kHz tone into loa's capture port, another
// records loa's output. The tone is heard in the slot for its whole `for:` (the input opened
// ahead, so none of it is lost to the device starting), and the journal says the input connected
// and aired for exactly its length.
TEST(JackRun, AnInputItemAirsWhatIsPlayedIntoItsCapturePort) {
  test::ToneClient tone(1000.0, 0.5);
  if (!tone.running()) GTEST_SKIP() << kNoServer;
  Recorder recorder(static_cast<std::size_t>(48000 * 20));
  ASSERT_TRUE(recorder.running()) << "cannot register and activate the recording client";
  const int rate = recorder.rate();
  // Ports of another loa already running (a benchmark, another test) are not ours.
  const std::set<std::string> outs_before =
      loa_ports_named(recorder.client(), "out_", JackPortIsOutput);
  const std::set<std::string> ins_before =
      loa_ports_named(recorder.client(), "in_", JackPortIsInput);

  test::TempDir dir;
  std::filesystem::create_directories(dir / "clips");
  const std::int64_t at_s = realtime_ns() / 1'000'000'000 + 6;
  const time_t at_t = static_cast<time_t>(at_s);
  tm t{};
  gmtime_r(&at_t, &t);
  char at[16];
  std::snprintf(at, sizeof at, "%02d:%02d:%02d", t.tm_hour, t.tm_min, t.tm_sec);
  dir.write("station.yaml",
            "station: {timezone: UTC, clips: clips/, state: state/}\n"
            "audio: {sample_rate: " +
                std::to_string(rate) +
                ", loudness: off, chime: none, inputs: [{id: fm-tuner, device: jack, channel: "
                "1}]}\n"
                "zones: [{id: z, channel: 1}]\n"
                "programmes:\n"
                "  - id: tiep-song-fm\n"
                "    slots: [{at: '" +
                at + "', play: [{input: fm-tuner, for: 3s}]}]\n");

  LoaProcess loa(
      dir, {"run", "--config", "station.yaml", "--output", "jack", "--listen", "127.0.0.1:0"});
  const auto day = [](time_t when) {
    tm d{};
    gmtime_r(&when, &d);
    char text[16];
    std::strftime(text, sizeof text, "%F", &d);
    return std::string(text);
  };
  const auto journal = [&] {
    const test::CliResult r = test::run_cli(LOA_BINARY,
                                            "log --config station.yaml --json --from " +
                                                day(at_t - 86400) + " --to " + day(at_t + 86400),
                                            dir);
    return r.exit == 0 ? test::json_lines(r.out) : std::vector<nlohmann::json>{};
  };
  const auto ended = [](const std::vector<nlohmann::json>& log) {
    return !log.empty() && log.front()["status"] != "playing";
  };
  // Until the broadcast has ended (at + 3 s), and 12 s at most.
  const auto deadline = std::chrono::steady_clock::now() + 12s;
  std::vector<nlohmann::json> log;
  auto last_look = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline && loa.running()) {
    std::set<std::string> outs;
    for (const auto& p : loa_ports_named(recorder.client(), "out_", JackPortIsOutput)) {
      if (outs_before.count(p) == 0) outs.insert(p);
    }
    recorder.connect(outs);
    for (const auto& p : loa_ports_named(tone.client(), "in_", JackPortIsInput)) {
      if (ins_before.count(p) != 0) continue;
      const std::string client = p.substr(0, p.find(':'));
      tone.play_into(client);
    }
    if (std::chrono::steady_clock::now() - last_look > 500ms &&
        realtime_ns() / 1'000'000'000 > at_s + 3) {
      last_look = std::chrono::steady_clock::now();
      log = journal();
      if (ended(log)) break;
    }
    std::this_thread::sleep_for(20ms);
  }
  // A second more of the recording: nothing airs after the slot.
  std::this_thread::sleep_for(1s);
  recorder.stop();
  const bool still_running = loa.running();
  const int exit = loa.stop();
  ASSERT_TRUE(still_running) << "loa run ended early (exit " << exit << "):\n" << loa.log();
  EXPECT_EQ(exit, 0) << loa.log();
  log = journal();
  ASSERT_EQ(log.size(), 1U) << "the broadcast is journaled; loa's log:\n" << loa.log();
  const nlohmann::json& b = log.front();
  ASSERT_EQ(b["items"].size(), 1U) << b;
  const nlohmann::json& input = b["items"][0];
  EXPECT_EQ(input["kind"], "input") << input;
  EXPECT_EQ(input["status"], "aired") << input;
  bool connected = false;
  for (const auto& e : input["events"]) {
    connected = connected || (e["kind"] == "connected" && e.value("codec", "") == "pcm");
    EXPECT_NE(e["kind"], "lost") << input;
    EXPECT_NE(e["kind"], "dead_air_started") << input;
  }
  EXPECT_TRUE(connected) << "the journal says the input connected: " << input;
  const std::string start = input["start"];
  const std::string end = input["end"];
  EXPECT_NE(start.find(std::string(at)), std::string::npos) << "starts on its slot: " << input;
  const time_t end_t = at_t + 3;
  tm e{};
  gmtime_r(&end_t, &e);
  char end_hms[16];
  std::snprintf(end_hms, sizeof end_hms, "%02d:%02d:%02d", e.tm_hour, e.tm_min, e.tm_sec);
  EXPECT_NE(end.find(std::string(end_hms)), std::string::npos) << "ends 3 s later: " << input;

  // The tone on loa's output: 10 ms blocks louder than half the tone's RMS.
  const std::vector<float> heard = recorder.heard();
  const auto block = static_cast<std::size_t>(rate / 100);
  std::size_t loud = 0;
  std::size_t first_loud = heard.size();
  std::size_t last_loud = 0;
  for (std::size_t i = 0; i + block <= heard.size(); i += block) {
    double sum = 0;
    for (std::size_t k = i; k < i + block; ++k) sum += heard[k] * heard[k];
    if (std::sqrt(sum / static_cast<double>(block)) > 0.5 / std::numbers::sqrt2 / 2) {
      ++loud;
      first_loud = std::min(first_loud, i);
      last_loud = i + block;
    }
  }
  const double loud_seconds = static_cast<double>(loud) / 100.0;
  std::cout << "input tone heard for " << loud_seconds << " s of its 3 s slot\n";
  ASSERT_GT(loud, 0U) << "the tone was not heard on loa's output; loa's log:\n" << loa.log();
  EXPECT_GT(loud_seconds, 2.9) << "the tone airs for the input's length, from its first frame";
  EXPECT_LE(static_cast<double>(last_loud - first_loud) / rate, 3.05)
      << "and not longer than its for: 3s";
  EXPECT_NEAR(tone_frequency(heard, first_loud, last_loud, rate), 1000.0, 2.0);
}

}  // namespace
}  // namespace loa
