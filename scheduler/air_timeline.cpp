#include "loa/air_timeline.hpp"

#include <algorithm>

namespace loa {

std::int64_t frame_at(UtcTime t, UtcTime from, int rate) {
  // Exact integer arithmetic, rounding halves up, for times before `from` as well.
  const std::int64_t num = (t - from).count() * rate + 500'000;
  const std::int64_t q = num / 1'000'000;
  return (num % 1'000'000 < 0) ? q - 1 : q;
}

int output_channels(const StationSettings& settings) {
  int highest = 1;
  for (const auto& z : settings.zones) highest = std::max(highest, z.channel);
  return highest;
}

std::uint64_t channel_mask(const StationSettings& settings, ZoneSet zones) {
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < settings.zones.size(); ++i) {
    if (((zones >> i) & 1U) != 0) mask |= std::uint64_t{1} << (settings.zones[i].channel - 1);
  }
  return mask;
}

AirVoices air_voices(const Station& station, const std::vector<PlannedBroadcast>& plan,
                     UtcTime from, UtcTime to, int rate,
                     const std::function<std::unique_ptr<MonoSource>(const BroadcastItem&)>& open) {
  AirVoices out;
  const std::int64_t last = frame_at(to, from, rate);
  const std::int64_t fade = frame_at(from + kCutFade, from, rate);
  for (std::size_t b = 0; b < plan.size(); ++b) {
    const auto& [broadcast, outcome] = plan[b];
    const std::uint64_t mask = channel_mask(station.settings, broadcast.zones);
    for (std::size_t a = 0; a < outcome.aired.size(); ++a) {
      const AiredItem& stretch = outcome.aired[a];
      const BroadcastItem& item = broadcast.items[stretch.item];
      if (item.kind == BroadcastItem::Kind::silence || item.kind == BroadcastItem::Kind::gap)
        continue;
      if (item.unreadable) continue;
      Voice v;
      v.start = frame_at(stretch.start, from, rate);
      v.end = frame_at(stretch.end, from, rate);
      if (v.end <= 0 || v.start >= last || v.end <= v.start) continue;
      v.channels = mask;
      v.fade_out = stretch.cut ? std::min(fade, v.end - v.start) : 0;
      if (v.start < 0) {
        v.skip = -v.start;
        v.start = 0;
      }
      v.open = [open, &item] { return open(item); };
      v.tag = out.voices.size();
      out.voices.push_back(std::move(v));
      out.origins.push_back({b, a});
    }
  }
  return out;
}

}  // namespace loa
