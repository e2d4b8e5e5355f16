#include "loa/occurrences.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <random>

namespace loa {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using Times = std::vector<UtcTime>;

const date::time_zone* zone(const char* name) {
  return date::locate_zone(name);
}

UtcTime utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return date::sys_days{date::year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s};
}

Date ymd(int y, unsigned m, unsigned d) {
  return date::year{y} / m / d;
}

TimeOfDay hm(int h, int m, int s = 0) {
  return hours{h} + minutes{m} + seconds{s};
}

Slot at(std::initializer_list<TimeOfDay> times) {
  Slot s;
  s.at = times;
  return s;
}

Slot every(Duration step, TimeOfDay from, TimeOfDay to) {
  Slot s;
  s.every = step;
  s.between_from = from;
  s.between_to = to;
  return s;
}

constexpr std::uint8_t kSun = 1, kMon = 2, kTue = 4, kWed = 8, kThu = 16, kFri = 32, kSat = 64;
constexpr std::uint8_t kWeekdays = kMon | kTue | kWed | kThu | kFri;
constexpr std::uint8_t kWeekends = kSat | kSun;

// Every instant of `times` as it reads in UTC, to compare whole lists in one go.
std::vector<std::string> iso(const Times& times) {
  std::vector<std::string> out;
  for (const UtcTime t : times) out.push_back(format_iso(t, zone("Etc/UTC")));
  return out;
}

// --- times of day ------------------------------------------------------------------------------

TEST(Occurrences, AtTimesInAZoneWithoutDaylightSaving) {
  const Programme p;
  const auto* hcm = zone("Asia/Ho_Chi_Minh");
  const Times got =
      occurrences(p, at({hm(6, 0), hm(17, 30)}), hcm, utc(2026, 11, 30, 17), utc(2026, 12, 3, 17));
  EXPECT_EQ(got, (Times{utc(2026, 11, 30, 23), utc(2026, 12, 1, 10, 30), utc(2026, 12, 1, 23),
                        utc(2026, 12, 2, 10, 30), utc(2026, 12, 2, 23), utc(2026, 12, 3, 10, 30)}));
}

TEST(Occurrences, WindowIsHalfOpen) {
  const Programme p;
  const auto* hcm = zone("Asia/Ho_Chi_Minh");
  const Slot s = at({hm(6, 0)});
  EXPECT_EQ(occurrences(p, s, hcm, utc(2026, 11, 30, 23), utc(2026, 12, 1, 23)),
            (Times{utc(2026, 11, 30, 23)}));
  EXPECT_EQ(occurrences(p, s, hcm, utc(2026, 11, 30, 23) + Micros{1}, utc(2026, 12, 1, 23)),
            Times{});
  EXPECT_EQ(occurrences(p, s, hcm, utc(2026, 12, 1), utc(2026, 11, 30)), Times{});
}

