// jack_onset: a JACK client that listens to another client's output port (loa's, by default) and
// prints the wall-clock time at which each onset of sound is heard, to the microsecond. For
// bench/start_time_bench.sh: loa starts a broadcast at its scheduled time; this says when it was
// heard.
//
// Usage: jack_onset [--client NAME] [--seconds N] [--threshold X] [--silence-ms MS]
//                   [--playback PORT]
//   --client NAME     the client whose first output port (NAME:out_*) is recorded (default "loa").
//                     It may come and go (loa opens its output ~3 s before a broadcast and closes
//                     it when idle): the port is looked for every 50 ms and connected when it is
//                     there.
//   --seconds N       stop after N seconds (default: run until SIGINT or SIGTERM)
//   --threshold X     an onset is the first sample with |x| > X ... (default 0.01)
//   --silence-ms MS   ... after at least MS ms of samples at or below it (default 200)
//   --playback PORT   the physical output whose latency makes "heard" (default: the first
//                     physical playback port, system:playback_1)
//
// Output: lines starting with '#' describe the set-up (and JACK xruns, "# xrun: N in all, the last
// by TIME", as they happen: an onset next to one may be displaced); then one line per onset:
//   2026-12-01T06:00:03.000021Z frame=123456 offset=17 latency=512 level=0.500
// (the instant the onset's first sample leaves the sound card, UTC; its JACK frame time; its place
// in the JACK period; the playback latency added, in frames; the sample's level).
//
// When a frame is "heard" (the convention loa's anchor uses too): JACK processes the frames
// [F, F + n) of a period in the cycle that starts at time(F) (the driver's wake-up, smoothed by
// JACK's delay-locked loop: jack_get_cycle_times), and the physical playback port says how many
// frames later they leave the card: its playback latency L (jack_port_get_latency_range; with
// the dummy driver in jackd's default asynchronous mode, 2 periods). So frame F + i is heard at
// time(F) + (i + L) / rate. This client is connected straight to loa's port and runs after loa in
// the same cycle, so it sees the very frames the card is given, with their frame times.
// PortAudio's JACK host gives loa outputBufferDacTime = currentTime + the same latency L, and loa
// carries that over to its clocks by reading CLOCK_MONOTONIC in its callback: that read comes
// after the cycle's start by the callback's wake-up delay (tens of microseconds), so loa's frames
// are heard that much early, by this convention. A recorder that stamped frames with the cycle
// time alone (no L) would see every broadcast L early (10.7 ms at 256 frames and 48 kHz), one
// that used the moment its own callback ran would add its own wake-up delay.
//
// Time base: JACK's microsecond clock (jack_get_time) is CLOCK_MONOTONIC_RAW in jackd2 1.9.21 on
// Linux (not CLOCK_MONOTONIC: it is not slewed by NTP, so it drifts from the system clock by the
// machine's crystal error, tens of ppm, and the dummy driver keeps time by it like a sound card
// with its own crystal). This program says which clock it found, and carries each instant over to
// CLOCK_REALTIME with an offset measured right then, jack_get_time() read between two
// CLOCK_REALTIME reads.
#include <jack/jack.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int /*sig*/) {
  g_stop.store(true);
}

std::int64_t read_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// CLOCK_REALTIME - JACK's clock (jack_get_time, in ns), from the tightest of several reads of
// JACK's clock bracketed by two reads of CLOCK_REALTIME. jack_get_time is a clock_gettime() call:
// the bracket is well under a microsecond.
std::int64_t realtime_minus_jack() {
  std::int64_t best_span = INT64_MAX;
  std::int64_t best = 0;
  for (int i = 0; i < 20; ++i) {
    const std::int64_t r0 = read_ns(CLOCK_REALTIME);
    const auto j = static_cast<std::int64_t>(jack_get_time()) * 1000;
    const std::int64_t r1 = read_ns(CLOCK_REALTIME);
    if (r1 - r0 < best_span) {
      best_span = r1 - r0;
      best = r0 + (r1 - r0) / 2 - j;
    }
  }
  return best;
}

// Which clock JACK's is (jackd2 1.9.21 on Linux: CLOCK_MONOTONIC_RAW, the one NTP does not slew),
// for the record.
const char* jack_clock_name() {
  const auto matches = [](clockid_t id) {
    for (int i = 0; i < 5; ++i) {
      const std::int64_t a = read_ns(id);
      const auto j = static_cast<std::int64_t>(jack_get_time()) * 1000;
      const std::int64_t b = read_ns(id);
      if (j >= a - 1000 && j <= b + 1000) return true;
    }
    return false;
  };
  if (matches(CLOCK_MONOTONIC_RAW)) return "CLOCK_MONOTONIC_RAW";
  if (matches(CLOCK_MONOTONIC)) return "CLOCK_MONOTONIC";
  return "neither CLOCK_MONOTONIC nor CLOCK_MONOTONIC_RAW";
}

