#include "loa/station_time.hpp"

#include <cstdio>
#include <cstdlib>

namespace loa {

namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// "+07:00", "-03:30", "+00:00"; "+07:06:40" only for the historical offsets that have seconds,
// so the printed local time plus the printed offset always names the exact instant.
std::string format_offset(seconds offset) {
  const char sign = offset < seconds{0} ? '-' : '+';
  const long long s = std::llabs(offset.count());
  char buf[64];
  if (s % 60 == 0) {
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", sign, s / 3600, s / 60 % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld:%02lld", sign, s / 3600, s / 60 % 60, s % 60);
  }
  return buf;
}

const char* const kTimeForms =
    "write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], optionally followed by Z or an offset like "
    "+07:00, for example 2026-12-01T06:00";

// Built by appending: gcc 12 at -O3 warns falsely (-Wrestrict) on "'" + std::string.
std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

// The part after the date: " 06:00" / "T06:00:30" / "T06:00:30.250". Sets `why` on error.
std::optional<Micros> parse_clock(std::string_view text, std::string_view whole, std::string& why) {
  const std::size_t dot = text.find('.');
  const std::string_view hms = text.substr(0, dot);
  std::string inner;
  const auto tod = parse_time_of_day(hms, inner);
  if (!tod) {
    const bool shape_ok =
        (hms.size() == 5 || hms.size() == 8) && parse_digits(hms, 0, 2) && hms[2] == ':';
    why = quoted(whole) + (shape_ok ? " is not a time: hours go 00-23, minutes and seconds 00-59"
                                    : " is not a date or time; " + std::string(kTimeForms));
    return std::nullopt;
  }
  Micros result = *tod;
  if (dot == std::string_view::npos) return result;
  // Fractional seconds, so that a time printed by format_iso can be given back.
  const std::string_view frac = text.substr(dot + 1);
  if (hms.size() != 8 || frac.empty() || frac.size() > 6 || !parse_digits(frac, 0, frac.size())) {
    why = quoted(whole) +
          ": fractions of a second need HH:MM:SS and 1 to 6 digits, as in "
          "06:00:30.250";
    return std::nullopt;
  }
  long long us = *parse_digits(frac, 0, frac.size());
  for (std::size_t i = frac.size(); i < 6; ++i) us *= 10;
  return result + Micros{us};
}

// "Z", "+07:00", "+0700", "-05:00". Sets `why` on error.
std::optional<seconds> parse_offset(std::string_view text, std::string_view whole,
                                    std::string& why) {
  if (text == "Z") return seconds{0};
  const bool colon = text.size() == 6;
  const auto h = parse_digits(text, 1, 2);
  const auto m = parse_digits(text, colon ? 4 : 3, 2);
  if ((text.size() != 5 && !colon) || (text[0] != '+' && text[0] != '-') || !h || !m ||
      (colon && text[3] != ':')) {
    why = quoted(whole) + " has an offset that is not Z, +HH:MM or +HHMM (like +07:00 or -0500)";
    return std::nullopt;
  }
  if (*h > 23 || *m > 59) {
    why = quoted(whole) + " has an offset out of range: hours go 00-23, minutes 00-59";
    return std::nullopt;
  }
  const seconds offset = hours{*h} + minutes{*m};
  return text[0] == '-' ? -offset : offset;
}

}  // namespace

UtcTime resolve_local(date::local_seconds local, const date::time_zone* zone) {
  // For a unique time `first` is the only answer. For a time in a gap, `first` is the period
  // before the gap: reading the time with that older offset lands it the gap's length later, as
  // RFC 5545 asks. For a repeated time, `first` is the earlier period: the first occurrence.
  const date::local_info info = zone->get_info(local);
  return UtcTime{local.time_since_epoch() - info.first.offset};
}

std::string format_iso(UtcTime t, const date::time_zone* zone) {
  const auto ms = date::floor<milliseconds>(t);
  const seconds offset = zone->get_info(date::floor<seconds>(t)).offset;
  const auto local = ms + offset;
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> clock{local - day};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lld", int{ymd.year()},
                unsigned{ymd.month()}, unsigned{ymd.day()},
                static_cast<long long>(clock.hours().count()),
                static_cast<long long>(clock.minutes().count()),
                static_cast<long long>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  std::string out = buf;
  out += format_offset(offset);
  return out;
}

Date local_date(UtcTime t, const date::time_zone* zone) {
  return Date{date::floor<date::days>(zone->to_local(t))};
}

std::optional<UtcTime> parse_time_argument(std::string_view text, const date::time_zone* zone,
                                           std::string& why) {
  // Split DATE [('T'|' ') CLOCK] [OFFSET]; the offset starts at Z, + or a '-' after the date.
  const std::size_t off_at = text.size() > 10 ? text.find_first_of("Z+-", 10) : text.npos;
  const std::string_view offset_text = off_at == text.npos ? "" : text.substr(off_at);
  const std::string_view head = text.substr(0, off_at);

  std::string inner;
  const auto date = parse_date(head.substr(0, 10), inner);
  if (!date) {
    const bool shape_ok = head.size() >= 10 && parse_digits(head, 0, 4) && head[4] == '-' &&
                          parse_digits(head, 5, 2) && head[7] == '-' && parse_digits(head, 8, 2);
    why = quoted(text) + (shape_ok ? " is not a real date; " : " is not a date; ") + kTimeForms;
    return std::nullopt;
  }
  Micros clock{0};
  if (head.size() > 10) {
    if (head[10] != 'T' && head[10] != ' ') {
      why = quoted(text) + " is not a date or time; " + kTimeForms;
      return std::nullopt;
    }
    const auto c = parse_clock(head.substr(11), text, why);
    if (!c) return std::nullopt;
    clock = *c;
  }
  const date::local_days day{*date};
  if (offset_text.empty()) {
    const auto whole = date::floor<seconds>(clock);
    return resolve_local(day + whole, zone) + (clock - whole);
  }
  const auto offset = parse_offset(offset_text, text, why);
  if (!offset) return std::nullopt;
  return UtcTime{day.time_since_epoch() + clock - *offset};
}

}  // namespace loa
