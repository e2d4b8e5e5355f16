#pragma once

#include "loa/diagnostics.hpp"
#include "loa/programme.hpp"
#include "loa/values.hpp"

namespace loa {

// Warns of slots due at one instant with another slot of the same priority on a shared zone, from
// `today` to the end of the programmes' validity (a year ahead at most, which every yearly rule
// repeats within). Neither outranks the other, so the one written later waits for the whole of
// the other every time they meet: nothing is wrong in either file, yet a bulletin airs late.
// The warning sits at the later slot and names the programme in its way. A higher-priority slot
// inserted softly into a session is not a clash: it waits by design (docs, "What airs when").
// Pure; cost grows with the number of broadcasts in that time.
void warn_clashes(const Station& station, const Date& today, Diagnostics& diags);

}  // namespace loa
