#include "loa/air_station.hpp"

#include <map>
#include <mutex>
#include <sstream>
#include <utility>

#include "loa/checked_station.hpp"
#include "loa/house_cache.hpp"
#include "loa/live_sound.hpp"
#include "loa/loudness.hpp"

namespace loa {

namespace {

// The meters of the station's inputs: the same for every load of the station in this process, so
// that a live broadcast opened before a reload still shows its level after it.
std::shared_ptr<const InputLevels> input_levels(const Station& station) {
  static std::mutex mutex;
  static std::map<std::pair<std::filesystem::path, std::string>, std::shared_ptr<InputLevel>> all;
  auto levels = std::make_shared<InputLevels>();
  const std::lock_guard lock(mutex);
  for (const auto& input : station.settings.audio.inputs) {
    auto& level = all[{station.settings.state, input.id}];
    if (!level) level = std::make_shared<InputLevel>();
    levels->emplace(input.id, level);
  }
  return levels;
}

}  // namespace

AirStation make_air_station(std::shared_ptr<Station> station, const ClipLengths& lengths,
                            const std::function<bool(std::size_t)>& playable,
                            bool save_loudness_cache) {
  const int rate = station->settings.audio.sample_rate;
  // Linear gain per clip file (index into Station::clips), bringing each to the station target.
  auto gains = std::make_shared<std::vector<float>>(station->clips.size(), 1.0F);
  if (const auto target = station->settings.audio.loudness) {
    LoudnessCache cache(station->settings.state / "loudness.tsv");
    for (std::size_t i = 0; i < station->clips.size(); ++i) {
      if (!playable(i)) continue;
      const LoudnessResult r = cache.measure(station->clips[i]);
      if (const auto* l = std::get_if<Loudness>(&r)) (*gains)[i] = normalization_gain(*l, *target);
    }
    if (save_loudness_cache) cache.save();
  }
  // Clips decoded and resampled once, on the first render or broadcast that plays them whole;
  // what the others need is loaded now, not in the middle of a broadcast.
  auto house = std::make_shared<const HouseCache>(station->settings.state / "house");
  for (std::size_t i = 0; i < station->clips.size(); ++i) {
    if (playable(i)) house->prepare(station->clips[i], rate);
  }
  // A relay's or input's fallback clips air at their gains; one that cannot play is left out.
  auto can_play = std::make_shared<std::vector<bool>>(station->clips.size());
  for (std::size_t i = 0; i < station->clips.size(); ++i) (*can_play)[i] = playable(i);
  auto levels = input_levels(*station);
  const auto live = [station, gains, house, rate, can_play, levels](
                        const BroadcastItem& item, std::shared_ptr<RelayEvents> events) {
    LiveContext context;
    context.rate = rate;
    context.house = house.get();
    context.events = std::move(events);
    context.input_levels = levels;
    context.gain = [gains, can_play](const PlayItem& clip) -> std::optional<float> {
      if (clip.clip >= can_play->size() || !(*can_play)[clip.clip]) return std::nullopt;
      return (*gains)[clip.clip];
    };
    return open_live(*station, item, context);
  };
  AirStation air;
  air.lengths = clip_table(*station, lengths);
  air.open = [station, gains, house, rate,
              live](const BroadcastItem& item) -> std::unique_ptr<MonoSource> {
    if (item.is_live()) return live(item, nullptr);
    return open_sound(item.sound(), rate, item.clip == nullptr ? 1.0F : (*gains)[item.clip->clip],
                      house.get());
  };
  air.open_live = live;
  air.input_levels = std::move(levels);
  air.station = std::move(station);
  return air;
}

LoadedStation load_air_station(const std::filesystem::path& config) {
  CheckOptions options;
  options.date_warnings = false;
  options.clip_problems_are_errors = false;
  options.command_problems_are_errors = false;
  CheckedStation c = check_station(config, options);
  LoadedStation out;
  std::ostringstream text;
  c.diags.print(text);
  out.diagnostics = text.str();
  out.files = c.station.files;
  if (!c.ok()) return out;

  auto station = std::make_shared<Station>(std::move(c.station));
  const Station& s = *station;
  out.air = make_air_station(
      std::move(station), c.lengths(),
      [&c, &s](std::size_t i) { return c.clip_problem(s.clips[i]).empty(); }, true);
  return out;
}

}  // namespace loa
