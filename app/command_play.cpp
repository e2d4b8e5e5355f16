// `loa play`: a preview for staff on the preview device, with loudness normalisation as on air.
#include "command_play.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>
#include <variant>

#include "commands.hpp"
#include "loa/clip_stream.hpp"
#include "loa/diagnostics.hpp"
#include "loa/loudness.hpp"
#include "loa/portaudio_output.hpp"
#include "loa/station_loader.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kFade = 50ms;
constexpr auto kProgressEvery = 250ms;
constexpr std::size_t kChunk = 1024;  // frames per write: ~21 ms at 48 kHz
constexpr int kBarWidth = 20;

// SIGINT and SIGTERM are blocked in every thread (PortAudio's and JACK's included: they start
// later and inherit the mask) and taken by a thread of its own with sigtimedwait, so no audio
// thread is ever interrupted and no handler runs in one. A second signal ends the process at once.
class SignalWatcher {
 public:
  SignalWatcher() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    thread_ = std::thread([this] { watch(); });
  }
  ~SignalWatcher() {
    done_.store(true);
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // The signal received, or 0.
  int received() const { return signal_.load(); }

 private:
  void watch() {
    const timespec tick{0, 100'000'000};
    while (!done_.load()) {
      const int s = sigtimedwait(&set_, nullptr, &tick);
      if (s <= 0) continue;
      if (signal_.exchange(s) != 0) std::_Exit(128 + s);
    }
  }

  sigset_t set_{};
  sigset_t old_{};
  std::atomic<bool> done_{false};
  std::atomic<int> signal_{0};
  std::thread thread_;
};

// m:ss, or h:mm:ss; with tenths if asked.
std::string clock_text(double seconds, bool tenths = false) {
  seconds = std::max(0.0, seconds);
  const auto tenth = static_cast<long long>(std::floor(seconds * 10));
  const long long s = tenth / 10;
  char buf[48];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  std::string text = buf;
  if (tenths) text += "." + std::to_string(tenth % 10);
  return text;
}

std::string db_text(double db, bool sign = false) {
  char buf[32];
  std::snprintf(buf, sizeof buf, sign ? "%+.1f" : "%.1f", std::abs(db) < 0.05 ? 0.0 : db);
  return buf;
}

void print_progress(double played, double total) {
  const double fraction = total > 0 ? std::clamp(played / total, 0.0, 1.0) : 1.0;
  const int filled = static_cast<int>(std::lround(fraction * kBarWidth));
  std::cerr << "\r  " << clock_text(std::min(played, total)) << " / " << clock_text(total) << "  ["
            << std::string(static_cast<std::size_t>(filled), '#')
            << std::string(static_cast<std::size_t>(kBarWidth - filled), '.') << "]" << std::flush;
}

// What the station says about previewing.
struct PreviewSettings {
  std::string device = "default";
  std::string air;  // audio.output, to stay away from
  int rate = 48000;
  std::optional<double> loudness = -16.0;
  std::filesystem::path clips;           // where the station's clips are
  std::filesystem::path loudness_cache;  // the station's, or empty (measure every time)
};

// A clip as given, or in the station's clips folder.
std::filesystem::path find_clip(const std::filesystem::path& clip, const PreviewSettings& s) {
  std::error_code ec;
  if (std::filesystem::exists(clip, ec) || s.clips.empty() || clip.is_absolute()) return clip;
  const auto in_station = s.clips / clip;
  return std::filesystem::exists(in_station, ec) ? in_station : clip;
}

// "" if `preview` is a different device from the air output `air`, or why not.
std::string same_as_air(const std::string& preview, const std::string& air) {
  if (air.empty() || air == "null" || air.starts_with("wav:")) return {};
  if (preview == air) return "it is the air output (audio.output: " + air + ")";
  std::optional<AudioDevice> p;
  std::optional<AudioDevice> a;
  try {
    p = find_output_device(preview);
    a = find_output_device(air);
  } catch (const std::exception&) {
    return {};  // one of them does not exist: they are not the same
  }
  if (p->index == a->index) {
    return "it is the air output (audio.output: " + air + " is " + a->name + " too)";
  }
  return {};
}

}  // namespace

