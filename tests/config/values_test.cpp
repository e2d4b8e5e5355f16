#include "loa/values.hpp"

#include <gtest/gtest.h>

namespace loa {
namespace {

using std::chrono::milliseconds;

TEST(Duration, AcceptsTheFormsOperatorsWrite) {
  std::string why;
  EXPECT_EQ(parse_duration("500ms", why), milliseconds(500));
  EXPECT_EQ(parse_duration("3s", why), milliseconds(3000));
  EXPECT_EQ(parse_duration("10m", why), milliseconds(600'000));
  EXPECT_EQ(parse_duration("2h", why), milliseconds(7'200'000));
  EXPECT_EQ(parse_duration("1h30m", why), milliseconds(5'400'000));
  EXPECT_EQ(parse_duration("1h 30m", why), milliseconds(5'400'000));
  EXPECT_EQ(parse_duration("0s", why), milliseconds(0));
}

TEST(Duration, RejectsWithAReasonThatSaysWhatToWrite) {
  for (const char* bad : {"-5s", "5", "", "5x", "s", "30m1h", "1.5s", "5 s s", "99999999999h"}) {
    std::string why;
    EXPECT_FALSE(parse_duration(bad, why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
  std::string why;
  parse_duration("-5s", why);
  EXPECT_NE(why.find("negative"), std::string::npos);
  parse_duration("5", why);
  EXPECT_NE(why.find("unit"), std::string::npos);
}

TEST(TimeOfDay, ParsesAndRejects) {
  std::string why;
  EXPECT_EQ(parse_time_of_day("06:00", why), std::chrono::seconds(6 * 3600));
  EXPECT_EQ(parse_time_of_day("23:59:59", why), std::chrono::seconds(86399));
  EXPECT_EQ(parse_time_of_day("00:00", why), std::chrono::seconds(0));
  for (const char* bad :
       {"25:00", "24:00", "6:00", "06:60", "06:00:60", "0600", "06-00", "", "ab:cd"}) {
    EXPECT_FALSE(parse_time_of_day(bad, why)) << bad;
  }
  parse_time_of_day("25:00", why);
  EXPECT_NE(why.find("00-23"), std::string::npos);
}

TEST(Date, ParsesRealCalendarDatesOnly) {
  std::string why;
  EXPECT_EQ(parse_date("2024-02-29", why), Date(date::year{2024}, date::month{2}, date::day{29}));
  for (const char* bad :
       {"2023-02-29", "2024-13-01", "2024-04-31", "2024-1-1", "24-01-01", "2024/01/01", ""}) {
    EXPECT_FALSE(parse_date(bad, why)) << bad;
  }
}

TEST(Priority, NamesMapToTheRegulationsClasses) {
  std::string why;
  EXPECT_EQ(parse_priority("low", why), 20);
  EXPECT_EQ(parse_priority("normal", why), 50);
  EXPECT_EQ(parse_priority("high", why), 80);
  EXPECT_EQ(parse_priority("priority", why), 80);
  EXPECT_EQ(parse_priority("emergency", why), 100);
  EXPECT_EQ(parse_priority("65", why), 65);
  EXPECT_FALSE(parse_priority("101", why));
  EXPECT_FALSE(parse_priority("urgent", why));
  EXPECT_EQ(priority_class(100), "emergency");
  EXPECT_EQ(priority_class(80), "high");
  EXPECT_EQ(priority_class(50), "normal");
  EXPECT_EQ(priority_class(20), "low");
}

TEST(Format, RoundTrips) {
  std::string why;
  for (const char* d : {"500ms", "3s", "10m", "2h", "1h30m"}) {
    EXPECT_EQ(format_duration(*parse_duration(d, why)), d);
  }
  EXPECT_EQ(format_time_of_day(*parse_time_of_day("06:05", why)), "06:05");
  EXPECT_EQ(format_time_of_day(*parse_time_of_day("06:05:09", why)), "06:05:09");
  EXPECT_EQ(format_date(*parse_date("2024-02-10", why)), "2024-02-10");
}

}  // namespace
}  // namespace loa
