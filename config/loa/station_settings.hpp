#pragma once

#include <date/tz.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "loa/diagnostics.hpp"
#include "loa/speech_settings.hpp"
#include "loa/values.hpp"
#include "loa/yaml_tree.hpp"

namespace loa {

// A set of zones as bits, zone i of the station at bit i. A station has at most 64 zones.
using ZoneSet = std::uint64_t;
inline constexpr std::size_t kMaxZones = 64;

struct Zone {
  std::string id;
  std::string name;
  int channel = 1;  // 1-based output channel of the air sound card
  SourcePos pos;
};

struct Amplifier {
  std::string id;
  ZoneSet zones = 0;
  std::vector<std::string> on;  // argv, run without a shell
  std::vector<std::string> off;
  SourcePos on_pos;  // where each command's program (argv[0]) is written
  SourcePos off_pos;
  Duration warmup{0};
  Duration hold{std::chrono::minutes(10)};  // stay on if the next broadcast is this close
  SourcePos pos;
};

// A capture device of `audio.inputs`, for line-in (an FM tuner, a mixing desk) or a microphone,
// aired by `{input: ID, ...}` items.
struct CaptureInput {
  std::string id;
  std::string device;  // a PortAudio device name
  int channel = 1;     // 1-based channel of that device
  SourcePos pos;
};

struct AudioSettings {
  std::string output = "default";  // PortAudio device name, "wav:PATH" or "null"
  std::string preview = "default";
  int sample_rate = 48000;
  std::optional<double> loudness = -16.0;  // LUFS target; nullopt is "off"
  // "builtin", "none", or a clip path (relative to station.clips).
  std::string chime = "builtin";
  std::filesystem::path chime_path;
  SourcePos chime_pos;
  SpeechVoice speech;  // how `say:` items are spoken, unless a programme says otherwise
  std::vector<CaptureInput> inputs;  // `audio.inputs`, ids unique
};

struct StationSettings {
  std::string name;
  std::string timezone;  // IANA name
  const date::time_zone* zone = nullptr;
  std::filesystem::path file;   // the station file
  std::filesystem::path clips;  // clips folder (absolute or relative to the working folder)
  std::filesystem::path state;  // journal and caches
  std::vector<std::pair<std::string, SourcePos>> include;  // globs, relative to the station file
  AudioSettings audio;
  std::vector<Zone> zones;
  std::vector<Amplifier> amplifiers;
  // `station.holidays`: the station's own days off, beside the built-in public holidays
  // (is_public_holiday), skipped by programmes with `except: holidays`. Sorted, unique.
  std::vector<Date> holidays;
  // `station.district`: the district whose signed campaigns this station airs (issue 13), and
  // `station.trust`: the public key files (`loa key new`) whose signatures it accepts.
  std::string district;
  SourcePos district_pos;
  std::vector<std::pair<std::filesystem::path, SourcePos>> trust;
  // `station.approval: required`: an included programme file airs only while it is signed by a
  // key in `trust` (`loa approve`); `none` (the default): programme files air as written.
  bool approval_required = false;
  SourcePos approval_pos;

  ZoneSet all_zones() const;
  // Index of the zone with this id, or -1.
  int zone_index(std::string_view id) const;
  std::vector<std::string> zone_ids() const;
  // For a zone id not found: " (did you mean 'cho' (Chợ)?)" when `typed` is a zone's name, or its
  // id with accents, or close to either; else "".
  std::string zone_suggestion(std::string_view typed) const;
  MessageParam zone_hint(std::string_view typed) const;  // the same, as a message param
  // The zone ids of a set, comma separated: "ap-1,ap-2".
  std::string zone_names(ZoneSet set) const;
  // The capture input with this id, or nullptr.
  const CaptureInput* input(std::string_view id) const;
};

// Reads the `station`, `audio`, `zones` and `amplifiers` sections of the station file (any may be
// absent: nullptr). `file` is the station file's path, against which relative paths resolve.
StationSettings read_station_settings(const std::filesystem::path& file, const YamlNode* station,
                                      const YamlNode* audio, const YamlNode* zones,
                                      const YamlNode* amplifiers, Diagnostics& diags);

// Reads a list of zone ids or `all`. Unknown ids are errors with a suggestion.
std::optional<ZoneSet> read_zone_set(const YamlNode& n, const StationSettings& s, Diagnostics& d);

}  // namespace loa
