#pragma once

#include <optional>
#include <string>

#include "loa/station_time.hpp"

namespace loa {

struct TimeWindow {
  UtcTime from;
  UtcTime to;
};

// A window as commands and the API take it: local dates or date-times, or with a UTC offset.
// An empty `from` is today's local midnight; an empty `to` is a day after `from`. Returns nullopt
// when they are malformed, reversed or more than five years apart, saying why in `why` (naming
// the arguments `from_name` and `to_name`).
std::optional<TimeWindow> parse_time_window(const std::string& from, const std::string& to,
                                            const date::time_zone* zone, const char* from_name,
                                            const char* to_name, std::string& why);

}  // namespace loa
