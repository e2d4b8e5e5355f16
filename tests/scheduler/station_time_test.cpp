#include "loa/station_time.hpp"

#include <gtest/gtest.h>

namespace loa {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const date::time_zone* zone(const char* name) {
  return date::locate_zone(name);
}

// An instant given as its UTC calendar date and clock.
UtcTime utc(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  return date::sys_days{date::year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s};
}

date::local_seconds local(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  return date::local_days{date::year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s};
}

// --- resolve_local ---------------------------------------------------------------------------

TEST(ResolveLocal, ZoneWithoutDaylightSaving) {
  const auto* hcm = zone("Asia/Ho_Chi_Minh");
  EXPECT_EQ(resolve_local(local(2026, 12, 1, 6, 0), hcm), utc(2026, 11, 30, 23, 0));
  EXPECT_EQ(resolve_local(local(2026, 12, 1, 0, 0), hcm), utc(2026, 11, 30, 17, 0));
  EXPECT_EQ(resolve_local(local(2026, 7, 1, 23, 59, 59), hcm), utc(2026, 7, 1, 16, 59, 59));
}

TEST(ResolveLocal, BerlinSpringGapShiftsForwardByTheGap) {
  const auto* berlin = zone("Europe/Berlin");
  // 02:00..02:59:59 do not exist on 2026-03-29; 02:30 airs at 03:30 CEST.
  EXPECT_EQ(resolve_local(local(2026, 3, 29, 1, 59, 59), berlin), utc(2026, 3, 29, 0, 59, 59));
  EXPECT_EQ(resolve_local(local(2026, 3, 29, 2, 0), berlin), utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(resolve_local(local(2026, 3, 29, 2, 30), berlin), utc(2026, 3, 29, 1, 30));
  EXPECT_EQ(resolve_local(local(2026, 3, 29, 2, 59, 59), berlin), utc(2026, 3, 29, 1, 59, 59));
  EXPECT_EQ(resolve_local(local(2026, 3, 29, 3, 0), berlin), utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(resolve_local(local(2026, 3, 29, 3, 30), berlin), utc(2026, 3, 29, 1, 30));
}

TEST(ResolveLocal, BerlinAutumnRepeatTakesTheFirstOccurrence) {
  const auto* berlin = zone("Europe/Berlin");
  // 02:00..02:59:59 happen twice on 2026-10-25: first in CEST (+02:00).
  EXPECT_EQ(resolve_local(local(2026, 10, 25, 1, 59), berlin), utc(2026, 10, 24, 23, 59));
  EXPECT_EQ(resolve_local(local(2026, 10, 25, 2, 0), berlin), utc(2026, 10, 25, 0, 0));
  EXPECT_EQ(resolve_local(local(2026, 10, 25, 2, 30), berlin), utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(resolve_local(local(2026, 10, 25, 3, 0), berlin), utc(2026, 10, 25, 2, 0));
}

TEST(ResolveLocal, NewYork) {
  const auto* ny = zone("America/New_York");
  EXPECT_EQ(resolve_local(local(2026, 1, 15, 6, 0), ny), utc(2026, 1, 15, 11, 0));
  EXPECT_EQ(resolve_local(local(2026, 7, 15, 6, 0), ny), utc(2026, 7, 15, 10, 0));
  // Spring forward 2026-03-08 02:00 EST -> 03:00 EDT.
  EXPECT_EQ(resolve_local(local(2026, 3, 8, 2, 30), ny), utc(2026, 3, 8, 7, 30));
  // Fall back 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 first in EDT.
  EXPECT_EQ(resolve_local(local(2026, 11, 1, 1, 30), ny), utc(2026, 11, 1, 5, 30));
  EXPECT_EQ(resolve_local(local(2026, 11, 1, 2, 0), ny), utc(2026, 11, 1, 7, 0));
}

TEST(ResolveLocal, LordHoweHalfHourShift) {
  const auto* lh = zone("Australia/Lord_Howe");
  // 2026-04-05 02:00 (+11:00) -> 01:30 (+10:30): 01:30..01:59:59 twice, first at +11:00.
  EXPECT_EQ(resolve_local(local(2026, 4, 5, 1, 29), lh), utc(2026, 4, 4, 14, 29));
  EXPECT_EQ(resolve_local(local(2026, 4, 5, 1, 45), lh), utc(2026, 4, 4, 14, 45));
  EXPECT_EQ(resolve_local(local(2026, 4, 5, 2, 0), lh), utc(2026, 4, 4, 15, 30));
  // 2026-10-04 02:00 (+10:30) -> 02:30 (+11:00): 02:15 airs at 02:45.
  EXPECT_EQ(resolve_local(local(2026, 10, 4, 2, 15), lh), utc(2026, 10, 3, 15, 45));
  EXPECT_EQ(resolve_local(local(2026, 10, 4, 2, 45), lh), utc(2026, 10, 3, 15, 45));
  EXPECT_EQ(resolve_local(local(2026, 10, 4, 1, 59), lh), utc(2026, 10, 3, 15, 29));
}

// --- format_iso --------------------------------------------------------------------------------

TEST(FormatIso, Offsets) {
  EXPECT_EQ(format_iso(utc(2026, 11, 30, 23, 0), zone("Asia/Ho_Chi_Minh")),
            "2026-12-01T06:00:00.000+07:00");
  EXPECT_EQ(format_iso(utc(2026, 12, 1, 0, 15), zone("Asia/Kathmandu")),
            "2026-12-01T06:00:00.000+05:45");
  EXPECT_EQ(format_iso(utc(2026, 1, 15, 15, 30), zone("America/St_Johns")),
            "2026-01-15T12:00:00.000-03:30");
  EXPECT_EQ(format_iso(utc(2026, 7, 15, 14, 30), zone("America/St_Johns")),
            "2026-07-15T12:00:00.000-02:30");
  EXPECT_EQ(format_iso(utc(2026, 12, 1, 6, 0), zone("Etc/UTC")), "2026-12-01T06:00:00.000+00:00");
  EXPECT_EQ(format_iso(utc(2026, 3, 29, 1, 30), zone("Europe/Berlin")),
            "2026-03-29T03:30:00.000+02:00");
  // The two 02:30s of the Berlin autumn night differ only in their offsets.
  EXPECT_EQ(format_iso(utc(2026, 10, 25, 0, 30), zone("Europe/Berlin")),
            "2026-10-25T02:30:00.000+02:00");
  EXPECT_EQ(format_iso(utc(2026, 10, 25, 1, 30), zone("Europe/Berlin")),
            "2026-10-25T02:30:00.000+01:00");
}

TEST(FormatIso, MillisecondsTruncateTowardThePast) {
  const auto* hcm = zone("Asia/Ho_Chi_Minh");
  const UtcTime t = utc(2026, 11, 30, 23, 0);
  EXPECT_EQ(format_iso(t + Micros{1999}, hcm), "2026-12-01T06:00:00.001+07:00");
  EXPECT_EQ(format_iso(t + Micros{999'999}, hcm), "2026-12-01T06:00:00.999+07:00");
  EXPECT_EQ(format_iso(t - Micros{1}, hcm), "2026-12-01T05:59:59.999+07:00");
  EXPECT_EQ(format_iso(t + milliseconds{250}, hcm), "2026-12-01T06:00:00.250+07:00");
  // Before 1970 the count is negative: still floor, never round toward zero.
  EXPECT_EQ(format_iso(utc(1970, 1, 1, 0, 0) - Micros{500}, zone("Etc/UTC")),
            "1969-12-31T23:59:59.999+00:00");
}

// --- local_date --------------------------------------------------------------------------------

TEST(LocalDate, FollowsTheZone) {
  const auto* hcm = zone("Asia/Ho_Chi_Minh");
  EXPECT_EQ(local_date(utc(2026, 11, 30, 17, 0), hcm), date::year{2026} / 12 / 1);
  EXPECT_EQ(local_date(utc(2026, 11, 30, 16, 59, 59), hcm), date::year{2026} / 11 / 30);
  const auto* ny = zone("America/New_York");
  EXPECT_EQ(local_date(utc(2026, 12, 1, 4, 59), ny), date::year{2026} / 11 / 30);
  EXPECT_EQ(local_date(utc(2026, 12, 1, 5, 0), ny), date::year{2026} / 12 / 1);
}

// --- parse_time_argument -----------------------------------------------------------------------

UtcTime parse_ok(std::string_view text, const date::time_zone* z) {
  std::string why;
  const auto t = parse_time_argument(text, z, why);
  EXPECT_TRUE(t.has_value()) << text << ": " << why;
  return t.value_or(UtcTime{});
}

std::string parse_error(std::string_view text) {
  std::string why;
  const auto t = parse_time_argument(text, zone("Asia/Ho_Chi_Minh"), why);
  EXPECT_FALSE(t.has_value()) << text;
  EXPECT_FALSE(why.empty()) << text;
  return why;
}

TEST(ParseTimeArgument, LocalForms) {
  const auto* hcm = zone("Asia/Ho_Chi_Minh");
  EXPECT_EQ(parse_ok("2026-12-01", hcm), utc(2026, 11, 30, 17, 0));
  EXPECT_EQ(parse_ok("2026-12-01T06:00", hcm), utc(2026, 11, 30, 23, 0));
  EXPECT_EQ(parse_ok("2026-12-01T06:00:30", hcm), utc(2026, 11, 30, 23, 0, 30));
  EXPECT_EQ(parse_ok("2026-12-01 06:00", hcm), utc(2026, 11, 30, 23, 0));
  EXPECT_EQ(parse_ok("2026-12-01 23:59:59", hcm), utc(2026, 12, 1, 16, 59, 59));
  EXPECT_EQ(parse_ok("2028-02-29", hcm), utc(2028, 2, 28, 17, 0));
}

TEST(ParseTimeArgument, LocalFormsFollowRfc5545) {
  const auto* berlin = zone("Europe/Berlin");
  EXPECT_EQ(parse_ok("2026-03-29T02:30", berlin), utc(2026, 3, 29, 1, 30));
  EXPECT_EQ(parse_ok("2026-10-25T02:30", berlin), utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(parse_ok("2026-07-01", berlin), utc(2026, 6, 30, 22, 0));
}

TEST(ParseTimeArgument, WithOffsets) {
  const auto* hcm = zone("Asia/Ho_Chi_Minh");
  EXPECT_EQ(parse_ok("2026-12-01T06:00Z", hcm), utc(2026, 12, 1, 6, 0));
  EXPECT_EQ(parse_ok("2026-12-01T06:00:30Z", hcm), utc(2026, 12, 1, 6, 0, 30));
  EXPECT_EQ(parse_ok("2026-12-01T06:00+07:00", hcm), utc(2026, 11, 30, 23, 0));
  EXPECT_EQ(parse_ok("2026-12-01T06:00+0700", hcm), utc(2026, 11, 30, 23, 0));
  EXPECT_EQ(parse_ok("2026-12-01T06:00-05:00", hcm), utc(2026, 12, 1, 11, 0));
  EXPECT_EQ(parse_ok("2026-12-01T06:00-0330", hcm), utc(2026, 12, 1, 9, 30));
  EXPECT_EQ(parse_ok("2026-12-01 06:00:30+05:45", hcm), utc(2026, 12, 1, 0, 15, 30));
  EXPECT_EQ(parse_ok("2026-12-01Z", hcm), utc(2026, 12, 1, 0, 0));
  EXPECT_EQ(parse_ok("2026-12-01+07:00", hcm), utc(2026, 11, 30, 17, 0));
  EXPECT_EQ(parse_ok("2026-12-01-05:00", hcm), utc(2026, 12, 1, 5, 0));
}

TEST(ParseTimeArgument, ReadsBackWhatFormatIsoWrites) {
  const auto* z = zone("America/St_Johns");
  const UtcTime t = utc(2026, 7, 15, 14, 30) + milliseconds{250};
  EXPECT_EQ(parse_ok(format_iso(t, z), z), t);
  EXPECT_EQ(parse_ok("2026-12-01T06:00:30.5Z", z), utc(2026, 12, 1, 6, 0, 30) + milliseconds{500});
}

TEST(ParseTimeArgument, RejectsMalformed) {
  EXPECT_EQ(
      parse_error("2026-13-01"),
      "'2026-13-01' is not a real date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], optionally "
      "followed by Z or an offset like +07:00, for example 2026-12-01T06:00");
  EXPECT_NE(parse_error("2026-02-29").find("not a real date"), std::string::npos);
  EXPECT_NE(parse_error("2026-04-31").find("not a real date"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-1").find("is not a date"), std::string::npos);
  EXPECT_NE(parse_error("").find("is not a date"), std::string::npos);
  EXPECT_NE(parse_error("tomorrow").find("write YYYY-MM-DD"), std::string::npos);
  EXPECT_NE(parse_error("2026/12/01").find("is not a date"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T24:00").find("hours go 00-23"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:60").find("minutes and seconds 00-59"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00:60").find("00-59"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T6:00").find("is not a date or time"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06").find("is not a date or time"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T").find("is not a date or time"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01X06:00").find("is not a date or time"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00 ").find("is not a date or time"), std::string::npos);
  EXPECT_NE(parse_error(" 2026-12-01").find("is not a date"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00+7").find("offset"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00+07").find("offset"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00+07:0").find("offset"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00+07-00").find("offset"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00+24:00").find("out of range"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00ZZ").find("offset"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00z").find("is not a date or time"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00.5").find("fractions"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00:00.").find("fractions"), std::string::npos);
  EXPECT_NE(parse_error("2026-12-01T06:00:00.1234567").find("fractions"), std::string::npos);
  EXPECT_NE(parse_error("1969-12-31").find("not a real date"), std::string::npos);
}

}  // namespace
}  // namespace loa