std::string iso_utc(std::int64_t realtime_ns) {
  const std::int64_t us = (realtime_ns + 500) / 1000;  // to the nearest microsecond
  const time_t secs = static_cast<time_t>(us / 1'000'000);
  const long frac = static_cast<long>(us % 1'000'000);
  tm t{};
  gmtime_r(&secs, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", t.tm_year + 1900,
                t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, frac);
  return buf;
}

// One onset, as the process callback saw it.
struct Onset {
  jack_nframes_t cycle_frame = 0;  // the JACK frame time of the period's first frame
  jack_time_t cycle_usecs = 0;     // when that period started (JACK's smoothed cycle time)
  float period_usecs = 0;          // JACK's smoothed period length
  jack_nframes_t frames = 0;       // frames in the period
  jack_nframes_t offset = 0;       // the onset's frame within the period
  float level = 0;                 // |x| of the onset's first sample
};

// Single producer (the process callback), single consumer (main): no locks.
class OnsetQueue {
 public:
  bool push(const Onset& o) {
    const std::size_t w = write_.load(std::memory_order_relaxed);
    if (w - read_.load(std::memory_order_acquire) == slots_.size()) return false;
    slots_[w % slots_.size()] = o;
    write_.store(w + 1, std::memory_order_release);
    return true;
  }
  bool pop(Onset& o) {
    const std::size_t r = read_.load(std::memory_order_relaxed);
    if (r == write_.load(std::memory_order_acquire)) return false;
    o = slots_[r % slots_.size()];
    read_.store(r + 1, std::memory_order_release);
    return true;
  }

 private:
  std::array<Onset, 256> slots_{};
  std::atomic<std::size_t> write_{0};
  std::atomic<std::size_t> read_{0};
};

struct State {
  jack_client_t* client = nullptr;
  jack_port_t* in = nullptr;
  float threshold = 0.01F;
  std::uint64_t silence_needed = 0;  // frames
  std::uint64_t quiet_run = 0;       // frames at or below the threshold so far (callback only)
  OnsetQueue onsets;
  std::atomic<std::uint64_t> dropped{0};
  std::atomic<std::uint64_t> xruns{0};  // JACK's xruns (a client missed its deadline) seen
};

int process(jack_nframes_t frames, void* arg) {
  auto& s = *static_cast<State*>(arg);
  const auto* x = static_cast<const float*>(jack_port_get_buffer(s.in, frames));
  jack_nframes_t cycle_frame = 0;
  jack_time_t cycle_usecs = 0;
  jack_time_t next_usecs = 0;
  float period_usecs = 0;
  bool have_times = false;
  for (jack_nframes_t i = 0; i < frames; ++i) {
    if (std::fabs(x[i]) <= s.threshold) {
      ++s.quiet_run;
      continue;
    }
    if (s.quiet_run >= s.silence_needed) {
      if (!have_times) {
        have_times = jack_get_cycle_times(s.client, &cycle_frame, &cycle_usecs, &next_usecs,
                                          &period_usecs) == 0;
      }
      if (have_times) {
        const Onset o{cycle_frame, cycle_usecs, period_usecs, frames, i, std::fabs(x[i])};
        if (!s.onsets.push(o)) s.dropped.fetch_add(1, std::memory_order_relaxed);
      }
    }
    s.quiet_run = 0;
  }
  return 0;
}

