// Live levelling (issue 12): how close a relayed hour comes to the station's loudness, and what
// the leveller costs. A programme-like MP3 (speech-like phrases whose level wanders +-5 dB from
// minute to minute, at `--source-lufs`, default -26) is served by loa's test server and relayed
// for `--minutes` (default 60) with `level_to_lufs` -16, read as the air reads it but `--speed`
// times faster (default 30x); then the same relay without levelling, for the CPU difference; then
// the leveller alone on the hour in memory.
//
//   build/release/bench/level_bench [--minutes 60] [--speed 30] [--source-lufs -26]
//
// Prints the integrated loudness of what aired against the target (the error in LU), its true
// peak (libebur128, 4x), the CPU seconds of each relay per hour of audio, and the leveller's own.

#include <ebur128.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loa/live_leveller.hpp"
#include "loa/sound.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/stream_server.hpp"
#include "loa_test/temp_dir.hpp"

namespace {

constexpr int kRate = 48000;
constexpr double kTarget = -16.0;
constexpr double kLoopSeconds = 300.0;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Speech-like phrases (3.3 s of syllables on a gliding pitch, 0.7 s of pause), their level
// wandering by up to +-5 dB each minute.
std::vector<float> programme(double seconds, int rate) {
  std::mt19937 random(42);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<double> level(-5.0, 5.0);
  std::vector<float> x(static_cast<std::size_t>(seconds * rate));
  double phase = 0, db = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i % static_cast<std::size_t>(60 * rate) == 0) db = level(random);
    const double t = static_cast<double>(i) / rate;
    const double pitch = 180 + 60 * std::sin(2 * std::numbers::pi * 0.3 * t);
    phase += 2 * std::numbers::pi * pitch / rate;
    double v = 0;
    for (int h = 1; h <= 8; ++h) v += std::sin(h * phase) / h;
    v += 0.3 * noise(random);
    const double syllable = 0.5 + 0.5 * std::sin(2 * std::numbers::pi * 4 * t);
    x[i] = std::fmod(t, 4.0) < 3.3 ? static_cast<float>(v * syllable * std::pow(10, db / 20)) : 0;
  }
  return x;
}

