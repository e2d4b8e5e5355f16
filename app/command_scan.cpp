#include "command_scan.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "commands.hpp"
#include "loa/loudness.hpp"
#include "loa/station_loader.hpp"

namespace loa {

namespace {

namespace fs = std::filesystem;

constexpr unsigned kMaxThreads = 4;  // decoding is I/O and CPU; more rarely helps a small box
constexpr std::size_t kBarWidth = 20;
constexpr std::size_t kMaxShownName = 40;

// What to measure, against what target, with which cache.
struct ScanSetup {
  std::vector<fs::path> clips;
  std::optional<double> target = AudioSettings{}.loudness;
  fs::path cache_file;  // empty: memory only
};

// ---------------------------------------------------------------------------------------------
// Measuring, in parallel, handing results over in input order.

class ParallelScan {
 public:
  ParallelScan(const std::vector<fs::path>& clips, LoudnessCache& cache)
      : clips_(clips), cache_(cache), results_(clips.size()) {}

  // Measures every clip on a few threads. `on_result(i, result)` is called on this thread for clip
  // 0, 1, 2, ... in order, as soon as each is ready; `on_progress(done, latest)` whenever any
  // clip finishes.
  template <class OnResult, class OnProgress>
  void run(OnResult on_result, OnProgress on_progress) {
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < thread_count(); ++t) threads.emplace_back([this] { work(); });
    deliver(on_result, on_progress);
    for (auto& thread : threads) thread.join();
  }

 private:
  unsigned thread_count() const {
    const unsigned cores = std::thread::hardware_concurrency();
    const unsigned wanted = std::clamp(cores, 2U, kMaxThreads);
    return static_cast<unsigned>(std::min<std::size_t>(wanted, clips_.size()));
  }

  void work() {
    for (std::size_t i = next_++; i < clips_.size(); i = next_++) {
      LoudnessResult result = measure(clips_[i]);
      {
        const std::lock_guard lock(mutex_);
        results_[i] = std::move(result);
        ++done_;
        latest_ = i;
      }
      ready_.notify_one();
    }
  }

  // Never throws: a clip that breaks the measurement is that clip's error, not the scan's end.
  LoudnessResult measure(const fs::path& clip) {
    try {
      return cache_.measure(clip);
    } catch (const std::exception& e) {
      return ClipError{std::string("cannot measure: ") + e.what()};
    }
  }

  template <class OnResult, class OnProgress>
  void deliver(OnResult& on_result, OnProgress& on_progress) {
    std::size_t shown = 0;
    std::unique_lock lock(mutex_);
    for (std::size_t printed = 0; printed < clips_.size();) {
      ready_.wait(lock, [&] { return done_ != shown || results_[printed].has_value(); });
      shown = done_;
      const std::size_t latest = latest_;
      while (printed < clips_.size() && results_[printed]) {
        const LoudnessResult result = *results_[printed];
        lock.unlock();  // printing may block on a slow terminal; workers go on
        on_result(printed, result);
        lock.lock();
        ++printed;
      }
      lock.unlock();
      if (printed < clips_.size()) on_progress(shown, latest);
      lock.lock();
    }
  }

  const std::vector<fs::path>& clips_;
  LoudnessCache& cache_;
  std::atomic<std::size_t> next_{0};
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<std::optional<LoudnessResult>> results_;
  std::size_t done_ = 0;
  std::size_t latest_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Output.

// Code points, near enough to terminal columns for names in Vietnamese (precomposed) and English.
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(const std::string& text, std::size_t width) {
  const std::size_t used = display_width(text);
  return used >= width ? text : text + std::string(width - used, ' ');
}

std::string printf_text(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// "0:10.0", "12:03.5", "1:02:03.5": what an operator reads off a player.
std::string length_text(const Loudness& l) {
  const double seconds = static_cast<double>(l.frames) / l.sample_rate;
  const auto tenths = static_cast<long long>(std::llround(seconds * 10));
  const long long s = tenths / 10;
  char text[48];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld.%lld", s / 3600, s / 60 % 60, s % 60,
                  tenths % 10);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld.%lld", s / 60, s % 60, tenths % 10);
  }
  return text;
}

double decibels(float gain) {
  return 20.0 * std::log10(static_cast<double>(gain));
}

// To `digits` decimals, as the nearest double (so JSON shows -8.54, not -8.540000000000001), and
// never -0.
double rounded(double value, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale + 0.0;
}

struct Gain {
  double db = 0;
  bool capped = false;
};

std::optional<Gain> gain_for(const Loudness& l, const std::optional<double>& target) {
  if (!target) return std::nullopt;
  Gain g;
  g.db = decibels(normalization_gain(l, *target, &g.capped));
  return g;
}

bool silent(const Loudness& l) {
  return l.integrated_lufs <= -70.0;
}

std::string text_line(const std::string& path, std::size_t width, const Loudness& l,
                      const std::optional<Gain>& gain) {
  const std::string length = length_text(l);
  std::string line = pad(path, width) + "  " +
                     std::string(9 - std::min<std::size_t>(9, length.size()), ' ') + length;
  line += "  " + printf_text("%6.1f LUFS", l.integrated_lufs);
  line += "  " + printf_text("%6.1f dBTP", l.peak_dbfs);
  if (gain) line += "  " + printf_text("%+5.1f dB", rounded(gain->db, 1));
  if (silent(l)) {
    line += "  silent: no gain";
  } else if (gain && gain->capped) {
    line += "  peak-limited: gain capped at " + printf_text("%+.1f", rounded(gain->db, 1)) +
            " dB so peaks stay under -1 dBFS";
  }
  return line;
}

nlohmann::json json_line(const std::string& path, const Loudness& l,
                         const std::optional<Gain>& gain) {
  return {{"path", path},
          {"length_s", rounded(static_cast<double>(l.frames) / l.sample_rate, 3)},
          {"lufs", rounded(l.integrated_lufs, 2)},
          {"peak_dbfs", rounded(l.peak_dbfs, 2)},
          {"gain_db", gain ? nlohmann::json(rounded(gain->db, 2)) : nlohmann::json(nullptr)},
          {"peak_limited", gain && gain->capped}};
}

// "\r[#####...............] 12/40 clip.wav" on stderr, redrawn in place; only on a terminal, so
// logs and pipes get none of it.
class ProgressBar {
 public:
  explicit ProgressBar(std::size_t total) : on_(::isatty(STDERR_FILENO) == 1), total_(total) {}

