// The Vietnamese lunar calendar by the astronomical rules it is defined by: a month begins on the
// day (at UTC+7) of a new moon; the month containing the winter solstice is month 11; a year with
// 13 months between two months 11 makes the first month without a major solar term (trung khí)
// its leap month. Follows the method Hồ Ngọc Đức published ("Âm lịch Việt Nam",
// informatik.uni-leipzig.de/~duc/amlich/), with new moons and the sun's longitude from Jean
// Meeus, "Astronomical Algorithms". Written here because Debian packages no library that computes
// the Vietnamese (rather than the Chinese) calendar; tests compare it with Hồ Ngọc Đức's published
// table of every month from 1900 to 2100.
#include "loa/lunar_calendar.hpp"

#include <array>
#include <cmath>
#include <numbers>

namespace loa {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kRad = kPi / 180.0;
constexpr double kSynodicMonth = 29.530588853;
constexpr double kNewMoonEpoch = 2415021.076998695;  // the new moon of 1 January 1900
constexpr long kUnixEpochJdn = 2440588;              // Julian day number of 1970-01-01

long julian_day(const Date& d) {
  return date::sys_days{d}.time_since_epoch().count() + kUnixEpochJdn;
}

Date from_julian_day(long jdn) {
  return Date{date::sys_days{date::days{jdn - kUnixEpochJdn}}};
}

// ΔT = TT - UT in days, for the year `y` (Espenak and Meeus's polynomials, 1860..2150).
double delta_t_days(double y) {
  double s = 0;
  if (y < 1900) {
    const double t = y - 1860;
    s = 7.62 + 0.5737 * t - 0.251754 * t * t + 0.01680668 * t * t * t -
        0.0004473624 * t * t * t * t + t * t * t * t * t / 233174;
  } else if (y < 1920) {
    const double t = y - 1900;
    s = -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * t * t * t - 0.000197 * t * t * t * t;
  } else if (y < 1941) {
    const double t = y - 1920;
    s = 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * t * t * t;
  } else if (y < 1961) {
    const double t = y - 1950;
    s = 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547;
  } else if (y < 1986) {
    const double t = y - 1975;
    s = 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718;
  } else if (y < 2005) {
    const double t = y - 2000;
    s = 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * t * t * t +
        0.000651814 * t * t * t * t + 0.00002373599 * t * t * t * t * t;
  } else if (y < 2050) {
    const double t = y - 2000;
    s = 62.92 + 0.32217 * t + 0.005589 * t * t;
  } else {
    const double u = (y - 1820) / 100;
    s = -20 + 32 * u * u - 0.5628 * (2150 - y);
  }
  return s / 86400;
}

// The Julian day (UT) of the k-th new moon after 1 January 1900: Meeus, "Astronomical
// Algorithms", chapter 49 (periodic and planetary terms), accurate to a minute or so, which
// decides the day of new moons close to midnight.
double new_moon(long k1900) {
  const double k = static_cast<double>(k1900 - 1237);  // Meeus counts from 6 January 2000
  const double t = k / 1236.85;
  const double t2 = t * t;
  const double t3 = t2 * t;
  const double t4 = t3 * t;
  const double jde =
      2451550.09766 + 29.530588861 * k + 0.00015437 * t2 - 0.000000150 * t3 + 0.00000000073 * t4;
  const double e = 1 - 0.002516 * t - 0.0000074 * t2;
  const double m = (2.5534 + 29.10535670 * k - 0.0000014 * t2 - 0.00000011 * t3) * kRad;
  const double mp =
      (201.5643 + 385.81693528 * k + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4) * kRad;
  const double f =
      (160.7108 + 390.67050284 * k - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4) * kRad;
  const double om = (124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3) * kRad;
  using std::sin;
  double c = -0.40720 * sin(mp) + 0.17241 * e * sin(m) + 0.01608 * sin(2 * mp) +
             0.01039 * sin(2 * f) + 0.00739 * e * sin(mp - m) - 0.00514 * e * sin(mp + m) +
             0.00208 * e * e * sin(2 * m) - 0.00111 * sin(mp - 2 * f) - 0.00057 * sin(mp + 2 * f) +
             0.00056 * e * sin(2 * mp + m) - 0.00042 * sin(3 * mp) + 0.00042 * e * sin(m + 2 * f) +
             0.00038 * e * sin(m - 2 * f) - 0.00024 * e * sin(2 * mp - m) - 0.00017 * sin(om) -
             0.00007 * sin(mp + 2 * m) + 0.00004 * sin(2 * mp - 2 * f) + 0.00004 * sin(3 * m) +
             0.00003 * sin(mp + m - 2 * f) + 0.00003 * sin(2 * mp + 2 * f) -
             0.00003 * sin(mp + m + 2 * f) + 0.00003 * sin(mp - m + 2 * f) -
             0.00002 * sin(mp - m - 2 * f) - 0.00002 * sin(3 * mp + m) + 0.00002 * sin(4 * mp);
  static constexpr std::array<std::array<double, 3>, 14> kPlanetary = {{
      {299.77, 0.107408, 0.000325},
      {251.88, 0.016321, 0.000165},
      {251.83, 26.651886, 0.000164},
      {349.42, 36.412478, 0.000126},
      {84.66, 18.206239, 0.000110},
      {141.74, 53.303771, 0.000062},
      {207.14, 2.453732, 0.000060},
      {154.84, 7.306860, 0.000056},
      {34.52, 27.261239, 0.000047},
      {207.19, 0.121824, 0.000042},
      {291.34, 1.844379, 0.000040},
      {161.72, 24.198154, 0.000037},
      {239.56, 25.513099, 0.000035},
      {331.55, 3.592518, 0.000023},
  }};
  for (std::size_t i = 0; i < kPlanetary.size(); ++i) {
    const auto& [a0, rate, amplitude] = kPlanetary[i];
    const double a = a0 + rate * k - (i == 0 ? 0.009173 * t2 : 0.0);
    c += amplitude * sin(a * kRad);
  }
  const double jd = jde + c;
  return jd - delta_t_days(2000 + (jd - 2451545.0) / 365.25);
}

// The sun's apparent longitude, in radians 0..2π, at Julian day `jd`.
double sun_longitude(double jd) {
  const double t = (jd - 2451545.0) / 36525;
  const double t2 = t * t;
  const double m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  double dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * std::sin(kRad * m);
  dl += (0.019993 - 0.000101 * t) * std::sin(kRad * 2 * m) + 0.000290 * std::sin(kRad * 3 * m);
  const double l = (l0 + dl) * kRad;
  return l - 2 * kPi * std::floor(l / (2 * kPi));
}

// The local day (Julian day number) of the k-th new moon, at the meridian `tz` hours east.
long new_moon_day(long k, double tz) {
  return static_cast<long>(std::floor(new_moon(k) + 0.5 + tz / 24));
}

// Which 30° sector (0..11) the sun is in at the start of local day `jdn`: sector 9 begins at
// the winter solstice; a month with no change of sector has no major solar term.
int sun_sector(long jdn, double tz) {
  return static_cast<int>(
      std::floor(sun_longitude(static_cast<double>(jdn) - 0.5 - tz / 24) / kPi * 6));
}

long new_moon_index(long jdn) {
  return static_cast<long>(std::floor((static_cast<double>(jdn) - kNewMoonEpoch) / kSynodicMonth));
}

// The first day of lunar month 11 (the month of the winter solstice) of solar year `year`.
long month_11_start(int year, double tz) {
  const long dec31 = julian_day(Date{date::year{year}, date::December, date::day{31}});
  const long k =
      static_cast<long>(std::floor(static_cast<double>(dec31 - 2415021) / kSynodicMonth));
  const long start = new_moon_day(k, tz);
  return sun_sector(start, tz) >= 9 ? new_moon_day(k - 1, tz) : start;
}

// In a 13-month year beginning with month 11 at `a11`: how many months after it the leap month
// (the first without a major solar term) comes.
int leap_month_offset(long a11, double tz) {
  const long k = static_cast<long>(
      std::floor((static_cast<double>(a11) - kNewMoonEpoch) / kSynodicMonth + 0.5));
  int i = 1;
  int arc = sun_sector(new_moon_day(k + i, tz), tz);
  int last = 0;
  do {
    last = arc;
    ++i;
    arc = sun_sector(new_moon_day(k + i, tz), tz);
  } while (arc != last && i < 14);
  return i - 1;
}

// The meridian (hours east of Greenwich) Vietnam's almanac was reckoned at: UTC+7 since 1968,
// China's UTC+8 before.
double meridian_for(date::year year) {
  return year >= date::year{1968} ? 7 : 8;
}

}  // namespace