struct Meter {
  ebur128_state* state = ebur128_init(1, kRate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  ~Meter() { ebur128_destroy(&state); }
  void add(const std::vector<float>& x, std::size_t n) {
    ebur128_add_frames_float(state, x.data(), n);
  }
  double lufs() {
    double l = -HUGE_VAL;
    ebur128_loudness_global(state, &l);
    return l;
  }
  double true_peak_db() {
    double p = 0;
    ebur128_true_peak(state, 0, &p);
    return 20 * std::log10(p);
  }
};

struct Run {
  double cpu = 0;
  double lufs = 0;
  double true_peak = 0;
  int dead_air = 0;
};

Run relay(const std::string& url, double minutes, double speed, bool level) {
  auto events = std::make_shared<loa::RelayEvents>();
  const auto frames = static_cast<std::int64_t>(minutes * 60 * kRate);
  loa::RelaySound sound{url, frames, {}, events};
  sound.settings.jitter = std::chrono::milliseconds(1000);
  if (level) sound.settings.level_to_lufs = kTarget;
  Meter meter;
  const double before = cpu_seconds();
  auto source = loa::open_sound(sound, kRate, 1.0f);
  std::vector<float> block(kRate / 50);
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(0.02 / speed));
  auto next = std::chrono::steady_clock::now();
  while (true) {
    const std::size_t n = source->read(block);
    meter.add(block, n);
    if (n < block.size()) break;
    next += period;
    std::this_thread::sleep_until(next);
  }
  source.reset();
  Run run;
  run.cpu = cpu_seconds() - before;
  run.lufs = meter.lufs();
  run.true_peak = meter.true_peak_db();
  for (const auto& e : events->drain()) {
    run.dead_air += e.kind == loa::RelayEvent::Kind::dead_air_started;
  }
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  double minutes = 60, speed = 30, source_lufs = -26;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--minutes") == 0) minutes = std::stod(argv[i + 1]);
    if (std::strcmp(argv[i], "--speed") == 0) speed = std::stod(argv[i + 1]);
    if (std::strcmp(argv[i], "--source-lufs") == 0) source_lufs = std::stod(argv[i + 1]);
  }
  loa::test::TempDir dir;
  auto loop = programme(kLoopSeconds, 44100);
  {
    ebur128_state* m = ebur128_init(1, 44100, EBUR128_MODE_I);
    ebur128_add_frames_float(m, loop.data(), loop.size());
    double l = 0;
    ebur128_loudness_global(m, &l);
    ebur128_destroy(&m);
    const auto gain = static_cast<float>(std::pow(10.0, (source_lufs - l) / 20));
    for (float& v : loop) v *= gain;
  }
  std::vector<float> stereo(loop.size() * 2);
  for (std::size_t i = 0; i < loop.size(); ++i) stereo[2 * i] = stereo[2 * i + 1] = loop[i];
  const auto wav = dir / "programme.wav";
  const auto mp3 = dir / "programme.mp3";
  loa::test::write_wav(wav, stereo, 44100, 2);
  loa::test::ffmpeg_encode(wav, mp3, "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
  std::ifstream in(mp3, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string stream = bytes.str();

  loa::test::StreamServer server;
  const double bytes_per_second = static_cast<double>(stream.size()) / kLoopSeconds;
  server.live("/tinh.mp3", stream, bytes_per_second * speed,
              static_cast<std::size_t>(bytes_per_second), "audio/mpeg");
  const std::string url = server.url("/tinh.mp3");
  relay(url, 0.05, speed, true);  // FFmpeg's libraries loaded before anything is counted

  const Run levelled = relay(url, minutes, speed, true);
  const Run plain = relay(url, minutes, speed, false);

  // The leveller alone, on the same hour in memory (48 kHz), in 20 ms blocks.
  auto hour = programme(minutes * 60, kRate);
  loa::LiveLeveller leveller(kRate, loa::LevelSettings{});
  const double before = cpu_seconds();
  for (std::size_t at = 0; at < hour.size(); at += 960) {
    leveller.process(
        std::span<float>(hour).subspan(at, std::min<std::size_t>(960, hour.size() - at)));
  }
  const double alone = cpu_seconds() - before;

  // The same length of a loud, clipped source (noise at -4.4 dBFS RMS): the limiter acts on
  // nearly every peak, the hardest case for its cost.
  std::vector<float> loud(hour.size());
  std::mt19937 random(7);
  std::normal_distribution<float> noise(0.0f, 0.6f);
  for (float& sample : loud) sample = std::clamp(noise(random), -1.0f, 1.0f);
  loa::LiveLeveller limiting(kRate, loa::LevelSettings{});
  const double loud_before = cpu_seconds();
  for (std::size_t at = 0; at < loud.size(); at += 960) {
    limiting.process(
        std::span<float>(loud).subspan(at, std::min<std::size_t>(960, loud.size() - at)));
  }
  const double alone_loud = cpu_seconds() - loud_before;

  const double hours = minutes / 60;
  std::printf(
      "live levelling: %.0f min of speech-like MP3 at %.1f LUFS relayed at %.0fx, target %.1f "
      "LUFS\n",
      minutes, source_lufs, speed, kTarget);
  std::printf(
      "  levelled relay    %.2f LUFS integrated: error %+.2f LU; true peak %.2f dBTP; dead air "
      "%d\n",
      levelled.lufs, levelled.lufs - kTarget, levelled.true_peak, levelled.dead_air);
  std::printf(
      "  plain relay       %.2f LUFS integrated (the stream as it comes); true peak %.2f dBTP\n",
      plain.lufs, plain.true_peak);
  std::printf("  CPU per hour      levelled relay %.2f s, plain relay %.2f s (server included)\n",
              levelled.cpu / hours, plain.cpu / hours);
  std::printf("  leveller alone    %.2f s of CPU per hour of audio (%.3f %% of one core)\n",
              alone / hours, 100.0 * alone / (minutes * 60));
  std::printf("  ... on loud noise %.2f s of CPU per hour of audio (limited by up to %.1f dB)\n",
              alone_loud / hours, -limiting.deepest_limit_db());
  return 0;
}