  void show(std::size_t done, const fs::path& latest) {
    if (!on_) return;
    const std::size_t filled = total_ == 0 ? kBarWidth : done * kBarWidth / total_;
    std::string name = latest.filename().string();
    if (name.size() > kMaxShownName) name = name.substr(0, kMaxShownName - 3) + "...";
    std::cerr << "\r\033[K[" << std::string(filled, '#') << std::string(kBarWidth - filled, '.')
              << "] " << done << '/' << total_ << ' ' << name << std::flush;
    drawn_ = true;
  }

  // Before anything else is printed: stdout may be the same terminal.
  void clear() {
    if (!drawn_) return;
    std::cerr << "\r\033[K" << std::flush;
    drawn_ = false;
  }

 private:
  bool on_;
  std::size_t total_;
  bool drawn_ = false;
};

// ---------------------------------------------------------------------------------------------
// Setup.

// The station's clips, target and cache; nullopt (after saying why) if it cannot be loaded.
std::optional<ScanSetup> station_setup(const ScanArgs& args) {
  Diagnostics diags;
  Station station = load_station(args.config, diags);
  if (diags.has_errors()) {
    diags.print(std::cerr, language_from_environment());
    std::cerr << "loa scan: the station has errors; fix them (loa check --config "
              << args.config.string() << ") and scan again\n";
    return std::nullopt;
  }
  ScanSetup setup;
  setup.clips = args.paths.empty() ? station.clips : args.paths;
  setup.target = station.settings.audio.loudness;
  setup.cache_file = station.settings.state / "loudness.tsv";
  return setup;
}

std::size_t path_width(const std::vector<fs::path>& clips) {
  std::size_t width = 0;
  for (const auto& clip : clips) width = std::max(width, display_width(clip.string()));
  return width;
}

void print_summary(const ScanSetup& setup, const LoudnessCache& cache, std::size_t failed) {
  const std::size_t total = setup.clips.size();
  std::cerr << total << " clip(s): " << total - failed << " measured (" << cache.hits()
            << " from the cache), " << failed << " failed";
  if (setup.target) {
    std::cerr << "; gains bring each to " << printf_text("%.1f", *setup.target) << " LUFS\n";
  } else {
    std::cerr << "; loudness normalization is off (audio.loudness), so no gains\n";
  }
}

}  // namespace

int run_scan(const ScanArgs& args) {
  if (args.config.empty() && args.paths.empty()) {
    std::cerr << "loa scan: name the clips to measure, or a station with --config\n";
    return kExitUsage;
  }
  ScanSetup setup;
  if (!args.config.empty()) {
    auto loaded = station_setup(args);
    if (!loaded) return kExitInvalid;
    setup = std::move(*loaded);
  } else {
    setup.clips = args.paths;
  }

  LoudnessCache cache(setup.cache_file);
  ProgressBar progress(setup.clips.size());
  const std::size_t width = path_width(setup.clips);
  std::size_t failed = 0;
  ParallelScan scan(setup.clips, cache);
  scan.run(
      [&](std::size_t i, const LoudnessResult& result) {
        progress.clear();
        const std::string path = setup.clips[i].string();
        if (const auto* error = std::get_if<ClipError>(&result)) {
          ++failed;
          if (args.json) {
            std::cout << nlohmann::json{{"path", path}, {"error", error->reason}}.dump() << '\n';
          } else {
            std::cout << path << ": error: " << error->reason << '\n';
          }
        } else {
          const auto& l = std::get<Loudness>(result);
          const auto gain = gain_for(l, setup.target);
          std::cout << (args.json ? json_line(path, l, gain).dump()
                                  : text_line(path, width, l, gain))
                    << '\n';
        }
        std::cout << std::flush;
      },
      [&](std::size_t done, std::size_t latest) { progress.show(done, setup.clips[latest]); });
  progress.clear();

  if (!cache.save()) {
    std::cerr << "loa scan: warning: cannot write the loudness cache " << setup.cache_file.string()
              << "; clips will be measured again next time\n";
  }
  if (setup.clips.empty())
    std::cerr << "loa scan: the station names no clips\n";
  else
    print_summary(setup, cache, failed);
  return failed == 0 ? kExitOk : kExitInvalid;
}

}  // namespace loa