LunarDate to_lunar(const Date& solar) {
  return to_lunar_at(solar, meridian_for(solar.year()));
}

std::optional<Date> to_solar(const LunarDate& lunar) {
  return to_solar_at(lunar, meridian_for(date::year{lunar.year}));
}

LunarDate to_lunar_at(const Date& solar, double tz) {
  const long day = julian_day(solar);
  const long k = new_moon_index(day);
  long month_start = new_moon_day(k + 1, tz);
  if (month_start > day) month_start = new_moon_day(k, tz);
  const int yy = static_cast<int>(solar.year());
  long a11 = month_11_start(yy, tz);
  long b11 = a11;
  LunarDate out;
  if (a11 >= month_start) {
    out.year = yy;
    a11 = month_11_start(yy - 1, tz);
  } else {
    out.year = yy + 1;
    b11 = month_11_start(yy + 1, tz);
  }
  out.day = static_cast<int>(day - month_start + 1);
  const int diff = static_cast<int>((month_start - a11) / 29);
  out.month = diff + 11;
  if (b11 - a11 > 365) {
    const int leap_diff = leap_month_offset(a11, tz);
    if (diff >= leap_diff) {
      out.month = diff + 10;
      out.leap = diff == leap_diff;
    }
  }
  if (out.month > 12) out.month -= 12;
  if (out.month >= 11 && diff < 4) out.year -= 1;
  return out;
}

