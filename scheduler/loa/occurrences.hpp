#pragma once

#include <cstdint>
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

// One broadcast-to-be of a station: slot `slot` of programme `programme` at `time`.
struct SlotOccurrence {
  UtcTime time;
  std::uint32_t programme;
  std::uint32_t slot;

  auto operator<=>(const SlotOccurrence&) const =
      default;  // NOLINT(modernize-use-nullptr): clang-tidy 14 misreads <=>
};

// Every slot occurrence of every programme of `station` in [from, to), by time (ties in the order
// programmes and slots are written).
std::vector<SlotOccurrence> slot_occurrences(const Station& station, UtcTime from, UtcTime to);

}  // namespace loa