// The first output port of `client` (NAME:out_*), or "".
std::string find_output(jack_client_t* c, const std::string& client) {
  const std::string pattern = "^" + client + ":out_";
  const char** ports =
      jack_get_ports(c, pattern.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput);
  std::string found;
  if (ports != nullptr && ports[0] != nullptr) found = ports[0];
  jack_free(ports);
  return found;
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "jack_onset: %s\nusage: jack_onset [--client NAME] [--seconds N] [--threshold X] "
               "[--silence-ms MS] [--playback PORT]\n",
               why);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string source = "loa";
  std::string playback;
  double seconds = 0;
  double threshold = 0.01;
  double silence_ms = 200;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value after " + a).c_str());
    const char* v = argv[++i];
    if (a == "--client") {
      source = v;
    } else if (a == "--seconds") {
      seconds = std::atof(v);
    } else if (a == "--threshold") {
      threshold = std::atof(v);
    } else if (a == "--silence-ms") {
      silence_ms = std::atof(v);
    } else if (a == "--playback") {
      playback = v;
    } else {
      usage(("unknown option " + a).c_str());
    }
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  State s;
  s.threshold = static_cast<float>(threshold);
  const std::string name = "loa-onset-" + std::to_string(getpid());
  jack_status_t status{};
  s.client = jack_client_open(name.c_str(), JackNoStartServer, &status);
  if (s.client == nullptr) {
    std::fprintf(stderr,
                 "jack_onset: no JACK server is running (start one with scripts/jack-dummy.sh "
                 "start)\n");
    return 1;
  }
  const jack_nframes_t rate = jack_get_sample_rate(s.client);
  s.silence_needed = static_cast<std::uint64_t>(std::llround(silence_ms * rate / 1000.0));
  s.in = jack_port_register(s.client, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
  if (s.in == nullptr) {
    std::fprintf(stderr, "jack_onset: cannot register an input port\n");
    return 1;
  }
  jack_set_process_callback(s.client, &process, &s);
  // An xrun displaces what the clients of that cycle timestamp: onsets near one are suspect.
  jack_set_xrun_callback(
      s.client,
      [](void* arg) {
        static_cast<State*>(arg)->xruns.fetch_add(1, std::memory_order_relaxed);
        return 0;
      },
      &s);

  // The playback latency of the physical output: what "heard" adds to the cycle time.
  if (playback.empty()) {
    const char** ports = jack_get_ports(s.client, nullptr, JACK_DEFAULT_AUDIO_TYPE,
                                        JackPortIsInput | JackPortIsPhysical);
    if (ports != nullptr && ports[0] != nullptr) playback = ports[0];
    jack_free(ports);
  }
  jack_nframes_t latency = 0;
  if (jack_port_t* p = playback.empty() ? nullptr : jack_port_by_name(s.client, playback.c_str())) {
    jack_latency_range_t range{};
    jack_port_get_latency_range(p, JackPlaybackLatency, &range);
    latency = range.min;
    if (range.max != range.min) {
      std::printf("# %s: playback latency range [%u %u] frames; using the minimum\n",
                  playback.c_str(), range.min, range.max);
    }
  } else {
    std::printf("# no physical playback port: heard = the JACK cycle time (latency 0)\n");
  }

  // JACK's clock runs apart from CLOCK_REALTIME (NTP slews one, not the other): the offset is
  // measured again for every onset, within 50 ms of it.
  const char* jack_clock = jack_clock_name();
  const double mono_minus_raw_ms =
      static_cast<double>(read_ns(CLOCK_MONOTONIC) - read_ns(CLOCK_MONOTONIC_RAW)) / 1e6;

  if (jack_activate(s.client) != 0) {
    std::fprintf(stderr, "jack_onset: cannot activate the JACK client\n");
    return 1;
  }
  std::printf(
      "# jack_onset: %u Hz, %u-frame periods; recording %s:out_*; onset: |x| > %g after "
      ">= %g ms at or below it\n",
      rate, jack_get_buffer_size(s.client), source.c_str(), threshold, silence_ms);
  std::printf(
      "# heard = JACK cycle time of the frame + the playback latency of %s (%u frames, "
      "%.3f ms)\n",
      playback.empty() ? "(none)" : playback.c_str(), latency, latency * 1000.0 / rate);
  std::printf(
      "# JACK clock (jack_get_time): %s; CLOCK_MONOTONIC - CLOCK_MONOTONIC_RAW = %.3f ms; to UTC "
      "by CLOCK_REALTIME - jack_get_time, measured at each onset\n",
      jack_clock, mono_minus_raw_ms);
  std::fflush(stdout);

  const auto start = std::chrono::steady_clock::now();
  std::string connected;
  std::uint64_t xruns_reported = 0;
  while (!g_stop.load()) {
    if (seconds > 0 &&
        std::chrono::steady_clock::now() - start >= std::chrono::duration<double>(seconds)) {
      break;
    }
    // (Re)connect: loa's port disappears while its output is closed.
    if (jack_port_connected(s.in) == 0) {
      const std::string port = find_output(s.client, source);
      if (!port.empty()) {
        const int r = jack_connect(s.client, port.c_str(), jack_port_name(s.in));
        if ((r == 0 || r == EEXIST) && port != connected) {
          std::printf("# connected to %s\n", port.c_str());
          std::fflush(stdout);
        }
        connected = port;
      }
    }
    if (const std::uint64_t x = s.xruns.load(); x != xruns_reported) {
      std::printf("# xrun: %llu in all, the last by %s\n", static_cast<unsigned long long>(x),
                  iso_utc(read_ns(CLOCK_REALTIME)).c_str());
      xruns_reported = x;
    }
    Onset o;
    while (s.onsets.pop(o)) {
      const std::int64_t offset_ns = realtime_minus_jack();
      // frame F + offset leaves the card (offset + latency) frames after the cycle's start.
      const double us = static_cast<double>(o.cycle_usecs) +
                        (static_cast<double>(o.offset) + latency) * o.period_usecs / o.frames;
      const auto ns = static_cast<std::int64_t>(std::llround(us * 1000.0));
      std::printf("%s frame=%u offset=%u latency=%u level=%.3f\n", iso_utc(ns + offset_ns).c_str(),
                  o.cycle_frame + o.offset, o.offset, latency, static_cast<double>(o.level));
      std::fflush(stdout);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (s.dropped.load() > 0) {
    std::printf("# %llu onsets dropped (queue full)\n",
                static_cast<unsigned long long>(s.dropped.load()));
  }
  jack_deactivate(s.client);
  jack_client_close(s.client);
  return 0;
}