std::optional<Date> to_solar_at(const LunarDate& lunar, double tz) {
  if (lunar.month < 1 || lunar.month > 12 || lunar.day < 1 || lunar.day > 30) return std::nullopt;
  const long a11 = month_11_start(lunar.month < 11 ? lunar.year - 1 : lunar.year, tz);
  const long b11 = month_11_start(lunar.month < 11 ? lunar.year : lunar.year + 1, tz);
  const long k = static_cast<long>(
      std::floor(0.5 + (static_cast<double>(a11) - kNewMoonEpoch) / kSynodicMonth));
  int off = lunar.month - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const int leap_off = leap_month_offset(a11, tz);
    int leap_month = leap_off - 2;
    if (leap_month <= 0) leap_month += 12;
    if (lunar.leap && lunar.month != leap_month) return std::nullopt;
    if (lunar.leap || off >= leap_off) off += 1;
  } else if (lunar.leap) {
    return std::nullopt;
  }
  const long start = new_moon_day(k + off, tz);
  if (lunar.day == 30 && new_moon_day(k + off + 1, tz) - start < 30) return std::nullopt;
  return from_julian_day(start + lunar.day - 1);
}

bool is_last_lunar_day(const Date& solar) {
  return to_lunar(Date{date::sys_days{solar} + date::days{1}}).day == 1;
}

std::string format_lunar_day_month(const LunarDate& d) {
  return std::to_string(d.day) + "/" + std::to_string(d.month) + (d.leap ? "n" : "");
}

std::string lunar_year_name(int year) {
  static constexpr std::array<const char*, 10> kStems = {"Giáp", "Ất",   "Bính", "Đinh", "Mậu",
                                                         "Kỷ",   "Canh", "Tân",  "Nhâm", "Quý"};
  static constexpr std::array<const char*, 12> kBranches = {
      "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"};
  const auto mod = [](int a, int n) { return ((a % n) + n) % n; };
  return std::string(kStems[static_cast<std::size_t>(mod(year + 6, 10))]) + " " +
         kBranches[static_cast<std::size_t>(mod(year + 8, 12))];
}

}  // namespace loa