TEST(Occurrences, EveryBetweenIncludesBothEnds) {
  const Programme p;
  const auto* utc0 = zone("Etc/UTC");
  EXPECT_EQ(
      iso(occurrences(p, every(minutes{15}, hm(6, 0), hm(7, 0)), utc0, utc(2026, 5, 4),
                      utc(2026, 5, 5))),
      (std::vector<std::string>{"2026-05-04T06:00:00.000+00:00", "2026-05-04T06:15:00.000+00:00",
                                "2026-05-04T06:30:00.000+00:00", "2026-05-04T06:45:00.000+00:00",
                                "2026-05-04T07:00:00.000+00:00"}));
  EXPECT_EQ(occurrences(p, every(minutes{15}, hm(6, 0), hm(6, 59, 59)), utc0, utc(2026, 5, 4),
                        utc(2026, 5, 5))
                .size(),
            4U);
  // The default between (00:00..23:59:59) with every 1h: 24 a day.
  Slot hourly;
  hourly.every = hours{1};
  EXPECT_EQ(occurrences(p, hourly, utc0, utc(2026, 5, 4), utc(2026, 5, 6)).size(), 48U);
  // Sub-second steps are kept exactly.
  EXPECT_EQ(occurrences(p, every(milliseconds{90'500}, hm(6, 0), hm(6, 3)), utc0, utc(2026, 5, 4),
                        utc(2026, 5, 5)),
            (Times{utc(2026, 5, 4, 6), utc(2026, 5, 4, 6, 1, 30) + milliseconds{500}}));
}

TEST(Occurrences, EveryAcrossTheBerlinSpringGap) {
  const Programme p;
  const auto* berlin = zone("Europe/Berlin");
  // 02:00 and 02:30 do not exist: they shift onto 03:00 and 03:30, which air once each.
  const Times got = occurrences(p, every(minutes{30}, hm(1, 0), hm(4, 0)), berlin, utc(2026, 3, 28),
                                utc(2026, 3, 29, 12));
  EXPECT_EQ(iso(got), (std::vector<std::string>{
                          "2026-03-28T00:00:00.000+00:00", "2026-03-28T00:30:00.000+00:00",
                          "2026-03-28T01:00:00.000+00:00", "2026-03-28T01:30:00.000+00:00",
                          "2026-03-28T02:00:00.000+00:00", "2026-03-28T02:30:00.000+00:00",
                          "2026-03-28T03:00:00.000+00:00",  // 28th: CET, 01:00..04:00
                          "2026-03-29T00:00:00.000+00:00", "2026-03-29T00:30:00.000+00:00",
                          "2026-03-29T01:00:00.000+00:00", "2026-03-29T01:30:00.000+00:00",
                          "2026-03-29T02:00:00.000+00:00"}));
}

TEST(Occurrences, EveryAcrossTheBerlinAutumnRepeat) {
  const Programme p;
  const auto* berlin = zone("Europe/Berlin");
  // 02:00 and 02:30 happen twice; each airs once, at its first (CEST) occurrence.
  const Times got = occurrences(p, every(minutes{30}, hm(1, 0), hm(4, 0)), berlin,
                                utc(2026, 10, 24, 12), utc(2026, 10, 25, 12));
  EXPECT_EQ(iso(got), (std::vector<std::string>{
                          "2026-10-24T23:00:00.000+00:00", "2026-10-24T23:30:00.000+00:00",
                          "2026-10-25T00:00:00.000+00:00", "2026-10-25T00:30:00.000+00:00",
                          "2026-10-25T02:00:00.000+00:00", "2026-10-25T02:30:00.000+00:00",
                          "2026-10-25T03:00:00.000+00:00"}));
}

TEST(Occurrences, AtInTheGapAndInTheRepeat) {
  const Programme p;
  const auto* berlin = zone("Europe/Berlin");
  EXPECT_EQ(occurrences(p, at({hm(2, 30)}), berlin, utc(2026, 3, 29), utc(2026, 3, 30)),
            (Times{utc(2026, 3, 29, 1, 30)}));
  EXPECT_EQ(occurrences(p, at({hm(2, 30)}), berlin, utc(2026, 10, 24, 12), utc(2026, 10, 25, 12)),
            (Times{utc(2026, 10, 25, 0, 30)}));
  // 02:30 shifted to 03:30 coincides with a real 03:30: one broadcast.
  EXPECT_EQ(occurrences(p, at({hm(2, 30), hm(3, 30)}), berlin, utc(2026, 3, 29), utc(2026, 3, 30)),
            (Times{utc(2026, 3, 29, 1, 30)}));
  // 02:45 shifted to 03:45 comes after a real 03:15: the list is still ascending.
  EXPECT_EQ(occurrences(p, at({hm(2, 45), hm(3, 15)}), berlin, utc(2026, 3, 29), utc(2026, 3, 30)),
            (Times{utc(2026, 3, 29, 1, 15), utc(2026, 3, 29, 1, 45)}));
}

TEST(Occurrences, NewYorkAndLordHowe) {
  const Programme p;
  const auto* ny = zone("America/New_York");
  EXPECT_EQ(occurrences(p, at({hm(2, 30)}), ny, utc(2026, 3, 7), utc(2026, 3, 10)),
            (Times{utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)}));
  EXPECT_EQ(occurrences(p, at({hm(1, 30)}), ny, utc(2026, 10, 31), utc(2026, 11, 3)),
            (Times{utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)}));
  const auto* lh = zone("Australia/Lord_Howe");
  const Slot s = every(minutes{15}, hm(1, 30), hm(2, 30));
  // 2026-04-05: 01:30..01:59 repeat (first at +11:00); 02:00.. at +10:30.
  EXPECT_EQ(
      iso(occurrences(p, s, lh, utc(2026, 4, 4, 12), utc(2026, 4, 4, 18))),
      (std::vector<std::string>{"2026-04-04T14:30:00.000+00:00", "2026-04-04T14:45:00.000+00:00",
                                "2026-04-04T15:30:00.000+00:00", "2026-04-04T15:45:00.000+00:00",
                                "2026-04-04T16:00:00.000+00:00"}));
  // 2026-10-04: 02:00..02:29 do not exist; 02:00 and 02:15 shift onto 02:30 and 02:45.
  EXPECT_EQ(
      iso(occurrences(p, s, lh, utc(2026, 10, 3, 12), utc(2026, 10, 3, 18))),
      (std::vector<std::string>{"2026-10-03T15:00:00.000+00:00", "2026-10-03T15:15:00.000+00:00",
                                "2026-10-03T15:30:00.000+00:00", "2026-10-03T15:45:00.000+00:00"}));
}

