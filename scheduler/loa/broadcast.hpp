#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "loa/programme.hpp"
#include "loa/sound.hpp"
#include "loa/station_time.hpp"

namespace loa {

// One thing a broadcast plays, in order. Lengths are known in advance (from the clip probes).
struct BroadcastItem {
  // relay and input: a live source for exactly `length` (its `for:`, or up to its `until:`).
  enum class Kind { chime, clip, silence, gap, relay, input };
  Kind kind = Kind::clip;
  // The station's clip, or its relay or input item; nullptr for built-in chime, silence, gap.
  const PlayItem* clip = nullptr;
  Micros length{0};
  bool unreadable = false;  // the clip could not be probed: it will be skipped (length 0)

  // As operators wrote it (a relay's URL, an input's id), or "builtin", "silence", "gap".
  std::string_view path() const;
  // What audio/ opens for it (chime and clip items; silence and gaps make no sound; relay and
  // input items are opened by open_live, live_sound.hpp).
  Sound sound() const;
  bool is_live() const { return kind == Kind::relay || kind == Kind::input; }
};

std::string_view item_kind_name(BroadcastItem::Kind k);

// One occurrence of a slot, expanded into the items it plays.
struct Broadcast {
  const Programme* programme = nullptr;
  const Slot* slot = nullptr;
  UtcTime scheduled;
  ZoneSet zones = 0;
  int priority = 50;
  StartMode start = StartMode::soft;
  OnInterrupt on_interrupt = OnInterrupt::resume;
  Micros late{0};
  std::vector<BroadcastItem> items;

  Micros length() const;
};

// Where each playlist's rotation stands: the index of the next clip in its (shuffled) order.
// The planner starts from a given state; on air it lives in the journal.
using RotationState = std::unordered_map<std::string, std::uint64_t>;

// The length of a clip, or nullopt if it cannot be played.
using ClipLengths = std::function<std::optional<Micros>(const std::filesystem::path&)>;

// The length of each of the station's clips (Station::clips), asked of `lengths` once per file.
using ClipTable = std::vector<std::optional<Micros>>;
ClipTable clip_table(const Station& station, const ClipLengths& lengths);

// How long a relay or input item that starts at `start` lasts: its `for:`, or up to the next
// `until:` local time (in `zone`) after `start`: an `until` at or before the start's time of day
// is the next day's. At most 24 hours. Pure.
Micros live_length(const PlayItem& item, UtcTime start, const date::time_zone* zone);

// An occurrence of `slot` at `scheduled` with everything but its items (they are drawn when it
// first sounds).
Broadcast broadcast_of(const Programme& programme, const Slot& slot, UtcTime scheduled);

// The longest a broadcast of `slot` can play: its chime, then its play list `repeat` times with
// the longest clips each playlist could give, and the gaps. Pure.
Micros longest_broadcast(const Station& station, const Programme& programme, const Slot& slot,
                         const ClipTable& lengths);

// Expands an occurrence of `slot` at `scheduled` into its items: the chime (the programme's, else
// the station's), then the play list `repeat` times with `gap` between, drawing clips from
// playlists by their order and advancing `rotation`. Pure apart from `rotation`.
Broadcast expand_broadcast(const Station& station, const Programme& programme, const Slot& slot,
                           UtcTime scheduled, RotationState& rotation, const ClipTable& lengths);

// The clips a playlist plays in one broadcast, advancing `rotation` for rotate and shuffle.
std::vector<const PlayItem*> draw_from(const Playlist& playlist, RotationState& rotation);

}  // namespace loa
