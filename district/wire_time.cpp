#include <cstdio>

#include "loa/district_store.hpp"

namespace loa {

std::string format_wire_time(UtcTime t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto day = std::chrono::floor<date::days>(ms);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::milliseconds> tod{ms - day};
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(tod.hours().count()),
                static_cast<long>(tod.minutes().count()), static_cast<long>(tod.seconds().count()),
                static_cast<long>(tod.subseconds().count()));
  return text;
}

std::optional<UtcTime> parse_wire_time(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|+HH:MM|-HH:MM)
  if (s.size() < 20 || s.size() > 40 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const auto y = parse_digits(s, 0, 4);
  const auto mo = parse_digits(s, 5, 2);
  const auto d = parse_digits(s, 8, 2);
  const auto h = parse_digits(s, 11, 2);
  const auto mi = parse_digits(s, 14, 2);
  const auto se = parse_digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *h > 23 || *mi > 59 || *se > 59) return std::nullopt;
  const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*mo)},
                                 date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  std::size_t i = 19;
  long micros = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (++digits > 6) return std::nullopt;
      micros = micros * 10 + (s[i] - '0');
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (int k = digits; k < 6; ++k) micros *= 10;
  }
  long offset_minutes = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    const auto oh = parse_digits(s, i + 1, 2);
    const auto om = parse_digits(s, i + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const auto t = date::sys_days{ymd} + std::chrono::hours{*h} + std::chrono::minutes{*mi} +
                 std::chrono::seconds{*se} + std::chrono::microseconds{micros} -
                 std::chrono::minutes{offset_minutes};
  return std::chrono::time_point_cast<std::chrono::microseconds>(t);
}

}  // namespace loa
