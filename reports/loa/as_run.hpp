#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "loa/planner.hpp"

namespace loa {

// Why an aired stretch failed at air/render time, or "" if it did not; indexed like the plan.
using FailureOf = std::function<std::string(std::size_t broadcast, std::size_t aired)>;

// The as-run log: one JSON object per line per item that sounded in [from, to) (status "aired",
// "cut" or "failed" with a "reason"), and one per broadcast scheduled in the window that was
// missed (status "missed"), in time order within each broadcast. The journal records the same.
void write_as_run(std::ostream& out, const Station& station,
                  const std::vector<PlannedBroadcast>& plan, UtcTime from, UtcTime to,
                  const FailureOf& failure);

}  // namespace loa
