#include "loa/occurrences.hpp"

#include <algorithm>

namespace loa {

namespace {

using std::chrono::hours;
using std::chrono::seconds;

Date add_days(const Date& d, int n) {
  return Date{date::sys_days{d} + date::days{n}};
}

// Instants outside these bounds are clamped before they are turned into local dates, so that
// windows like [min, max) cannot overflow; no station airs outside them.
const UtcTime kEarliest = date::sys_days{date::year{1900} / 1 / 1};
const UtcTime kLatest = date::sys_days{date::year{9999} / 1 / 1};

UtcTime clamp_time(UtcTime t) {
  return std::clamp(t, kEarliest, kLatest);
}

// resolve_local for many times in one zone, asking the zone only near its transitions. A local
// time whose reading with a cached period's offset lands well inside that period (further from
// its ends than any two offsets differ) is unique, so resolve_local would give the same answer.
class LocalResolver {
 public:
  explicit LocalResolver(const date::time_zone* zone) : zone_(zone) {}

  UtcTime resolve(date::local_time<Duration> local) {
    const auto whole = date::floor<seconds>(local);
    return resolve(whole) + (local - whole);  // transitions fall on whole seconds
  }

  UtcTime resolve(date::local_seconds local) {
    const date::sys_seconds guess{local.time_since_epoch() - offset_};
    if (guess >= safe_begin_ && guess < safe_end_) return guess;
    const date::local_info info = zone_->get_info(local);
    if (info.result == date::local_info::unique) remember(info.first);
    return resolve_local(local, zone_);
  }

 private:
  // Larger than the difference between any two UTC offsets ever used (about 31 hours).
  static constexpr hours kMargin{72};

  void remember(const date::sys_info& period) {
    offset_ = period.offset;
    safe_begin_ = period.begin + kMargin;
    safe_end_ = period.end - kMargin;
  }

  const date::time_zone* zone_;
  seconds offset_{0};
  date::sys_seconds safe_begin_{seconds{1}};
  date::sys_seconds safe_end_{seconds{0}};  // empty until the first unique lookup
};

// Calls fn(time of day) for each local time the slot names in a day, ascending.
template <typename Fn>
void for_each_time_of_day(const Slot& slot, Fn&& fn) {
  if (!slot.every) {
    for (const TimeOfDay t : slot.at) fn(Duration{t});
    return;
  }
  if (*slot.every <= Duration{0}) {  // rejected by the loader; never loop forever
    fn(Duration{slot.between_from});
    return;
  }
  for (Duration t = slot.between_from; t <= slot.between_to; t += *slot.every) fn(t);
}

// The local dates whose broadcasts may land in [from, to): one more on each side, because a
// time late in a day can be shifted past midnight by a gap, and offsets move dates both ways.
std::pair<Date, Date> candidate_dates(const Programme& programme, const date::time_zone* zone,
                                      UtcTime from, UtcTime to) {
  Date first = add_days(local_date(clamp_time(from), zone), -1);
  Date last = add_days(local_date(clamp_time(to), zone), 1);
  if (programme.valid_from) first = std::max(first, *programme.valid_from);
  if (programme.valid_until) last = std::min(last, *programme.valid_until);
  return {first, last};
}

}  // namespace

std::vector<UtcTime> occurrences(const Programme& programme, const Slot& slot,
                                 const date::time_zone* zone, UtcTime from, UtcTime to) {
  std::vector<UtcTime> out;
  if (!(from < to)) return out;
  const auto [first, last] = candidate_dates(programme, zone, from, to);
  LocalResolver resolver(zone);
  const auto air_on = [&](const Date& d) {
    if (!programme.runs_on(d)) return;
    const date::local_days day{d};
    for_each_time_of_day(slot, [&](Duration tod) {
      const UtcTime t = resolver.resolve(day + tod);
      if (t >= from && t < to) out.push_back(t);
    });
  };
  if (slot.days.kind == DayRule::Kind::dates) {
    // Sparse: visit only the listed dates in range.
    const auto& dates = slot.days.dates;
    const auto end = std::upper_bound(dates.begin(), dates.end(), last);
    for (auto it = std::lower_bound(dates.begin(), dates.end(), first); it < end; ++it) air_on(*it);
  } else {
    for (date::sys_days day{first}; day <= date::sys_days{last}; day += date::days{1}) {
      const Date d{day};
      if (slot.days.matches(d)) air_on(d);
    }
  }
  // A time shifted out of a gap can land after, or on, a real time of the same day.
  if (!std::is_sorted(out.begin(), out.end())) std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<UtcTime> next_occurrence(const Programme& programme, const Slot& slot,
                                       const date::time_zone* zone, UtcTime after,
                                       int horizon_days) {
  constexpr int kMaxHorizon = 1'000'000;  // keeps date arithmetic far from overflow
  if (after >= kLatest) return std::nullopt;
  after = std::max(after, kEarliest);
  // The last local date worth searching (inclusive). A day past the last date the programme or
  // the slot may air, since a late time on that day can be shifted past midnight.
  Date last_day = add_days(local_date(after, zone), std::clamp(horizon_days, 0, kMaxHorizon));
  if (programme.valid_until) last_day = std::min(last_day, add_days(*programme.valid_until, 1));
  if (slot.days.kind == DayRule::Kind::dates) {
    if (slot.days.dates.empty()) return std::nullopt;
    last_day = std::min(last_day, add_days(slot.days.dates.back(), 1));
  }
  const UtcTime end = resolve_local(date::local_days{add_days(last_day, 1)}, zone);

  UtcTime lo = after + Micros{1};
  if (programme.valid_from) {  // skip the years before a programme starts
    lo = std::max(
        lo, UtcTime{resolve_local(date::local_days{add_days(*programme.valid_from, -1)}, zone)});
  }
  // Growing windows: the next time is usually within a day; a sparse slot needs few calls, and
  // the cap bounds the memory a dense slot's window can take.
  auto span = date::days{1};
  while (lo < end) {
    const UtcTime hi = std::min(end, UtcTime{lo + span});
    const auto found = occurrences(programme, slot, zone, lo, hi);
    if (!found.empty()) return found.front();
    lo = hi;
    span = std::min(span * 2, date::days{32});
  }
  return std::nullopt;
}

std::vector<SlotOccurrence> slot_occurrences(const Station& station, UtcTime from, UtcTime to) {
  std::vector<SlotOccurrence> out;
  const date::time_zone* zone = station.settings.zone;
  for (std::size_t p = 0; p < station.programmes.size(); ++p) {
    const Programme& prog = station.programmes[p];
    for (std::size_t s = 0; s < prog.slots.size(); ++s) {
      for (UtcTime t : occurrences(prog, prog.slots[s], zone, from, to)) {
        out.push_back({t, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(s)});
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace loa
