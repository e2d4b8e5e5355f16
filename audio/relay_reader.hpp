#pragma once

// Private to audio/: a relay's network thread. It connects, reads and decodes with FFmpeg's
// libraries (every call under a deadline through AVIOInterruptCB), converts the stream to mono at
// the station's rate, times the gain, and writes into the link's ring; when the stream fails it
// says why and reconnects with backoff, until the link says stop.

#include <memory>
#include <string>
#include <thread>

#include "loa/relay.hpp"
#include "relay_link.hpp"

namespace loa::detail {

// Starts the thread. It holds `link` and `events` (which may be null) for as long as it runs.
std::thread start_relay_reader(std::shared_ptr<RelayLink> link, std::string url, int rate,
                               float gain, const RelaySettings& settings,
                               std::shared_ptr<RelayEvents> events);

}  // namespace loa::detail
