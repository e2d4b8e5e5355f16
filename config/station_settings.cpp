#include "loa/station_settings.hpp"

#include <algorithm>

#include "loa/did_you_mean.hpp"
#include "loa/yaml_read.hpp"

namespace loa {

ZoneSet StationSettings::all_zones() const {
  return zones.size() >= 64 ? ~ZoneSet{0} : (ZoneSet{1} << zones.size()) - 1;
}

int StationSettings::zone_index(std::string_view id) const {
  for (std::size_t i = 0; i < zones.size(); ++i) {
    if (zones[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> StationSettings::zone_ids() const {
  std::vector<std::string> ids;
  ids.reserve(zones.size());
  for (const auto& z : zones) ids.push_back(z.id);
  return ids;
}

std::string StationSettings::zone_suggestion(std::string_view typed) const {
  std::vector<NamedId> known;
  known.reserve(zones.size());
  for (const auto& z : zones) known.push_back({z.id, z.name});
  return did_you_mean_id(typed, known);
}

const CaptureInput* StationSettings::input(std::string_view id) const {
  const auto it = std::find_if(audio.inputs.begin(), audio.inputs.end(),
                               [&](const CaptureInput& c) { return c.id == id; });
  return it == audio.inputs.end() ? nullptr : &*it;
}

MessageParam StationSettings::zone_hint(std::string_view typed) const {
  std::vector<NamedId> known;
  known.reserve(zones.size());
  for (const auto& z : zones) known.push_back({z.id, z.name});
  return suggestion_id(typed, known);
}

std::string StationSettings::zone_names(ZoneSet set) const {
  std::string out;
  for (std::size_t i = 0; i < zones.size(); ++i) {
    if ((set >> i) & 1U) out += (out.empty() ? "" : ",") + zones[i].id;
  }
  return out;
}

std::optional<ZoneSet> read_zone_set(const YamlNode& n, const StationSettings& s, Diagnostics& d) {
  if (n.is_scalar() && n.value == "all") return s.all_zones();
  ZoneSet set = 0;
  bool ok = true;
  for (const YamlNode* z : read_list(n, "zones (a list of zone ids, or all)", true, d)) {
    auto id = read_text(*z, "zone", d);
    if (!id) {
      ok = false;
      continue;
    }
    const int i = s.zone_index(*id);
    if (i < 0) {
      d.error(z->pos, {"zone.unknown", {{"zone", *id}, s.zone_hint(*id)}});
      ok = false;
      continue;
    }
    set |= ZoneSet{1} << i;
  }
  if (ok && set == 0) {
    d.error(n.pos, "zone.none_given");
    ok = false;
  }
  return ok ? std::optional<ZoneSet>(set) : std::nullopt;
}

namespace {

std::filesystem::path relative_to(const std::filesystem::path& file, const std::string& p) {
  std::filesystem::path path(p);
  return path.is_absolute() ? path : file.parent_path() / path;
}

const date::time_zone* find_zone(const YamlNode& n, const std::string& name, Diagnostics& d) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    std::vector<std::string> names;
    try {
      for (const auto& z : date::get_tzdb().zones) names.emplace_back(z.name());
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): no database, no suggestion
    }
    d.error(n.pos, {"station.time_zone.unknown", {{"name", name}, suggestion(name, names)}});
    return nullptr;
  }
}

void read_station(const YamlNode& n, StationSettings& s, Diagnostics& d) {
  MapReader r(n, "station",
              {"name", "timezone", "clips", "include", "state", "holidays", "district", "trust",
               "approval"},
              d);
  if (const auto* v = r.get("name")) s.name = read_text(*v, "station name", d).value_or("");
  if (const auto* v = r.get("timezone")) {
    if (auto name = read_text(*v, "timezone", d)) {
      s.timezone = *name;
      s.zone = find_zone(*v, *name, d);
    }
  }
  if (const auto* v = r.get("clips")) {
    if (auto p = read_text(*v, "clips folder", d)) s.clips = relative_to(s.file, *p);
  }
  if (const auto* v = r.get("state")) {
    if (auto p = read_text(*v, "state folder", d)) s.state = relative_to(s.file, *p);
  }
  if (const auto* v = r.get("include")) {
    for (const YamlNode* g : read_list(*v, "include (a list of file patterns)", true, d)) {
      if (auto t = read_text(*g, "include pattern", d)) s.include.emplace_back(*t, g->pos);
    }
  }
  if (const auto* v = r.get("holidays")) {
    for (const YamlNode* h : read_list(*v, "holidays (a list of dates)", true, d)) {
      if (auto day = read_date(*h, "holidays", d)) s.holidays.push_back(*day);
    }
    std::sort(s.holidays.begin(), s.holidays.end());
    s.holidays.erase(std::unique(s.holidays.begin(), s.holidays.end()), s.holidays.end());
  }
  if (const auto* v = r.get("district")) {
    if (auto id = read_text(*v, "district id", d)) {
      s.district = *id;
      s.district_pos = v->pos;
    }
  }
  if (const auto* v = r.get("approval")) {
    if (auto c = read_choice(*v, "approval", {"none", "required"}, d)) {
      s.approval_required = *c == "required";
      s.approval_pos = v->pos;
    }
  }
  if (const auto* v = r.get("trust")) {
    for (const YamlNode* k : read_list(*v, "trust (a list of public key files)", true, d)) {
      if (auto p = read_text(*k, "public key file", d)) {
        s.trust.emplace_back(relative_to(s.file, *p), k->pos);
      }
    }
  }
}

// `audio.inputs: [{id, device, channel}]`.
void read_inputs(const YamlNode& n, std::vector<CaptureInput>& inputs, Diagnostics& d) {
  for (const YamlNode* i : read_list(n, "inputs", false, d)) {
    MapReader r(*i, "input", {"id", "device", "channel"}, d);
    if (!r.ok()) continue;
    CaptureInput input;
    input.pos = i->pos;
    const YamlNode* id = r.require("id");
    if (id != nullptr) input.id = read_id(*id, "input id", d).value_or("");
    if (const auto* v = r.require("device"))
      input.device = read_text(*v, "input device", d).value_or("");
    if (const auto* v = r.get("channel")) {
      input.channel = static_cast<int>(read_integer(*v, "input channel", 1, 64, d).value_or(1));
    }
    if (input.id.empty()) continue;
    const auto first = std::find_if(inputs.begin(), inputs.end(),
                                    [&](const CaptureInput& c) { return c.id == input.id; });
    if (first != inputs.end()) {
      d.error(id->pos, {"input.duplicate", {{"input", input.id}, {"line", first->pos.line}}});
      continue;
    }
    inputs.push_back(std::move(input));
  }
}

void read_audio(const YamlNode& n, StationSettings& s, Diagnostics& d) {
  MapReader r(n, "audio section",
              {"output", "preview", "sample_rate", "loudness", "chime", "speech", "inputs"}, d);
  AudioSettings& a = s.audio;
  // `output: null` unquoted is YAML's null, but the operator means the null output.
  const auto device = [&](std::string_view key, std::string& into) {
    const YamlNode* v = n.is_mapping() ? n.find(key) : nullptr;
    if (v != nullptr && v->is_null()) {
      into = "null";
    } else if (v != nullptr) {
      into = read_text(*v, key, d).value_or(into);
    }
  };
  device("output", a.output);
  device("preview", a.preview);
  if (const auto* v = r.get("speech")) a.speech = read_speech_voice(*v, a.speech, d);
  if (const auto* v = r.get("inputs")) read_inputs(*v, a.inputs, d);
  if (const auto* v = r.get("sample_rate")) {
    a.sample_rate =
        static_cast<int>(read_integer(*v, "sample_rate", 8000, 192000, d).value_or(48000));
  }
  if (const auto* v = r.get("loudness")) {
    if (v->is_scalar() && (v->value == "off" || v->value == "false")) {
      a.loudness.reset();
    } else {
      a.loudness = read_number(*v, "loudness (LUFS, or off)", -70, 0, d);
    }
  }
  if (const auto* v = r.get("chime")) {
    if (auto c = read_text(*v, "chime", d)) {
      a.chime = *c;
      a.chime_pos = v->pos;
      if (*c != "builtin" && *c != "none") a.chime_path = s.clips / *c;  // a chime is a clip
    }
  }
}

void read_zones(const YamlNode& n, StationSettings& s, Diagnostics& d) {
  for (const YamlNode* z : read_list(n, "zones", false, d)) {
    MapReader r(*z, "zone", {"id", "name", "channel"}, d);
    if (!r.ok()) continue;
    Zone zone;
    zone.pos = z->pos;
    const auto* id = r.require("id");
    if (id == nullptr) continue;
    auto ident = read_id(*id, "zone id", d);
    if (!ident) continue;
    zone.id = *ident;
    if (s.zone_index(zone.id) >= 0) {
      d.error(id->pos,
              {"zone.duplicate",
               {{"zone", zone.id},
                {"line", s.zones[static_cast<std::size_t>(s.zone_index(zone.id))].pos.line}}});
      continue;
    }
    if (const auto* v = r.get("name")) zone.name = read_text(*v, "zone name", d).value_or("");
    if (const auto* v = r.require("channel")) {
      const auto channel = read_integer(*v, "channel", 1, 64, d);
      zone.channel = static_cast<int>(channel.value_or(0));
      for (const auto& other : s.zones) {
        if (!channel) break;
        if (other.channel == zone.channel) {
          d.warning(v->pos, {"zone.shares_channel",
                             {{"zone", zone.id}, {"channel", zone.channel}, {"other", other.id}}});
        }
      }
    }
    if (s.zones.size() >= kMaxZones) {
      d.error(z->pos, "zone.too_many");
      break;
    }
    s.zones.push_back(std::move(zone));
  }
}

// An argv list; `pos` becomes where its program (argv[0]) is written.
std::vector<std::string> read_command(const YamlNode& n, std::string_view what, SourcePos& pos,
                                      Diagnostics& d) {
  std::vector<std::string> argv;
  const auto items = read_list(n, what, false, d);
  pos = items.empty() ? n.pos : items.front()->pos;
  for (const YamlNode* a : items) {
    if (auto t = read_text(*a, what, d)) argv.push_back(*t);
  }
  if (n.is_sequence() && argv.empty())
    d.error(n.pos, {"amplifier.command.empty", {{"what", what}}});
  return argv;
}

void read_amplifiers(const YamlNode& n, StationSettings& s, Diagnostics& d) {
  for (const YamlNode* a : read_list(n, "amplifiers", false, d)) {
    MapReader r(*a, "amplifier", {"id", "zones", "on", "off", "warmup", "hold"}, d);
    if (!r.ok()) continue;
    Amplifier amp;
    amp.pos = a->pos;
    if (const auto* v = r.require("id")) amp.id = read_id(*v, "amplifier id", d).value_or("");
    for (const auto& other : s.amplifiers) {
      if (!amp.id.empty() && other.id == amp.id)
        d.error(a->pos, {"amplifier.duplicate", {{"amplifier", amp.id}}});
    }
    if (const auto* v = r.require("zones")) amp.zones = read_zone_set(*v, s, d).value_or(0);
    if (const auto* v = r.get("on"))
      amp.on = read_command(*v, "amplifier 'on' command", amp.on_pos, d);
    if (const auto* v = r.get("off"))
      amp.off = read_command(*v, "amplifier 'off' command", amp.off_pos, d);
    if (const auto* v = r.get("warmup"))
      amp.warmup = read_duration(*v, "warmup", d).value_or(amp.warmup);
    if (const auto* v = r.get("hold")) amp.hold = read_duration(*v, "hold", d).value_or(amp.hold);
    s.amplifiers.push_back(std::move(amp));
  }
}

}  // namespace

StationSettings read_station_settings(const std::filesystem::path& file, const YamlNode* station,
                                      const YamlNode* audio, const YamlNode* zones,
                                      const YamlNode* amplifiers, Diagnostics& diags) {
  StationSettings s;
  s.file = file;
  s.clips = file.parent_path() / "clips";
  s.state = file.parent_path() / "state";
  if (station != nullptr) read_station(*station, s, diags);
  if (s.zone == nullptr && s.timezone.empty()) {
    try {
      s.zone = date::current_zone();
      s.timezone = s.zone->name();
    } catch (const std::exception&) {
      s.zone = date::locate_zone("UTC");
      s.timezone = "UTC";
    }
  }
  if (audio != nullptr) read_audio(*audio, s, diags);
  if (zones != nullptr) read_zones(*zones, s, diags);
  if (s.zones.empty()) {
    diags.error(zones != nullptr
                    ? zones->pos
                    : SourcePos{std::make_shared<const std::string>(file.string()), 0, 0},
                "station.no_zones");
  }
  if (amplifiers != nullptr) read_amplifiers(*amplifiers, s, diags);
  return s;
}

}  // namespace loa
