#pragma once
// What a person may schedule (private to the control server's files).

#include <filesystem>

#include "control_context.hpp"
#include "loa/diagnostics.hpp"
#include "loa/programme.hpp"

namespace loa {

// The programmes of `file` (as `station` loaded it) that `caller` may not schedule, each as an
// error at the programme: one airing on a zone beyond the caller's zones, and, unless the caller
// is an admin, one of emergency priority (90 and up: it cuts in on every broadcast, so it is the
// station's leadership's call, as admins). Empty when the caller may save the file. Judged on the
// whole file, not on what changed: an operator who could edit an admin's emergency programme
// could make it air anything. The same rule decides who may delete the file (`deleting`: the
// messages then say so).
Diagnostics schedule_rights(const Caller& caller, const Station& station,
                            const std::filesystem::path& file, bool deleting = false);

}  // namespace loa