int run_play(const PlayArgs& args) {
  PreviewSettings settings;
  if (!args.config.empty()) {
    Diagnostics diags;
    Station station = load_station(args.config, diags);
    if (diags.has_errors()) {
      diags.print(std::cerr, language_from_environment());
      std::cerr << "loa play: the station has errors; fix them (loa check --config "
                << args.config.string() << "), or play without --config\n";
      return kExitInvalid;
    }
    const auto& audio = station.settings.audio;
    settings.device = audio.preview;
    settings.air = audio.output;
    settings.rate = audio.sample_rate;
    settings.loudness = audio.loudness;
    settings.clips = station.settings.clips;
    settings.loudness_cache = station.settings.state / "loudness.tsv";
  }
  if (!args.device.empty()) settings.device = args.device;

  // Before any audio thread exists, so that they all inherit the blocked signals.
  SignalWatcher signals;

  if (const std::string why = same_as_air(settings.device, settings.air); !why.empty()) {
    std::cerr << "loa play: will not preview on \"" << settings.device << "\": " << why
              << ". Set audio.preview in the station file to another device, or use --device "
                 "(loa devices lists them).\n";
    return kExitInvalid;
  }

  LoudnessCache cache(settings.loudness_cache);
  std::unique_ptr<PortAudioSink> sink;
  bool failed = false;
  std::vector<float> mono(kChunk);
  std::vector<float> frames;

  for (std::size_t k = 0; k < args.clips.size(); ++k) {
    const auto& given = args.clips[k];
    if (signals.received() != 0) break;
    const std::string name = k < args.names.size() ? args.names[k] : given.string();
    const std::filesystem::path file = find_clip(given, settings);

    const LoudnessResult measured = cache.measure(file);  // reads the whole clip unless cached
    cache.save();
    if (signals.received() != 0) break;
    if (const auto* error = std::get_if<ClipError>(&measured)) {
      std::cerr << "loa play: " << name << ": " << error->reason << '\n';
      failed = true;
      continue;
    }
    const Loudness& l = std::get<Loudness>(measured);
    const bool silent = l.integrated_lufs <= -70.0;
    float gain = 1.0f;
    bool capped = false;
    std::string why_gain;
    if (args.no_normalize) {
      why_gain = "not normalized: --no-normalize";
    } else if (!settings.loudness) {
      why_gain = "not normalized: audio.loudness is off";
    } else if (silent) {
      why_gain = "not normalized: silent";
    } else {
      gain = normalization_gain(l, *settings.loudness, &capped);
      why_gain = "to " + db_text(*settings.loudness) + " LUFS";
      if (capped) why_gain += ", limited by the peak";
    }

    std::unique_ptr<MonoSource> source;
    try {
      source = open_clip_stream(file, settings.rate, gain);
    } catch (const std::exception& e) {
      std::cerr << "loa play: " << name << ": " << e.what() << '\n';
      failed = true;
      continue;
    }

    if (!sink) {
      try {
        const AudioDevice device = find_output_device(settings.device);
        const int channels = std::clamp(device.max_output_channels, 1, 2);
        sink = std::make_unique<PortAudioSink>(settings.device, settings.rate, channels);
      } catch (const std::exception& e) {
        std::cerr << "loa play: " << e.what() << '\n';
        return kExitInvalid;
      }
      const auto& d = sink->device();
      std::cout << "Preview on " << d.name << " (" << d.host_api << "), " << sink->channels()
                << " channel(s), " << settings.rate << " Hz, latency "
                << std::lround(sink->output_latency() * 1000) << " ms\n";
    }

    const double seconds = l.sample_rate > 0 ? static_cast<double>(l.frames) / l.sample_rate : 0.0;
    const double gain_db = 20.0 * std::log10(std::max(gain, 1e-9f));
    std::cout << name << ": " << clock_text(seconds, true) << ", "
              << (silent ? std::string("silent") : db_text(l.integrated_lufs) + " LUFS")
              << ", peak " << db_text(l.peak_dbfs) << " dBFS, gain " << db_text(gain_db, true)
              << " dB (" << why_gain << ")\n"
              << std::flush;

    const int ch = sink->channels();
    const std::uint64_t start = sink->frames_played();
    auto played = [&] {
      return static_cast<double>(sink->frames_played() - start) / settings.rate;
    };
    auto next_progress = Clock::now();
    bool clip_failed = false;
    try {
      for (;;) {
        if (signals.received() != 0) break;
        std::size_t n = 0;
        try {
          n = source->read(mono);
        } catch (const std::exception& e) {
          std::cerr << "\nloa play: " << name << ": " << e.what() << '\n';
          clip_failed = true;
          break;
        }
        frames.resize(n * static_cast<std::size_t>(ch));
        for (std::size_t i = 0; i < n; ++i) {
          std::fill_n(frames.begin() + static_cast<std::ptrdiff_t>(i * ch), ch, mono[i]);
        }
        sink->write(frames);
        if (Clock::now() >= next_progress) {
          print_progress(played(), seconds);
          next_progress = Clock::now() + kProgressEvery;
        }
        if (n < mono.size()) break;
      }
      if (const int s = signals.received(); s != 0) {
        sink->stop(kFade);
        print_progress(played(), seconds);
        std::cerr << '\n';
        std::cout << "stopped\n";
        return 128 + s;
      }
      sink->drain();
    } catch (const std::exception& e) {
      std::cerr << "\nloa play: " << e.what() << '\n';
      return kExitInvalid;
    }
    if (!clip_failed) print_progress(played(), seconds);
    std::cerr << '\n';
    failed = failed || clip_failed;
  }
  if (const int s = signals.received(); s != 0) {
    std::cout << "stopped\n";
    return 128 + s;
  }
  return failed ? kExitInvalid : kExitOk;
}

}  // namespace loa