TEST(Occurrences, GapAtMidnightKeepsTheDay) {
  // America/Santiago springs forward at 24:00 on 2026-09-05: 00:00..00:59 of the 6th do not exist.
  const Programme p;
  const auto* santiago = zone("America/Santiago");
  EXPECT_EQ(occurrences(p, at({hm(0, 0), hm(0, 30), hm(1, 0)}), santiago, utc(2026, 9, 6),
                        utc(2026, 9, 7)),
            (Times{utc(2026, 9, 6, 4, 0), utc(2026, 9, 6, 4, 30)}));
}

// --- days --------------------------------------------------------------------------------------

// The local dates at which a 12:00 UTC slot airs in [from, to).
std::vector<Date> days_aired(const Programme& p, DayRule rule, Date from, Date to) {
  Slot s = at({hm(12, 0)});
  s.days = std::move(rule);
  std::vector<Date> out;
  for (const UtcTime t :
       occurrences(p, s, zone("Etc/UTC"), date::sys_days{from}, date::sys_days{to})) {
    out.push_back(Date{date::floor<date::days>(t)});
  }
  return out;
}

DayRule weekdays(std::uint8_t mask, std::vector<std::pair<int, unsigned>> nth = {}) {
  DayRule r;
  r.weekdays = mask;
  r.nth_weekdays = std::move(nth);
  return r;
}

TEST(DayRules, WeekdaysWeekendsAndLists) {
  const Programme p;
  // 2026-12-07 is a Monday.
  EXPECT_EQ(days_aired(p, weekdays(kWeekdays), ymd(2026, 12, 5), ymd(2026, 12, 15)),
            (std::vector<Date>{ymd(2026, 12, 7), ymd(2026, 12, 8), ymd(2026, 12, 9),
                               ymd(2026, 12, 10), ymd(2026, 12, 11), ymd(2026, 12, 14)}));
  EXPECT_EQ(days_aired(p, weekdays(kWeekends), ymd(2026, 12, 5), ymd(2026, 12, 15)),
            (std::vector<Date>{ymd(2026, 12, 5), ymd(2026, 12, 6), ymd(2026, 12, 12),
                               ymd(2026, 12, 13)}));
  EXPECT_EQ(days_aired(p, weekdays(kMon | kWed), ymd(2026, 12, 5), ymd(2026, 12, 15)),
            (std::vector<Date>{ymd(2026, 12, 7), ymd(2026, 12, 9), ymd(2026, 12, 14)}));
  EXPECT_EQ(days_aired(p, DayRule{}, ymd(2026, 12, 5), ymd(2026, 12, 8)),
            (std::vector<Date>{ymd(2026, 12, 5), ymd(2026, 12, 6), ymd(2026, 12, 7)}));
  EXPECT_EQ(days_aired(p, weekdays(0), ymd(2026, 12, 5), ymd(2026, 12, 15)), std::vector<Date>{});
}

