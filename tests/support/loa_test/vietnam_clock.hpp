#pragma once
// The test stations' wall clock: Asia/Ho_Chi_Minh, UTC+7 all year (no daylight saving).

#include <chrono>
#include <string>

namespace loa::test {

// The station's wall clock `ahead` from now, as "YYYY-MM-DDTHH:MM". A fixture's programme at
// vietnam_clock(12h) never airs while its tests run, whenever they run.
std::string vietnam_clock(std::chrono::minutes ahead);

}  // namespace loa::test
