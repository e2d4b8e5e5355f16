#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "loa/on_air.hpp"

namespace loa {

// An ad-hoc broadcast ("play now") as a one-programme station sharing `base`'s settings and
// chime: the clips in order, on `zones`, at `priority`. An emergency (priority 90 and up) starts
// hard, cutting in at once; others wait for the current item on their zones to end.
// `clips` are files already resolved inside the clips folder; `names` are how the operator named
// them (for the journal). Probes and measures each clip (blocks; any thread but the engine's).
// Throws std::invalid_argument naming the clip when one cannot be played.
AirStation play_now_station(const Station& base, const std::vector<std::filesystem::path>& clips,
                            const std::vector<std::string>& names, ZoneSet zones, int priority);

}  // namespace loa