TEST(DayRules, LastSundayAndFirstMonday) {
  const Programme p;
  EXPECT_EQ(days_aired(p, weekdays(0, {{-1, 0}}), ymd(2026, 1, 1), ymd(2026, 7, 1)),
            (std::vector<Date>{ymd(2026, 1, 25), ymd(2026, 2, 22), ymd(2026, 3, 29),
                               ymd(2026, 4, 26), ymd(2026, 5, 31), ymd(2026, 6, 28)}));
  EXPECT_EQ(days_aired(p, weekdays(0, {{1, 1}}), ymd(2026, 1, 1), ymd(2026, 7, 1)),
            (std::vector<Date>{ymd(2026, 1, 5), ymd(2026, 2, 2), ymd(2026, 3, 2), ymd(2026, 4, 6),
                               ymd(2026, 5, 4), ymd(2026, 6, 1)}));
  // 5th Friday: only months that have one.
  EXPECT_EQ(days_aired(p, weekdays(0, {{5, 5}}), ymd(2026, 1, 1), ymd(2026, 7, 1)),
            (std::vector<Date>{ymd(2026, 1, 30), ymd(2026, 5, 29)}));
  // Plain days and ordinals together: Wednesdays, and the 1st Monday.
  EXPECT_EQ(days_aired(p, weekdays(kWed, {{1, 1}}), ymd(2026, 6, 1), ymd(2026, 6, 15)),
            (std::vector<Date>{ymd(2026, 6, 1), ymd(2026, 6, 3), ymd(2026, 6, 10)}));
}

DayRule monthdays(std::vector<int> days) {
  DayRule r;
  r.kind = DayRule::Kind::monthdays;
  r.monthdays = std::move(days);
  return r;
}

TEST(DayRules, MonthdaysSkipMissingDaysAndKnowTheLast) {
  const Programme p;
  EXPECT_EQ(days_aired(p, monthdays({31}), ymd(2028, 1, 1), ymd(2028, 7, 1)),
            (std::vector<Date>{ymd(2028, 1, 31), ymd(2028, 3, 31), ymd(2028, 5, 31)}));
  EXPECT_EQ(
      days_aired(p, monthdays({-1}), ymd(2028, 1, 1), ymd(2028, 5, 1)),
      (std::vector<Date>{ymd(2028, 1, 31), ymd(2028, 2, 29), ymd(2028, 3, 31), ymd(2028, 4, 30)}));
  EXPECT_EQ(days_aired(p, monthdays({-1}), ymd(2027, 2, 1), ymd(2027, 3, 1)),
            (std::vector<Date>{ymd(2027, 2, 28)}));
  // 31 and last name the same day in long months: it airs once.
  EXPECT_EQ(
      days_aired(p, monthdays({1, 31, -1}), ymd(2028, 1, 1), ymd(2028, 3, 1)),
      (std::vector<Date>{ymd(2028, 1, 1), ymd(2028, 1, 31), ymd(2028, 2, 1), ymd(2028, 2, 29)}));
  EXPECT_EQ(days_aired(p, monthdays({29}), ymd(2027, 2, 1), ymd(2027, 3, 1)), std::vector<Date>{});
}

DayRule dates(std::vector<Date> list) {
  DayRule r;
  r.kind = DayRule::Kind::dates;
  r.dates = std::move(list);
  return r;
}

TEST(DayRules, Dates) {
  const Programme p;
  const DayRule rule = dates({ymd(2026, 12, 24), ymd(2026, 12, 31), ymd(2027, 1, 1)});
  EXPECT_EQ(days_aired(p, rule, ymd(2026, 12, 1), ymd(2027, 1, 1)),
            (std::vector<Date>{ymd(2026, 12, 24), ymd(2026, 12, 31)}));
  EXPECT_EQ(days_aired(p, rule, ymd(2020, 1, 1), ymd(2030, 1, 1)),
            (std::vector<Date>{ymd(2026, 12, 24), ymd(2026, 12, 31), ymd(2027, 1, 1)}));
  EXPECT_EQ(days_aired(p, dates({}), ymd(2026, 1, 1), ymd(2027, 1, 1)), std::vector<Date>{});
  EXPECT_TRUE(rule.matches(ymd(2026, 12, 31)));
  EXPECT_FALSE(rule.matches(ymd(2026, 12, 30)));
}

