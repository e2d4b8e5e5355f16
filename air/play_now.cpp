#include "loa/play_now.hpp"

#include <map>
#include <stdexcept>

#include "loa/air_station.hpp"
#include "loa/clip_probe.hpp"

namespace loa {

namespace {

// An empty station with `base`'s settings and its chime (clip 0, its length probed into
// `lengths`), for one ad-hoc programme to be added.
std::shared_ptr<Station> adhoc_base(const Station& base,
                                    std::map<std::filesystem::path, Micros>& lengths) {
  auto station = std::make_shared<Station>();
  station->settings = base.settings;
  if (base.chime) {
    station->chime = *base.chime;
    station->chime->clip = 0;
    station->clips.push_back(base.chime->file);
    const ProbeResult r = probe_clip(base.chime->file);
    if (const auto* info = std::get_if<ClipInfo>(&r)) lengths[base.chime->file] = info->duration();
  }
  return station;
}

AirStation adhoc_air(std::shared_ptr<Station> station,
                     std::map<std::filesystem::path, Micros> lengths) {
  const ClipLengths by_file =
      [lengths = std::move(lengths)](const std::filesystem::path& f) -> std::optional<Micros> {
    const auto it = lengths.find(f);
    if (it == lengths.end()) return std::nullopt;
    return it->second;
  };
  return make_air_station(
      std::move(station), by_file, [](std::size_t) { return true; }, false);
}

}  // namespace

AirStation play_now_station(const Station& base, const std::vector<std::filesystem::path>& clips,
                            const std::vector<std::string>& names, ZoneSet zones, int priority) {
  std::map<std::filesystem::path, Micros> lengths;
  auto station = adhoc_base(base, lengths);

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
  return adhoc_air(std::move(station), std::move(lengths));
}

const CaptureInput* live_input(const StationSettings& settings, std::string_view id) {
  const auto& inputs = settings.audio.inputs;
  if (id.empty()) {
    for (const auto& i : inputs) {
      if (i.id == "mic") return &i;
    }
    return inputs.empty() ? nullptr : &inputs.front();
  }
  for (const auto& i : inputs) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

AirStation live_station(const Station& base, const std::string& input, ZoneSet zones, int priority,
                        Micros max) {
  if (live_input(base.settings, input) == nullptr) {
    throw std::invalid_argument("there is no input '" + input + "' in audio.inputs");
  }
  std::map<std::filesystem::path, Micros> lengths;
  auto station = adhoc_base(base, lengths);
  Programme prog;
  prog.id = std::string(kLiveProgramme);
  prog.priority = priority;
  prog.zones = zones;
  prog.title = "Nói trực tiếp: " + input;
  Slot slot;
  slot.start = priority >= 90 ? StartMode::hard : StartMode::soft;
  slot.late = std::chrono::minutes(10);
  PlayItem item;
  item.kind = PlayItem::Kind::input;
  item.ref = input;
  item.live.length = std::chrono::duration_cast<Duration>(max);
  // Pauses between sentences are not dead air to cover: the fallback is silence, and the voice
  // comes back at once when the speaker goes on.
  item.live.return_now = true;
  slot.play.push_back(std::move(item));
  prog.slots.push_back(std::move(slot));
  station->programmes.push_back(std::move(prog));
  return adhoc_air(std::move(station), std::move(lengths));
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
  AirStation out = base;
  out.station = std::move(station);
  return out;
}

}  // namespace loa
