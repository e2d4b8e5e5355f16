#include "loa/planner.hpp"

#include <algorithm>
#include <cstdint>

#include "loa/occurrences.hpp"

namespace loa {

std::vector<PlannedBroadcast> plan(const Station& station, const ClipLengths& lengths, UtcTime from,
                                   UtcTime to, RotationState rotation, PlanWindow window) {
  std::vector<PlannedBroadcast> result;
  if (to <= from || station.settings.zone == nullptr) return result;
  const ClipTable table = clip_table(station, lengths);
  Arbiter arbiter;
  for (const SlotOccurrence& o : slot_occurrences(station, from - kPlanMargin, to + kPlanMargin)) {
    const Programme& prog = station.programmes[o.programme];
    arbiter.add(expand_broadcast(station, prog, prog.slots[o.slot], o.time, rotation, table));
  }
  arbiter.run_to_end();
  for (std::size_t i = 0; i < arbiter.size(); ++i) {
    const UtcTime t = arbiter.broadcast(i).scheduled;
    const Outcome& o = arbiter.outcome(i);
    const bool scheduled_in = t >= from && t < to;
    const bool sounds_in = o.start && *o.start<to&& * o.end> from;
    if (scheduled_in || (window == PlanWindow::on_air && sounds_in)) {
      result.push_back(arbiter.take(i));
    }
  }
  return result;
}

}  // namespace loa
