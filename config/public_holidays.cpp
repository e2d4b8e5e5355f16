#include "loa/public_holidays.hpp"

#include "loa/lunar_calendar.hpp"

namespace loa {

bool is_public_holiday(const Date& d) {
  const unsigned month = unsigned{d.month()};
  const unsigned day = unsigned{d.day()};
  if ((month == 1 && day == 1) || (month == 4 && day == 30) || (month == 5 && day == 1) ||
      (month == 9 && day == 2))
    return true;
  const LunarDate l = to_lunar(d);
  if (l.leap) return false;
  if (l.month == 1 && l.day <= 3) return true;
  if (l.month == 3 && l.day == 10) return true;
  return l.month == 12 && is_last_lunar_day(d);
}

}  // namespace loa
