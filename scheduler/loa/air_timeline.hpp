#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "loa/arbiter.hpp"
#include "loa/mixer.hpp"

namespace loa {

// The output frame at which instant `t` falls, frame 0 being `from`: round((t - from) * rate).
std::int64_t frame_at(UtcTime t, UtcTime from, int rate);

// Output channels the air output carries: the highest zone channel of the station.
int output_channels(const StationSettings& settings);

// The output channels (bit c = channel c + 1) of a set of zones.
std::uint64_t channel_mask(const StationSettings& settings, ZoneSet zones);

// Where a voice came from, for the as-run log and the journal.
struct VoiceOrigin {
  std::size_t broadcast = 0;  // index into the plan
  std::size_t aired = 0;      // index into its Outcome::aired
};

// How long a cut item takes to fade out before the cut (so the winner starts on its exact frame).
inline constexpr Micros kCutFade = std::chrono::milliseconds(10);

// Every aired stretch of `plan` that sounds in [from, to) as mixer voices at `rate`, in plan order.
// `open(item)` opens an item's source (with its loudness gain applied); it is called when the
// voice is due, so `plan` must outlive the voices. Silence and gaps make no voice; cut stretches
// fade out over kCutFade. `origins[i]` says where voice i (tag i) came from.
struct AirVoices {
  std::vector<Voice> voices;
  std::vector<VoiceOrigin> origins;
};
AirVoices air_voices(const Station& station, const std::vector<PlannedBroadcast>& plan,
                     UtcTime from, UtcTime to, int rate,
                     const std::function<std::unique_ptr<MonoSource>(const BroadcastItem&)>& open);

}  // namespace loa
