#include "loa/clash_warnings.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "loa/occurrences.hpp"
#include "loa/station_time.hpp"

namespace loa {

namespace {

// How far ahead an open-ended programme is looked at: a year holds every weekly, monthly and
// yearly pattern once.
constexpr date::days kHorizon{366};

struct Meeting {
  const Programme* first = nullptr;  // written first: airs first
  ZoneSet zones = 0;
  int days = 0;
  Date from{};
  Date to{};
};

date::local_days last_day(const Station& station, date::local_days today) {
  date::local_days last = today + kHorizon;
  date::local_days latest_until = today;
  for (const auto& p : station.programmes) {
    if (!p.valid_until) return last;  // open-ended: the whole horizon
    latest_until = std::max(latest_until, date::local_days{*p.valid_until});
  }
  return std::min(last, latest_until + date::days{1});
}

}  // namespace

void warn_clashes(const Station& station, const Date& today, Diagnostics& diags) {
  const date::time_zone* zone = station.settings.zone;
  if (zone == nullptr || station.programmes.empty()) return;
  const date::local_days first{today};
  const auto occurrences = slot_occurrences(station, resolve_local(first, zone),
                                            resolve_local(last_day(station, first), zone));
  // The later slot of each clashing pair, then the earlier one: (programme, slot) indices.
  using SlotRef = std::pair<std::uint32_t, std::uint32_t>;
  std::map<std::pair<SlotRef, SlotRef>, Meeting> meetings;
  for (std::size_t i = 0; i < occurrences.size();) {
    std::size_t end = i;
    while (end < occurrences.size() && occurrences[end].time == occurrences[i].time) ++end;
    for (std::size_t a = i; a < end; ++a) {
      const Programme& pa = station.programmes[occurrences[a].programme];
      for (std::size_t b = a + 1; b < end; ++b) {
        const Programme& pb = station.programmes[occurrences[b].programme];
        const ZoneSet shared = pa.zones & pb.zones;
        if (pa.priority != pb.priority || shared == 0) continue;
        const Date day = local_date(occurrences[a].time, zone);
        Meeting& m = meetings[{{occurrences[b].programme, occurrences[b].slot},
                               {occurrences[a].programme, occurrences[a].slot}}];
        if (m.days++ == 0) m.from = day;
        m.to = day;
        m.first = &pa;
        m.zones |= shared;
      }
    }
    i = end;
  }
  for (const auto& [pair, m] : meetings) {
    const Programme& later = station.programmes[pair.first.first];
    const Slot& slot = later.slots[pair.first.second];
    Message days =
        m.days == 1
            ? Message{"clash.on_day", {{"date", format_date(m.from)}}}
            : Message{"clash.on_days",
                      {{"days", m.days}, {"from", format_date(m.from)}, {"to", format_date(m.to)}}};
    Message in_the_way = m.first == &later
                             ? Message{"clash.other_slot"}
                             : Message{"clash.programme", {{"programme", m.first->id}}};
    diags.warning(slot.pos, {"clash.same_time",
                             {{"other", std::move(in_the_way)},
                              {"zones", station.settings.zone_names(m.zones)},
                              {"days", std::move(days)}}});
  }
}

}  // namespace loa