TEST(DayRules, ValidWindowAndExceptions) {
  Programme p;
  p.valid_from = ymd(2026, 12, 3);
  p.valid_until = ymd(2026, 12, 6);
  p.except = {ymd(2026, 12, 4), ymd(2026, 12, 5)};
  EXPECT_EQ(days_aired(p, DayRule{}, ymd(2026, 12, 1), ymd(2026, 12, 10)),
            (std::vector<Date>{ymd(2026, 12, 3), ymd(2026, 12, 6)}));
  EXPECT_FALSE(p.runs_on(ymd(2026, 12, 2)));
  EXPECT_TRUE(p.runs_on(ymd(2026, 12, 3)));
  EXPECT_FALSE(p.runs_on(ymd(2026, 12, 4)));
  EXPECT_TRUE(p.runs_on(ymd(2026, 12, 6)));
  EXPECT_FALSE(p.runs_on(ymd(2026, 12, 7)));
  Programme open;
  open.valid_until = ymd(2026, 12, 2);
  EXPECT_TRUE(open.runs_on(ymd(1999, 1, 1)));
  EXPECT_FALSE(open.runs_on(ymd(2026, 12, 3)));
}

TEST(DayRules, ValidityIsInLocalDates) {
  // In Ho Chi Minh City the 3rd begins at 17:00 UTC on the 2nd.
  Programme p;
  p.valid_from = ymd(2026, 12, 3);
  p.valid_until = ymd(2026, 12, 3);
  EXPECT_EQ(occurrences(p, at({hm(0, 0), hm(23, 59)}), zone("Asia/Ho_Chi_Minh"), utc(2026, 12, 1),
                        utc(2026, 12, 5)),
            (Times{utc(2026, 12, 2, 17), utc(2026, 12, 3, 16, 59)}));
}

TEST(Station, FindsByIdOrNull) {
  Station s;
  s.programmes.resize(2);
  s.programmes[0].id = "news";
  s.programmes[1].id = "music";
  s.playlists.resize(1);
  s.playlists[0].id = "jingles";
  EXPECT_EQ(s.programme("music"), &s.programmes[1]);
  EXPECT_EQ(s.programme("sport"), nullptr);
  EXPECT_EQ(s.playlist("jingles"), &s.playlists[0]);
  EXPECT_EQ(s.playlist("news"), nullptr);
}

// --- next_occurrence ---------------------------------------------------------------------------

TEST(NextOccurrence, StrictlyAfter) {
  const Programme p;
  const auto* hcm = zone("Asia/Ho_Chi_Minh");
  const Slot s = at({hm(6, 0), hm(17, 30)});
  EXPECT_EQ(next_occurrence(p, s, hcm, utc(2026, 11, 30, 22)), utc(2026, 11, 30, 23));
  EXPECT_EQ(next_occurrence(p, s, hcm, utc(2026, 11, 30, 23)), utc(2026, 12, 1, 10, 30));
  EXPECT_EQ(next_occurrence(p, s, hcm, utc(2026, 12, 1, 10, 30) - Micros{1}),
            utc(2026, 12, 1, 10, 30));
}

TEST(NextOccurrence, FarAwayAndSparse) {
  const Programme p;
  const auto* berlin = zone("Europe/Berlin");
  Slot s = at({hm(2, 30)});
  s.days = weekdays(0, {{-1, 0}});  // last Sunday: lands on both DST changes
  EXPECT_EQ(next_occurrence(p, s, berlin, utc(2026, 3, 1)), utc(2026, 3, 29, 1, 30));
  EXPECT_EQ(next_occurrence(p, s, berlin, utc(2026, 9, 28)), utc(2026, 10, 25, 0, 30));
  s.days = dates({ymd(2031, 6, 1)});
  EXPECT_EQ(next_occurrence(p, s, berlin, utc(2026, 1, 1)), utc(2031, 6, 1, 0, 30));
}

