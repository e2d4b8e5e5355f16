#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loa/on_air.hpp"

namespace loa {

// A station file loaded for air: validated as `loa check` does (a clip that cannot be played is a
// warning there: its item is skipped and journaled as failed; so is an amplifier program that
// cannot be started: the amplifier is not switched), with every clip's loudness gain
// measured (through the cache in the state folder) so that nothing is decoded twice on air.
struct LoadedStation {
  std::optional<AirStation> air;             // nullopt when the station has errors
  std::string diagnostics;                   // every problem, one "file:line:col: ..." per line
  std::vector<std::filesystem::path> files;  // the station file and its includes, to watch
};

// An AirStation for `station`: item lengths from `lengths`, and every clip `playable` says may
// play measured for its loudness gain (through the cache in the state folder, which is written
// back only if `save_loudness_cache`: one writer at a time). Blocks while it measures; any thread.
AirStation make_air_station(std::shared_ptr<Station> station, const ClipLengths& lengths,
                            const std::function<bool(std::size_t)>& playable,
                            bool save_loudness_cache);

// Blocks while it probes and measures new clips; any thread. Never throws for a bad station
// (the errors are in `diagnostics`); throws std::runtime_error for an unusable state folder.
LoadedStation load_air_station(const std::filesystem::path& config);

}  // namespace loa
