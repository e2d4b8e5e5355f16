#include "loa/programme.hpp"

#include <algorithm>

#include "loa/lunar_calendar.hpp"
#include "loa/public_holidays.hpp"

namespace loa {

namespace {

unsigned last_day_of_month(const Date& d) {
  return unsigned{date::year_month_day_last{d.year(), date::month_day_last{d.month()}}.day()};
}

// "1st-mon".."5th-mon" (ordinal 1..5) or "last-mon" (ordinal -1), for the weekday `d` falls on.
bool is_nth_weekday(const Date& d, int ordinal) {
  const unsigned day = unsigned{d.day()};
  if (ordinal == -1) return day + 7 > last_day_of_month(d);
  return ordinal >= 1 && static_cast<int>((day - 1) / 7 + 1) == ordinal;
}

bool weekday_matches(const DayRule& rule, const Date& d) {
  const unsigned wd = date::weekday{date::sys_days{d}}.c_encoding();  // 0 = Sunday
  if ((rule.weekdays >> wd) & 1U) return true;
  return std::any_of(rule.nth_weekdays.begin(), rule.nth_weekdays.end(), [&](const auto& nth) {
    return nth.second == wd && is_nth_weekday(d, nth.first);
  });
}

bool monthday_matches(const DayRule& rule, const Date& d) {
  const int day = static_cast<int>(unsigned{d.day()});
  const bool last = unsigned{d.day()} == last_day_of_month(d);
  return std::any_of(rule.monthdays.begin(), rule.monthdays.end(),
                     [&](int m) { return m == day || (m == -1 && last); });
}

bool lunar_day_matches(const DayRule& rule, const Date& d) {
  const LunarDate l = to_lunar(d);
  const bool last = is_last_lunar_day(d);
  return std::any_of(rule.lunar_days.begin(), rule.lunar_days.end(),
                     [&](int m) { return m == l.day || (m == -1 && last); });
}

bool lunar_date_matches(const DayRule& rule, const Date& d) {
  const LunarDate l = to_lunar(d);
  const bool last = is_last_lunar_day(d);
  return std::any_of(rule.lunar_dates.begin(), rule.lunar_dates.end(), [&](const auto& m) {
    return m.month == l.month && m.leap == l.leap && (m.day == l.day || (m.day == -1 && last));
  });
}

}  // namespace

bool DayRule::matches(const Date& d) const {
  switch (kind) {
    case Kind::weekdays:
      return weekday_matches(*this, d);
    case Kind::dates:
      return std::binary_search(dates.begin(), dates.end(), d);
    case Kind::monthdays:
      return monthday_matches(*this, d);
    case Kind::lunar_days:
      return lunar_day_matches(*this, d);
    case Kind::lunar_dates:
      return lunar_date_matches(*this, d);
  }
  return false;
}

bool Programme::runs_on(const Date& d) const {
  if (valid_from && d < *valid_from) return false;
  if (valid_until && d > *valid_until) return false;
  if (except_holidays && is_public_holiday(d)) return false;
  return !std::binary_search(except.begin(), except.end(), d);
}

const Playlist* Station::playlist(std::string_view id) const {
  const auto it = std::find_if(playlists.begin(), playlists.end(),
                               [&](const Playlist& p) { return p.id == id; });
  return it == playlists.end() ? nullptr : &*it;
}

const Programme* Station::programme(std::string_view id) const {
  const auto it = std::find_if(programmes.begin(), programmes.end(),
                               [&](const Programme& p) { return p.id == id; });
  return it == programmes.end() ? nullptr : &*it;
}

}  // namespace loa
