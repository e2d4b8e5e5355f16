#include "command_render.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "command_support.hpp"
#include "commands.hpp"
#include "loa/air_timeline.hpp"
#include "loa/as_run.hpp"
#include "loa/checked_station.hpp"
#include "loa/house_cache.hpp"
#include "loa/live_sound.hpp"
#include "loa/loudness.hpp"
#include "loa/loudness_pass.hpp"
#include "loa/planner.hpp"
#include "loa/prefetch.hpp"
#include "loa/sink.hpp"
#include "loa/sound.hpp"

namespace loa {

namespace {

// The clip files the plan plays, each once, in the order the plan first reaches them.
// The clips the plan plays, a relay's or input's fallback clips among them (rendered in its place).
std::vector<std::filesystem::path> clips_played(const Station& station,
                                                const std::vector<PlannedBroadcast>& plan) {
  std::vector<std::filesystem::path> files;
  std::set<std::filesystem::path> seen;
  const auto add = [&](const std::filesystem::path& file) {
    if (seen.insert(file).second) files.push_back(file);
  };
  for (const auto& pb : plan) {
    for (const auto& item : pb.broadcast.items) {
      if (item.clip == nullptr || item.unreadable) continue;
      if (!item.is_live()) {
        add(item.clip->file);
        continue;
      }
      for (const auto& c :
           fallback_clips(station, *item.clip, [](const PlayItem&) { return 1.0F; })) {
        add(c.file);
      }
    }
  }
  return files;
}

// Linear gain per clip file, each clip brought to the station's target: measured (or found in the
// loudness cache) on background threads while the render goes on; gain() waits for its clip only.
class LoudnessGains {
 public:
  LoudnessGains(const CheckedStation& c, const std::vector<PlannedBroadcast>& plan)
      : target_(c.station.settings.audio.loudness),
        cache_(c.station.settings.state / "loudness.tsv") {
    if (!target_) return;
    auto files = clips_played(c.station, plan);
    for (std::size_t i = 0; i < files.size(); ++i) index_.emplace(files[i], i);
    pass_.emplace(cache_, std::move(files));
  }
  ~LoudnessGains() {
    pass_.reset();  // waits for the measurements under way
    cache_.save();
  }
  LoudnessGains(const LoudnessGains&) = delete;
  LoudnessGains& operator=(const LoudnessGains&) = delete;

  // Thread-safe (the prefetch workers open the voices).
  float gain(const std::filesystem::path& clip) {
    const auto it = index_.find(clip);
    if (!pass_ || it == index_.end()) return 1.0F;
    const auto* l = std::get_if<Loudness>(&pass_->result(it->second));
    return l != nullptr ? normalization_gain(*l, *target_) : 1.0F;
  }

