#pragma once

#include <compare>
#include <optional>
#include <string>

#include "loa/values.hpp"

namespace loa {

// A day of the Vietnamese lunar calendar (âm lịch): day 1..30 of month 1..12 of a lunar year,
// `leap` for the leap month (tháng nhuận) that follows the regular month of the same number.
// The lunar year is numbered by the solar year in which its Tết falls.
struct LunarDate {
  int day = 1;
  int month = 1;
  int year = 1900;
  bool leap = false;

  auto operator<=>(const LunarDate&) const = default;
};

// The lunar date of a solar (Gregorian) date in Vietnam. The Vietnamese calendar is reckoned at
// the meridian of UTC+7 since 1968 (before, Vietnam's almanac used China's, UTC+8); the two
// differ in some years (Tết 1985: 21 January in Vietnam, 20 February in China). Pure, never
// throws; meant for years 1900..2100, where it is tested.
LunarDate to_lunar(const Date& solar);

// The solar date of a lunar date in Vietnam, or nullopt when it does not exist: a leap month the
// year does not have, or day 30 of a 29-day month.
std::optional<Date> to_solar(const LunarDate& lunar);

// The same, reckoned at the meridian `utc_offset_hours` east of Greenwich (8 for China's).
LunarDate to_lunar_at(const Date& solar, double utc_offset_hours);
std::optional<Date> to_solar_at(const LunarDate& lunar, double utc_offset_hours);

// True on the last day (29th or 30th) of a lunar month.
bool is_last_lunar_day(const Date& solar);

// "2/1", "15/4n" (leap month): day/month as operators write them in lunar_dates.
std::string format_lunar_day_month(const LunarDate& d);
// The year's name in the sexagenary cycle: "Đinh Mùi" for 2027.
std::string lunar_year_name(int year);

}  // namespace loa
