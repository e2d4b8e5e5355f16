#pragma once

#include <ostream>

#include "loa/messages.hpp"
#include "loa/programme.hpp"

namespace loa {

// What `loa check --online` adds to the offline check: each relay item of the station's
// programmes probed (probe_relay, 3 s at most per address; an address named by several items is
// probed once), one line per item with its file:line:col, the address, and the stream it gives
// (codec, rate, channels) or why it cannot be reached and what to do; then each input item's
// capture device, present or missing, as it would resolve when it airs. Lines go to `out`, the
// totals to `summary`. Returns the number of relay items whose address cannot be reached (a
// missing input device is reported but not counted: it may be plugged in before its slot).
// Lines in `lang` (the reasons themselves come from FFmpeg and the sound system, in English).
// Blocks for the probes; never throws for the network or the devices.
int check_online(const Station& station, std::ostream& out, std::ostream& summary,
                 Language lang = Language::en);

}  // namespace loa
