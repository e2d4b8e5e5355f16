#pragma once

#include <vector>

#include "loa/arbiter.hpp"
#include "loa/broadcast.hpp"

namespace loa {

// How far outside the asked window the planner looks, so that a broadcast that started before the
// window (or one due just after it) has its real effect on those inside.
inline constexpr Micros kPlanMargin = std::chrono::hours(24);

// Every broadcast whose scheduled time is in [from, to), after the rules of what airs when, in
// scheduled order (ties in the order programmes and slots are written). Rotating and shuffled
// playlists start from `rotation` at `from - kPlanMargin`. Pure: the same inputs give the same
// plan.
std::vector<PlannedBroadcast> plan(const Station& station, const ClipLengths& lengths, UtcTime from,
                                   UtcTime to, RotationState rotation = {});

}  // namespace loa
