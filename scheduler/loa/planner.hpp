#pragma once

#include <vector>

#include "loa/arbiter.hpp"
#include "loa/broadcast.hpp"

namespace loa {

// How far outside the asked window the planner looks, so that a broadcast that started before the
// window (or one due just after it) has its real effect on those inside.
inline constexpr Micros kPlanMargin = std::chrono::hours(24);

enum class PlanWindow {
  scheduled,  // broadcasts whose scheduled time is in [from, to)
  on_air,     // those, and any other broadcast that sounds during [from, to)
};

// The broadcasts of a window, after the rules of what airs when, in scheduled order (ties in the
// order programmes and slots are written). Rotating and shuffled playlists start from `rotation`
// at `from - kPlanMargin`. Pure: the same inputs give the same plan.
std::vector<PlannedBroadcast> plan(const Station& station, const ClipLengths& lengths, UtcTime from,
                                   UtcTime to, RotationState rotation = {},
                                   PlanWindow window = PlanWindow::scheduled);

}  // namespace loa