TEST(NextOccurrence, HorizonBoundsTheSearch) {
  const Programme p;
  const auto* utc0 = zone("Etc/UTC");
  Slot s = at({hm(12, 0)});
  s.days = dates({ymd(2026, 3, 1)});
  EXPECT_EQ(next_occurrence(p, s, utc0, utc(2026, 1, 1), 59), utc(2026, 3, 1, 12));
  EXPECT_EQ(next_occurrence(p, s, utc0, utc(2026, 1, 1), 58), std::nullopt);
  EXPECT_EQ(next_occurrence(p, s, utc0, utc(2026, 1, 1), 0), std::nullopt);
  EXPECT_EQ(next_occurrence(p, s, utc0, utc(2026, 3, 1, 11), 0), utc(2026, 3, 1, 12));
  // A slot that never airs: the search ends at the horizon, and quickly.
  s.days = weekdays(0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(next_occurrence(p, s, zone("Europe/Berlin"), utc(2026, 1, 1)), std::nullopt);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{2});
}

TEST(NextOccurrence, ExpiredOrFinished) {
  Programme p;
  p.valid_until = ymd(2026, 6, 30);
  const auto* berlin = zone("Europe/Berlin");
  const Slot daily = at({hm(6, 0)});
  EXPECT_EQ(next_occurrence(p, daily, berlin, utc(2026, 6, 29, 12)), utc(2026, 6, 30, 4));
  EXPECT_EQ(next_occurrence(p, daily, berlin, utc(2026, 6, 30, 4)), std::nullopt);
  EXPECT_EQ(next_occurrence(p, daily, berlin, utc(2030, 1, 1)), std::nullopt);
  Slot once = at({hm(6, 0)});
  once.days = dates({ymd(2026, 2, 1)});
  EXPECT_EQ(next_occurrence(Programme{}, once, berlin, utc(2026, 2, 1, 5)), std::nullopt);
  // Not yet valid: the search jumps to the first valid day.
  Programme later;
  later.valid_from = ymd(2033, 5, 2);
  EXPECT_EQ(next_occurrence(later, daily, berlin, utc(2026, 1, 1)), utc(2033, 5, 2, 4));
}

// --- speed -------------------------------------------------------------------------------------

TEST(Occurrences, AYearIsFast) {
  const Programme p;
  const auto* berlin = zone("Europe/Berlin");
  const auto start = std::chrono::steady_clock::now();
  const Times twice_daily =
      occurrences(p, at({hm(6, 0), hm(17, 30)}), berlin, utc(2026, 1, 1), utc(2027, 1, 1));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(twice_daily.size(), 730U);
  EXPECT_LT(took, std::chrono::milliseconds{50});  // about 0.1 ms optimised
  Slot minutely;
  minutely.every = minutes{1};
  const Times all = occurrences(p, minutely, berlin, utc(2026, 1, 1), utc(2027, 1, 1));
  EXPECT_EQ(all.size(), 365U * 1440U - 60U);  // the spring gap's hour folds onto 03:00..03:59
}

// --- properties --------------------------------------------------------------------------------

