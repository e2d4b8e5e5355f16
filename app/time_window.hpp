#pragma once

#include <optional>
#include <string>

#include "loa/station_time.hpp"

namespace loa {

struct TimeWindow {
  UtcTime from;
  UtcTime to;
};

// --from and --to as the commands take them: local dates or date-times, or with a UTC offset.
// An empty `from` is today's local midnight; an empty `to` is a day after `from`. Prints what is
// wrong (prefixed with `command`) to stderr and returns nullopt when they are malformed, reversed
// or more than five years apart.
std::optional<TimeWindow> parse_time_window(const std::string& from, const std::string& to,
                                            const date::time_zone* zone,
                                            const std::string& command);

// The same, saying what is wrong in `why` (naming the arguments `from_name` and `to_name`).
std::optional<TimeWindow> parse_time_window(const std::string& from, const std::string& to,
                                            const date::time_zone* zone, const char* from_name,
                                            const char* to_name, std::string& why);

}  // namespace loa
