#include "notice_time.hpp"

namespace loa {

namespace {

constexpr const char* kForms = "write HH:MM (e.g. 17:30) or a date and time (2026-12-17T07:00)";

UtcTime instant_of(const Date& d, TimeOfDay t, const date::time_zone* zone) {
  return resolve_local(date::local_days{d} + t, zone);
}

}  // namespace

std::optional<NoticeTime> parse_notice_time(std::string_view at, UtcTime now,
                                            const date::time_zone* zone, std::string& why) {
  const std::string quoted = "'" + std::string(at) + "'";
  std::string inner;
  NoticeTime out{};
  if (at.size() == 5) {
    const auto t = at[2] == ':' ? parse_time_of_day(at, inner) : std::nullopt;
    if (!t) {
      why = quoted + " is not a time; " + kForms;
      return std::nullopt;
    }
    out.time = *t;
    out.date = local_date(now, zone);
    out.instant = instant_of(out.date, out.time, zone);
    if (out.instant <= now) {
      out.date = Date{date::sys_days{out.date} + date::days{1}};
      out.instant = instant_of(out.date, out.time, zone);
    }
    return out;
  }
  const bool shape = at.size() == 16 && (at[10] == 'T' || at[10] == ' ') && at[13] == ':';
  const auto d = shape ? parse_date(at.substr(0, 10), inner) : std::nullopt;
  const auto t = shape ? parse_time_of_day(at.substr(11), inner) : std::nullopt;
  if (!d || !t) {
    why = quoted + " is not a date and time; " + kForms;
    return std::nullopt;
  }
  out.date = *d;
  out.time = *t;
  out.instant = instant_of(out.date, out.time, zone);
  if (out.instant <= now) {
    why = quoted + " is in the past (now is " + format_iso(now, zone).substr(0, 16) +
          "); choose a later time";
    return std::nullopt;
  }
  if (out.instant > now + date::days{366}) {
    why = quoted + " is more than a year ahead; choose a nearer date";
    return std::nullopt;
  }
  return out;
}

}  // namespace loa
