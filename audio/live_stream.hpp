#pragma once

// Private to audio/: the read() side of a live source (a relay, a capture input), in
// relay_stream.cpp. A feed thread of the source's own (relay_reader.cpp: the network;
// input_reader.cpp: a capture device) writes mono at the station's rate into the link's ring; the
// live stream pops it without ever waiting, covers dead air with the fallback (crossfades each
// way), levels it if asked, and ends exactly at `frames`.

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "loa/mono_source.hpp"
#include "loa/relay.hpp"
#include "relay_link.hpp"

namespace loa::detail {

// Starts the feed's thread on `link`, its samples times `gain`. The thread must end soon after
// link->request_stop(), and set link->finished (under link->mutex, notifying link->changed).
using StartFeed = std::function<std::thread(std::shared_ptr<RelayLink> link, float gain)>;

// Not real-time safe (the producer thread calls it when a voice is due); starts the feed.
std::unique_ptr<MonoSource> open_live_stream(std::int64_t frames, const RelaySettings& settings,
                                             std::shared_ptr<RelayEvents> events, int rate,
                                             float gain, const StartFeed& start);

}  // namespace loa::detail
