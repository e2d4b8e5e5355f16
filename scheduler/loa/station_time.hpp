#pragma once

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "loa/values.hpp"

namespace loa {

// An instant, in UTC. Local station times are date::local_time and never mix with this type.
using UtcTime = std::chrono::sys_time<std::chrono::microseconds>;
using Micros = std::chrono::microseconds;

// The instant a local wall-clock time names, by RFC 5545: a time that does not exist that day (in a
// daylight-saving gap) is shifted forward by the length of the gap; a time that occurs twice means
// its first occurrence. Pure.
UtcTime resolve_local(date::local_seconds local, const date::time_zone* zone);

// ISO 8601 with the zone's offset at that instant and milliseconds:
// "2026-12-01T06:00:00.000+07:00".
std::string format_iso(UtcTime t, const date::time_zone* zone);

// The local date at an instant.
Date local_date(UtcTime t, const date::time_zone* zone);

// A time given on the command line: a local date ("2026-12-01", meaning midnight), a local
// date-time
// ("2026-12-01T06:00" or "...T06:00:30"), or either with a UTC offset ("Z", "+07:00", "-0500").
// Local forms resolve in `zone` by resolve_local. Returns nullopt with `why` set when malformed.
std::optional<UtcTime> parse_time_argument(std::string_view text, const date::time_zone* zone,
                                           std::string& why);

}  // namespace loa
