// What a relay costs: CPU and memory to relay a long MP3 stream (default one hour) served by a
// local HTTP server (loa's test server, in this process), read the way the air reads it but
// faster than real time (`--speed`, default 30x), so that an hour takes two minutes.
//
//   build/release/bench/relay_bench [--minutes 60] [--speed 30]
//
// Prints the CPU seconds for the whole relay (the server's share included: it only copies
// bytes), that as a share of one core in real time, the process's peak resident memory, and its
// resident memory before the relay opened (FFmpeg's libraries already loaded) for comparison.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loa/relay.hpp"
#include "loa/sound.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"

namespace {

constexpr int kRate = 48000;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long peak_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

long resident_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  double minutes = 60, speed = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--minutes") == 0) minutes = std::stod(argv[i + 1]);
    if (std::strcmp(argv[i], "--speed") == 0) speed = std::stod(argv[i + 1]);
  }
  loa::test::TempDir dir;
  // One minute of a 44.1 kHz stereo tone as a 128 kb/s MP3, looped by the server.
  const auto wav = dir / "tone.wav";
  const auto mp3 = dir / "tone.mp3";
  loa::test::write_tone(wav, 60.0, 44100, 2, loa::test::AudioFormat::wav16, 440.0, 0.25);
  loa::test::ffmpeg_encode(wav, mp3, "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
  std::ifstream in(mp3, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string stream = bytes.str();

  loa::test::StreamServer server;
  const double bytes_per_second = static_cast<double>(stream.size()) / 60.0;
  server.live("/vov1.mp3", stream, bytes_per_second * speed,
              static_cast<std::size_t>(bytes_per_second), "audio/mpeg");

  // Load FFmpeg's libraries first (an AAC-free station pays them at its first relay: reported
  // apart, as "before").
  auto events = std::make_shared<loa::RelayEvents>();
  {
    loa::RelaySound probe{server.url("/vov1.mp3"), kRate / 10, {}, nullptr};
    auto source = loa::open_sound(probe, kRate, 1.0f);
    std::vector<float> block(kRate / 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    source->read(block);
  }
  const long before_kb = resident_kb();
  const double cpu_before = cpu_seconds();

  const auto frames = static_cast<std::int64_t>(minutes * 60 * kRate);
  loa::RelaySound relay{server.url("/vov1.mp3"), frames, {}, events};
  relay.settings.jitter = std::chrono::milliseconds(1000);
  auto source = loa::open_sound(relay, kRate, 1.0f);
  std::vector<float> block(kRate / 50);
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(0.02 / speed));
  auto next = std::chrono::steady_clock::now();
  const auto start = next;
  std::int64_t read = 0;
  while (true) {
    const std::size_t n = source->read(block);
    read += static_cast<std::int64_t>(n);
    if (n < block.size()) break;
    next += period;
    std::this_thread::sleep_until(next);
  }
  source.reset();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_before;
  int dead_air = 0, lost = 0;
  for (const auto& e : events->drain()) {
    dead_air += e.kind == loa::RelayEvent::Kind::dead_air_started;
    lost += e.kind == loa::RelayEvent::Kind::lost;
  }
  std::printf(
      "relay of %.0f min of 128 kb/s MP3 (44.1 kHz stereo -> 48 kHz mono) at %.0fx real time\n",
      minutes, speed);
  std::printf("  frames aired      %lld (of %lld)\n", static_cast<long long>(read),
              static_cast<long long>(frames));
  std::printf("  wall              %.1f s\n", wall);
  std::printf("  CPU               %.2f s (%.2f %% of one core in real time)\n", cpu,
              100.0 * cpu / (minutes * 60));
  std::printf("  resident before   %.1f MB (FFmpeg loaded, server running)\n",
              static_cast<double>(before_kb) / 1024.0);
  std::printf("  peak resident     %.1f MB\n", static_cast<double>(peak_kb()) / 1024.0);
  std::printf("  dead air, lost    %d, %d\n", dead_air, lost);
  return 0;
}
