#pragma once

#include <string>
#include <vector>

#include "loa/arbiter.hpp"
#include "loa/broadcast.hpp"

namespace loa {

// How far before a window (or before its PlanStart, if earlier) the planner looks for broadcasts
// still on air or waiting: it starts at the latest instant in that span at which none can be
// (quiet_before()). A station never quiet that long is planned as if it were quiet then.
inline constexpr Micros kPlanLookBack = std::chrono::days(8);
// How far after a window the planner follows its broadcasts to their end (a cut long after the
// window changes what they play). One still unfinished then shows as interrupted where the plan
// left it. Longer than the longest `late` (366 days), so every broadcast is decided.
inline constexpr Micros kPlanFollow = std::chrono::days(400);
// The most time a plan goes through before its window to follow the rotation from its start: a
// window that begins later than that after PlanStart::at counts from kPlanLead before it.
inline constexpr Micros kPlanLead = std::chrono::days(5 * 366);

enum class PlanWindow {
  scheduled,  // broadcasts whose scheduled time is in [from, to)
  on_air,     // those, and any other broadcast that sounds during [from, to)
};

// Where rotating and shuffled playlists stand: a broadcast that first sounds at or after `at`
// draws from `next`, each in turn in the order they start; one that sounds before `at` (the past,
// seen from there) shows the clips the first one at `at` would draw, and moves nothing. For `loa
// plan`, `at` is now and `next` what the journal says (nothing without a journal), as for `loa
// run`.
struct PlanStart {
  UtcTime at;
  RotationState next;
};

// Where a station's playlists stand at `now` for `loa plan` and `loa render`: what its journal
// says (read, never written), or their beginning if `loa run` never wrote one; so that a plan
// shows the clips `loa run` will air. If the journal cannot be read, `problem` says why (naming
// the file) and the playlists stand at their beginning.
PlanStart plan_start(const StationSettings& settings, UtcTime now, std::string& problem);

// The broadcasts of a window, after the rules of what airs when, in scheduled order (ties in the
// order programmes and slots are written). Each is planned as it airs whatever the window: the
// planner sees every broadcast that can still sound in it, however long before it started
// (kPlanLookBack), and follows each to its end (kPlanFollow). Pure: the same inputs give the
// same plan; two windows that share a broadcast (and a start) plan it the same.
std::vector<PlannedBroadcast> plan(const Station& station, const ClipLengths& lengths, UtcTime from,
                                   UtcTime to, const PlanStart& start,
                                   PlanWindow window = PlanWindow::scheduled);
// Without a start: the playlists stand at their beginning at `from`.
std::vector<PlannedBroadcast> plan(const Station& station, const ClipLengths& lengths, UtcTime from,
                                   UtcTime to, PlanWindow window = PlanWindow::scheduled);

// The latest instant at or before `x`, and not before x - kPlanLookBack, at which no broadcast
// scheduled earlier can still be on air or waiting. Found from an upper bound: every broadcast
// from x - kPlanLookBack on, counted as if they all aired one after the other on one zone, each
// at its longest (longest_broadcast()) plus, for a hard one, an item of each broadcast it may cut
// (a cut item is played again). Something is always playing while a broadcast waits or is
// paused, so nothing is left once that much air time has passed.
UtcTime quiet_before(const Station& station, const ClipTable& lengths, UtcTime x);

}  // namespace loa
