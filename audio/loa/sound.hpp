#pragma once

#include <filesystem>
#include <memory>
#include <variant>

#include "loa/input_sound.hpp"
#include "loa/mono_source.hpp"
#include "loa/relay.hpp"

namespace loa {

class HouseCache;

// What an item sounds like, as audio/ knows it: one alternative per kind of source. The scheduler
// says which sound an item is; the mixer and the engine only ever see a MonoSource. A new kind of
// sound (a relay, a capture input, spoken text) is a new alternative here and a file of its own
// implementing it, never a branch in the engine or the mixer.
struct ChimeSound {};  // the built-in chime
struct ClipSound {
  std::filesystem::path file;
};
// RelaySound (relay.hpp): an http(s) stream for a known length, with its fallback.
// InputSound (input_sound.hpp): a capture device's channel for a known length, with its fallback.
using Sound = std::variant<ChimeSound, ClipSound, RelaySound, InputSound>;

// Opens `sound` for airing: mono at `rate`, times `gain` (linear); a clip through `house`, the
// station's house cache (house_cache.hpp), if given. Throws ClipStreamError (clip_stream.hpp)
// when a clip cannot be opened, std::invalid_argument for a relay whose address is not http(s)
// or an input's channel under 1 (a relay never fails for the network, an input never for its
// device: open_relay, open_input). Not real-time safe: the producer thread
// calls it when a voice is due.
std::unique_ptr<MonoSource> open_sound(const Sound& sound, int rate, float gain,
                                       const HouseCache* house = nullptr);

}  // namespace loa
