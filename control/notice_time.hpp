#pragma once
// When a quick notice is to air (private to the control server's files).

#include <optional>
#include <string>
#include <string_view>

#include "loa/station_time.hpp"

namespace loa {

// A minute of the station's wall clock.
struct NoticeTime {
  Date date;
  TimeOfDay time;  // whole minutes
  UtcTime instant;
};

// Reads `at` of POST /api/notice: "HH:MM" (today when that time is still to come, else tomorrow)
// or a local date-time "YYYY-MM-DDTHH:MM" (or with a space). nullopt with `why` in plain words
// when it is malformed, not after `now`, or more than a year ahead. Pure; any thread.
std::optional<NoticeTime> parse_notice_time(std::string_view at, UtcTime now,
                                            const date::time_zone* zone, std::string& why);

}  // namespace loa
