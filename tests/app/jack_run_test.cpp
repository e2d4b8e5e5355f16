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

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
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

}  // namespace
}  // namespace loa
