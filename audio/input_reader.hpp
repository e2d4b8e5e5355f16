#pragma once

// Private to audio/: a capture input's thread. It opens the device with PortAudio (the callback
// copies the input's channel into a lock-free ring, nothing else), resamples to the station's rate
// with soxr when the device runs at another, times the gain, and writes into the link's ring;
// when the device is missing or stops, it says why and opens it again with backoff, until the
// link says stop.

#include <memory>
#include <thread>

#include "loa/input_sound.hpp"
#include "relay_link.hpp"

namespace loa::detail {

// Starts the thread. It holds `link` and `events` (which may be null) for as long as it runs.
std::thread start_input_reader(std::shared_ptr<RelayLink> link, const InputSound& input, int rate,
                               float gain);

}  // namespace loa::detail
