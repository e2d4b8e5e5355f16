#include "loa/public_holidays.hpp"

#include <gtest/gtest.h>

namespace loa {
namespace {

Date ymd(int y, unsigned m, unsigned d) {
  return Date{date::year{y}, date::month{m}, date::day{d}};
}

TEST(PublicHolidays, TheSolarOnes) {
  EXPECT_TRUE(is_public_holiday(ymd(2027, 1, 1)));
  EXPECT_TRUE(is_public_holiday(ymd(2027, 4, 30)));
  EXPECT_TRUE(is_public_holiday(ymd(2027, 5, 1)));
  EXPECT_TRUE(is_public_holiday(ymd(2027, 9, 2)));
  EXPECT_FALSE(is_public_holiday(ymd(2027, 1, 2)));
  EXPECT_FALSE(is_public_holiday(ymd(2027, 5, 2)));
  EXPECT_FALSE(is_public_holiday(ymd(2027, 12, 25)));
}

TEST(PublicHolidays, TetFromTheLastDayOfTheYearToMung3) {
  // Tết Đinh Mùi: mùng 1 on 2027-02-06; tháng Chạp of Bính Ngọ has 29 days, its last is 02-05.
  EXPECT_FALSE(is_public_holiday(ymd(2027, 2, 4)));
  EXPECT_TRUE(is_public_holiday(ymd(2027, 2, 5)));
  EXPECT_TRUE(is_public_holiday(ymd(2027, 2, 6)));
  EXPECT_TRUE(is_public_holiday(ymd(2027, 2, 8)));
  EXPECT_FALSE(is_public_holiday(ymd(2027, 2, 9)));  // mùng 4
  // Tết Giáp Thìn (2024-02-10) after a 30-day tháng Chạp: 30 Tết is 02-09, 29 Tết is not.
  EXPECT_FALSE(is_public_holiday(ymd(2024, 2, 8)));
  EXPECT_TRUE(is_public_holiday(ymd(2024, 2, 9)));
}

TEST(PublicHolidays, GioToHungVuongOn10Of3Lunar) {
  EXPECT_TRUE(is_public_holiday(ymd(2026, 4, 26)));
  EXPECT_TRUE(is_public_holiday(ymd(2027, 4, 16)));
  EXPECT_FALSE(is_public_holiday(ymd(2027, 4, 15)));
}

}  // namespace
}  // namespace loa