 private:
  std::optional<double> target_;
  LoudnessCache cache_;
  std::map<std::filesystem::path, std::size_t> index_;
  std::optional<LoudnessPass> pass_;
};

}  // namespace

int run_render(const RenderArgs& args) {
  CheckOptions options;
  options.date_warnings = false;
  options.clip_problems_are_errors = false;
  options.command_problems_are_errors = false;
  CheckedStation c = check_station(args.config, options);
  c.diags.print(std::cerr, language_from_environment());
  if (!c.ok()) {
    std::cerr << "loa render: the station has errors; fix them (loa check --config "
              << args.config.string() << ") and render again\n";
    return kExitInvalid;
  }
  const auto window = parse_time_window(args.from, args.to, c.station.settings.zone, "loa render");
  if (!window) return kExitUsage;
  // A day of 48 kHz audio on a few channels is already gigabytes of WAV; a typo in --to must not
  // fill the disk.
  if (window->to - window->from > std::chrono::hours(24)) {
    std::cerr << "loa render: the window is longer than a day; render a day at a time\n";
    return kExitUsage;
  }

  const int rate = c.station.settings.audio.sample_rate;
  const int channels = output_channels(c.station.settings);
  // Rotating and shuffled playlists go on from where the journal says they stand, as in loa run.
  std::string problem;
  const PlanStart start =
      plan_start(c.station.settings,
                 std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now()), problem);
  if (!problem.empty()) std::cerr << "loa render: note: " << problem << '\n';
  const auto broadcasts =
      plan(c.station, c.lengths(), window->from, window->to, start, PlanWindow::on_air);
  // Declared before the prefetch, which opens voices with its gains: destroyed after it.
  LoudnessGains gains(c, broadcasts);
  // Clips decoded and resampled once, on the first render or broadcast that plays them whole.
  const HouseCache house(c.station.settings.state / "house");
  const auto open = [&](const BroadcastItem& item) -> std::unique_ptr<MonoSource> {
    if (item.is_live()) {
      // A render cannot wait for a live stream: the item's fallback fills its length.
      const ClipGain gain = [&](const PlayItem& clip) -> std::optional<float> {
        if (!c.clip_problem(clip.file).empty()) return std::nullopt;
        return gains.gain(clip.file);
      };
      return open_fallback_fill(fallback_clips(c.station, *item.clip, gain),
                                frames_of(item.length, rate), rate, &house);
    }
    return open_sound(item.sound(), rate, item.clip == nullptr ? 1.0F : gains.gain(item.clip->file),
                      &house);
  };
  AirVoices air = air_voices(c.station, broadcasts, window->from, window->to, rate, open);
  // Decoding and resampling are most of a render: the voices are decoded ahead, in the order they
  // start, on the other cores while this thread mixes and writes.
  std::vector<std::size_t> order(air.voices.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&air](std::size_t a, std::size_t b) {
    return air.voices[a].start < air.voices[b].start;
  });
  std::vector<Prefetcher::Opener> openers;
  for (const std::size_t v : order) openers.push_back(std::move(air.voices[v].open));
  Prefetcher prefetch(std::move(openers), std::max(1U, std::thread::hardware_concurrency()), 3,
                      static_cast<std::size_t>(rate) * 2);
  for (std::size_t k = 0; k < order.size(); ++k) {
    air.voices[order[k]].open = [&prefetch, k] { return prefetch.take(k); };
  }

  constexpr std::size_t kBlock = 4096;
  Mixer mixer(channels, kBlock);
  std::map<std::pair<std::size_t, std::size_t>, std::string> failures;
  mixer.on_failure = [&](std::size_t tag, const std::string& reason) {
    const VoiceOrigin& o = air.origins[tag];
    const auto& pb = broadcasts[o.broadcast];
    const auto& item = pb.broadcast.items[pb.outcome.aired[o.aired].item];
    std::cerr << "loa render: "
              << format_iso(pb.outcome.aired[o.aired].start, c.station.settings.zone) << " clip '"
              << item.path() << "' of " << pb.broadcast.programme->id << " failed: " << reason
              << "; skipped\n";
    failures[{o.broadcast, o.aired}] = reason;
  };
  for (auto& v : air.voices) mixer.add(std::move(v));

  std::unique_ptr<Sink> sink;
  try {
    sink = open_wav_sink(args.out, rate, channels);
  } catch (const std::exception& e) {
    std::cerr << "loa render: " << e.what() << '\n';
    return kExitInvalid;
  }
  const std::int64_t total = frame_at(window->to, window->from, rate);
  std::vector<float> block(kBlock * static_cast<std::size_t>(channels));
  for (std::int64_t done = 0; done < total;) {
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(kBlock, total - done));
    std::span<float> out(block.data(), n * static_cast<std::size_t>(channels));
    mixer.render(out);
    sink->write(out);
    done += static_cast<std::int64_t>(n);
  }
  sink->drain();

  if (!args.as_run.empty()) {
    std::ofstream log(args.as_run);
    if (!log) {
      std::cerr << "loa render: cannot write " << args.as_run.string() << '\n';
      return kExitInvalid;
    }
    write_as_run(log, c.station, broadcasts, window->from, window->to,
                 [&](std::size_t b, std::size_t a) -> std::string {
                   const auto& pb = broadcasts[b];
                   const auto& item = pb.broadcast.items[pb.outcome.aired[a].item];
                   if (item.unreadable) return c.clip_problem(item.clip->file);
                   auto it = failures.find({b, a});
                   return it == failures.end() ? std::string{} : it->second;
                 });
  }
  std::cerr << "loa render: " << args.out.string() << ": " << total << " frames at " << rate
            << " Hz, " << channels << " channel(s), " << broadcasts.size() << " broadcast(s)\n";
  return kExitOk;
}

}  // namespace loa