// resolve_local day by day, with nothing clever: what occurrences must agree with.
Times reference_occurrences(const Programme& p, const Slot& s, const date::time_zone* z,
                            UtcTime from, UtcTime to) {
  Times out;
  const date::sys_days first{local_date(from, z)};
  const date::sys_days last{local_date(to, z)};
  for (auto day = first - date::days{2}; day <= last + date::days{2}; day += date::days{1}) {
    const Date d{day};
    if (!p.runs_on(d) || !s.days.matches(d)) continue;
    std::vector<Duration> tods(s.at.begin(), s.at.end());
    if (s.every) {
      for (Duration t = s.between_from; t <= s.between_to; t += *s.every) tods.push_back(t);
    }
    for (const Duration tod : tods) {
      const auto whole = date::floor<seconds>(tod);
      const UtcTime t = resolve_local(date::local_days{d} + whole, z) + (tod - whole);
      if (t >= from && t < to) out.push_back(t);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct Case {
  const char* zone;
  Slot slot;
};

std::vector<Case> property_cases() {
  Slot last_sun = at({hm(0, 30), hm(2, 30), hm(23, 30)});
  last_sun.days = weekdays(kSat, {{-1, 0}, {1, 1}});
  Slot month_ends = every(minutes{20}, hm(1, 50), hm(3, 10));
  month_ends.days = monthdays({1, 15, 31, -1});
  Slot listed = at({hm(0, 0), hm(2, 15)});
  listed.days = dates({ymd(2026, 3, 29), ymd(2026, 4, 5), ymd(2026, 9, 6), ymd(2026, 10, 4),
                       ymd(2026, 10, 25), ymd(2026, 11, 1), ymd(2027, 3, 14)});
  return {
      {"Europe/Berlin", every(minutes{30}, hm(0, 0), hm(23, 59, 59))},
      {"Europe/Berlin", last_sun},
      {"America/New_York", month_ends},
      {"America/New_York", listed},
      {"Australia/Lord_Howe", every(minutes{15}, hm(1, 0), hm(3, 0))},
      {"Australia/Lord_Howe", listed},
      {"America/Santiago", at({hm(0, 0), hm(0, 30), hm(23, 59, 59)})},
      {"Asia/Ho_Chi_Minh", month_ends},
      {"Asia/Kathmandu", every(milliseconds{3'601'500}, hm(0, 0), hm(23, 0))},
  };
}

TEST(OccurrencesProperty, SplitWindowsConcatenate) {
  std::mt19937_64 rng(20261201);
  const UtcTime base = utc(2026, 1, 1);
  std::uniform_int_distribution<long long> minute_in_span(0, 2 * 366 * 1440);
  std::uniform_int_distribution<long long> micros(0, 60'000'000);
  const auto random_time = [&] {
    return base + minutes{minute_in_span(rng)} + Micros{micros(rng)};
  };
  Programme p;
  p.valid_from = ymd(2026, 2, 1);
  p.except = {ymd(2026, 10, 25)};
  for (const Case& c : property_cases()) {
    const auto* z = zone(c.zone);
    for (int i = 0; i < 60; ++i) {
      UtcTime a = random_time();
      UtcTime b = a + hours{std::uniform_int_distribution<int>(1, 24 * 90)(rng)};
      const UtcTime mid = a + (b - a) * std::uniform_int_distribution<int>(0, 100)(rng) / 100;
      const Times whole = occurrences(p, c.slot, z, a, b);
      Times parts = occurrences(p, c.slot, z, a, mid);
      const Times rest = occurrences(p, c.slot, z, mid, b);
      parts.insert(parts.end(), rest.begin(), rest.end());
      ASSERT_EQ(whole, parts) << c.zone << " " << format_iso(a, z) << " " << format_iso(mid, z);
      ASSERT_EQ(whole, reference_occurrences(p, c.slot, z, a, b)) << c.zone;
    }
  }
}

TEST(OccurrencesProperty, NextIsTheFirstOfTheRest) {
  std::mt19937_64 rng(7);
  const UtcTime base = utc(2026, 1, 1);
  std::uniform_int_distribution<long long> minute_in_span(0, 2 * 366 * 1440);
  Programme p;
  p.valid_until = ymd(2027, 6, 30);
  p.except = {ymd(2026, 3, 29)};
  for (const Case& c : property_cases()) {
    const auto* z = zone(c.zone);
    for (int i = 0; i < 60; ++i) {
      const UtcTime t = base + minutes{minute_in_span(rng)} + Micros{rng() % 60'000'000};
      const Times rest = occurrences(p, c.slot, z, t + Micros{1}, utc(2040, 1, 1));
      const auto next = next_occurrence(p, c.slot, z, t);
      if (rest.empty()) {
        EXPECT_EQ(next, std::nullopt) << c.zone << " " << format_iso(t, z);
      } else {
        EXPECT_EQ(next, rest.front()) << c.zone << " " << format_iso(t, z);
      }
      // Exactly at an occurrence: the next one is strictly later.
      if (!rest.empty()) {
        const auto after = next_occurrence(p, c.slot, z, rest.front());
        EXPECT_EQ(after, rest.size() > 1 ? std::optional<UtcTime>{rest[1]} : std::nullopt);
      }
    }
  }
}

}  // namespace
}  // namespace loa
