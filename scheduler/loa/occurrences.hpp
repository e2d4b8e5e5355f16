#pragma once

#include <optional>
#include <vector>

#include "loa/programme.hpp"
#include "loa/station_time.hpp"

namespace loa {

// When a slot's broadcasts are scheduled: a pure function of (programme, slot, zone, window).
// Honours the programme's validity and exceptions, the slot's days/dates/monthdays, `at` times and
// `every`/`between` (inclusive at both ends), with local times resolved by resolve_local (so
// daylight-saving gaps and repeats follow RFC 5545; a repeated time airs once).
//
// Returns the times in [from, to), ascending and without duplicates.
std::vector<UtcTime> occurrences(const Programme& programme, const Slot& slot,
                                 const date::time_zone* zone, UtcTime from, UtcTime to);

// The first scheduled time strictly after `after`, or nullopt when there is none within
// `horizon_days` local days (the safety valve: the search is always bounded).
std::optional<UtcTime> next_occurrence(const Programme& programme, const Slot& slot,
                                       const date::time_zone* zone, UtcTime after,
                                       int horizon_days = 3660);

}  // namespace loa
