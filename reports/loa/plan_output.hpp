#pragma once

#include <iosfwd>
#include <vector>

#include "loa/planner.hpp"

namespace loa {

// One JSON object per line per broadcast (the contract of `loa plan --json`; see
// docs/operator-guide.md for the fields).
void print_plan_json(std::ostream& out, const Station& station,
                     const std::vector<PlannedBroadcast>& plan);

// A readable timeline, a heading per local day. `items` adds a line per item aired.
void print_plan_text(std::ostream& out, const Station& station,
                     const std::vector<PlannedBroadcast>& plan, bool items);

}  // namespace loa
