#pragma once

#include <filesystem>
#include <string>
#include <string_view>
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

// The programme id of the live broadcast ("speak live"): how the journal, the status and
// DELETE /api/live tell it from other ad-hoc broadcasts.
inline constexpr std::string_view kLiveProgramme = "live";
// The longest a live broadcast may stay open, and how long when not told.
inline constexpr Micros kLiveMaxLimit = std::chrono::hours(4);
inline constexpr Micros kLiveMaxDefault = std::chrono::minutes(30);

// The input a live broadcast opens: `id` of audio.inputs, or when `id` is empty the one named
// `mic`, else the first. Null when there is none such.
const CaptureInput* live_input(const StationSettings& settings, std::string_view id);

// A live broadcast ("speak live") as a one-programme station sharing `base`'s settings and chime:
// the chime, then `input` (an id of audio.inputs) on air for `max`, on `zones`, at `priority`
// (hard from 90, as play_now_station). Its dead air is covered by silence and the voice returns at
// once. Probes the chime (blocks; any thread but the engine's). Throws std::invalid_argument when
// `input` is not in audio.inputs.
AirStation live_station(const Station& base, const std::string& input, ZoneSet zones, int priority,
                        Micros max);

// An on-demand programme of `base` (on_demand: true) as an ad-hoc broadcast: its play list,
// repeat, gap, chime, title, reference and priority, on `zones` (0: the programme's). Journaled
// and reported under the programme's own id. Cheap (no probing: the station's clips were probed
// when it loaded); any thread. Throws std::invalid_argument when `base` has no such programme, or
// it is not on demand.
AirStation on_demand_station(const AirStation& base, std::string_view programme, ZoneSet zones);

}  // namespace loa
