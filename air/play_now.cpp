#include "loa/play_now.hpp"

#include <map>
#include <stdexcept>

#include "loa/air_station.hpp"
#include "loa/clip_probe.hpp"

namespace loa {

AirStation play_now_station(const Station& base, const std::vector<std::filesystem::path>& clips,
                            const std::vector<std::string>& names, ZoneSet zones, int priority) {
  auto station = std::make_shared<Station>();
  station->settings = base.settings;
  std::map<std::filesystem::path, Micros> lengths;
  if (base.chime) {
    station->chime = *base.chime;
    station->chime->clip = 0;
    station->clips.push_back(base.chime->file);
    const ProbeResult r = probe_clip(base.chime->file);
    if (const auto* info = std::get_if<ClipInfo>(&r)) lengths[base.chime->file] = info->duration();
  }

  Programme prog;
  prog.id = "play-now";
  prog.priority = priority;
  prog.zones = zones;
  // The journal's and the report's title: in the station's words, the clips named.
  prog.title = "Phát ngay:";
  Slot slot;
  slot.start = priority >= 90 ? StartMode::hard : StartMode::soft;
  slot.late = std::chrono::minutes(10);
  for (std::size_t i = 0; i < clips.size(); ++i) {
    const ProbeResult r = probe_clip(clips[i]);
    if (const auto* err = std::get_if<ClipError>(&r)) {
      throw std::invalid_argument("clip '" + names.at(i) + "' cannot be played: " + err->reason);
    }
    lengths[clips[i]] = std::get<ClipInfo>(r).duration();
    PlayItem item;
    item.kind = PlayItem::Kind::clip;
    item.ref = names.at(i);
    item.file = clips[i];
    item.clip = static_cast<std::uint32_t>(station->clips.size());
    station->clips.push_back(clips[i]);
    slot.play.push_back(std::move(item));
    prog.title += (i == 0 ? " " : ", ") + names[i];
  }
  prog.slots.push_back(std::move(slot));
  station->programmes.push_back(std::move(prog));

  const ClipLengths by_file = [lengths](const std::filesystem::path& f) -> std::optional<Micros> {
    const auto it = lengths.find(f);
    if (it == lengths.end()) return std::nullopt;
    return it->second;
  };
  return make_air_station(
      std::move(station), by_file, [](std::size_t) { return true; }, false);
}

AirStation on_demand_station(const AirStation& base, std::string_view programme, ZoneSet zones) {
  const Station& s = *base.station;
  const Programme* found = s.programme(programme);
  if (found == nullptr) {
    throw std::invalid_argument("there is no programme '" + std::string(programme) + "'");
  }
  if (!found->on_demand) {
    throw std::invalid_argument("programme '" + found->id +
                                "' is not on demand (it needs on_demand: true and play:)");
  }
  // A copy of the station keeps every clip at its index, so the lengths and the loudness gains
  // measured for the station serve the copy as they are.
  auto station = std::make_shared<Station>(s);
  Programme p = *found;
  p.slots = {*found->on_demand};
  p.on_demand.reset();
  if (zones != 0) p.zones = zones;
  station->programmes = {std::move(p)};
  return AirStation{std::move(station), base.lengths, base.open, base.open_live};
}

}  // namespace loa
