#pragma once

#include <date/date.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "loa/messages.hpp"

namespace loa {

using Duration = std::chrono::milliseconds;
// Seconds since local midnight, 0 .. 86399.
using TimeOfDay = std::chrono::seconds;
using Date = date::year_month_day;

// Each parser returns the value, or nullopt with a plain-words reason in `why` that says what to
// write instead. They are pure and never throw.

// "500ms", "3s", "10m", "2h", "1h30m", "1h 30m". Zero is allowed; negative and unitless are not.
std::optional<Duration> parse_duration(std::string_view text, std::string& why);
std::optional<Duration> parse_duration(std::string_view text, Message& why);
// "06:00" or "06:00:30", 00:00 .. 23:59:59.
std::optional<TimeOfDay> parse_time_of_day(std::string_view text, std::string& why);
std::optional<TimeOfDay> parse_time_of_day(std::string_view text, Message& why);
// "2024-02-10", a real calendar date.
std::optional<Date> parse_date(std::string_view text, std::string& why);
std::optional<Date> parse_date(std::string_view text, Message& why);
// "low" 20, "normal" 50, "high" (or "priority") 80, "emergency" 100, or a number 0..100.
std::optional<int> parse_priority(std::string_view text, std::string& why);
std::optional<int> parse_priority(std::string_view text, Message& why);

// The class the regulations name for a priority: "low", "normal", "high" or "emergency".
std::string_view priority_class(int priority);

// Exactly `n` decimal digits at `pos` of `s` as a number, or nullopt.
std::optional<int> parse_digits(std::string_view s, std::size_t pos, std::size_t n);

std::string format_duration(Duration d);      // "1h30m", "2.5s"
std::string format_time_of_day(TimeOfDay t);  // "06:00" or "06:00:30"
std::string format_date(const Date& d);       // "2024-02-10"

}  // namespace loa
