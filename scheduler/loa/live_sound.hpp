#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loa/broadcast.hpp"
#include "loa/input_level.hpp"
#include "loa/relay.hpp"

namespace loa {

class HouseCache;

// The gain of one of the station's clips (PlayItem::clip), or nullopt when it cannot play.
using ClipGain = std::function<std::optional<float>(const PlayItem& clip)>;

// The clips that cover a relay's or input's dead air, with their loudness gains, in the order
// they air: its `fallback:` clip, or every clip of its fallback playlist in the playlist's order
// (a shuffled or rotating playlist is not drawn from: dead air cannot be planned); none (silence)
// when it has no fallback. Clips `gain` says cannot play are left out.
std::vector<FallbackClip> fallback_clips(const Station& station, const PlayItem& live,
                                         const ClipGain& gain);

// Words for the as-run log and the journal: "playlist nhac-nen", "clip bao.wav", "silence".
std::string fallback_name(const PlayItem& live);

// A source that airs `clips` one after another (and again from the first) for exactly `frames`,
// each at its gain; silence where there are none, or none opens. What `loa render` puts in a
// live item's place. A clip
// that cannot be opened is passed over. Not thread-safe; opens clips in read().
std::unique_ptr<MonoSource> open_fallback_fill(std::vector<FallbackClip> clips, std::int64_t frames,
                                               int rate, const HouseCache* house);

// What opening a live item needs besides the item: the station's rate, its house cache (may be
// null), the loudness gains of its clips, the queue its events go to (may be null), and the
// meters of the station's inputs (may be null: inputs are not measured as they arrive).
struct LiveContext {
  int rate = 48000;
  const HouseCache* house = nullptr;
  ClipGain gain;
  std::shared_ptr<RelayEvents> events;
  std::shared_ptr<const InputLevels> input_levels;
};

// The one place a relay or input item becomes a source on air: a relay opens as a RelaySound, an
// input as an InputSound on the device and channel its id names in the station's `audio.inputs`;
// both with dead air, fallback (its clips with their gains) and return from the item, and its
// length in frames. Both are levelled live to the station's `audio.loudness` (the target its clips
// are evened out to; live_leveller.hpp), or air as they come when that is off. A missing device
// never throws: it is dead air covered by the fallback, reported as lost with a reason naming the
// device (the journal's item names the input). Throws std::invalid_argument for a relay address
// that is not http(s) or an input id that is not in `audio.inputs` (the loader refuses both). Not
// real-time safe.
std::unique_ptr<MonoSource> open_live(const Station& station, const BroadcastItem& item,
                                      const LiveContext& context);

// An item's length in frames at `rate`, rounded to the nearest frame.
std::int64_t frames_of(Micros length, int rate);

}  // namespace loa
