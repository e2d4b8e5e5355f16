#include "loa/broadcast.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>

#include "loa/chime.hpp"

namespace loa {

std::string_view item_kind_name(BroadcastItem::Kind k) {
  switch (k) {
    case BroadcastItem::Kind::chime:
      return "chime";
    case BroadcastItem::Kind::clip:
      return "clip";
    case BroadcastItem::Kind::silence:
      return "silence";
    case BroadcastItem::Kind::gap:
      return "gap";
    case BroadcastItem::Kind::relay:
      return "relay";
    case BroadcastItem::Kind::input:
      return "input";
  }
  return "?";
}

Micros Broadcast::length() const {
  Micros total{0};
  for (const auto& i : items) total += i.length;
  return total;
}

namespace {

// The order a shuffled playlist plays in during its `cycle`-th pass: a permutation seeded from
// the playlist's id and the cycle, so plans are reproducible and each pass differs.
std::vector<std::size_t> shuffled_order(const Playlist& p, std::uint64_t cycle) {
  std::vector<std::size_t> order(p.clips.size());
  std::iota(order.begin(), order.end(), 0);
  std::uint64_t seed = 1469598103934665603ULL;  // FNV-1a of the id, then the cycle
  for (unsigned char c : p.id) seed = (seed ^ c) * 1099511628211ULL;
  seed ^= cycle * 0x9E3779B97F4A7C15ULL;
  std::mt19937_64 rng(seed);
  for (std::size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[static_cast<std::size_t>(rng() % i)]);
  }
  return order;
}

BroadcastItem clip_item(const PlayItem& p, BroadcastItem::Kind kind, const ClipTable& lengths) {
  BroadcastItem item;
  item.kind = kind;
  item.clip = &p;
  const auto& len = p.clip < lengths.size() ? lengths[p.clip] : std::nullopt;
  if (len) {
    item.length = *len;
  } else {
    item.unreadable = true;
  }
  return item;
}

BroadcastItem timed(BroadcastItem::Kind kind, Duration d) {
  BroadcastItem item;
  item.kind = kind;
  item.length = std::chrono::duration_cast<Micros>(d);
  return item;
}

// The programme's own chime, or the station's when the programme says `default`.
std::optional<BroadcastItem> chime_for(const Station& station, const Programme& programme,
                                       const ClipTable& lengths) {
  switch (programme.chime.kind) {
    case ChimeChoice::Kind::none:
      return std::nullopt;
    case ChimeChoice::Kind::builtin:
      break;
    case ChimeChoice::Kind::clip:
      return clip_item(programme.chime.clip, BroadcastItem::Kind::chime, lengths);
    case ChimeChoice::Kind::station_default:
      if (station.settings.audio.chime == "none") return std::nullopt;
      if (station.chime) return clip_item(*station.chime, BroadcastItem::Kind::chime, lengths);
      break;
  }
  return timed(BroadcastItem::Kind::chime, kBuiltinChimeLength);
}

BroadcastItem live_item(const PlayItem& p, UtcTime start, const date::time_zone* zone) {
  BroadcastItem item;
  item.kind =
      p.kind == PlayItem::Kind::relay ? BroadcastItem::Kind::relay : BroadcastItem::Kind::input;
  item.clip = &p;
  item.length = live_length(p, start, zone);
  return item;
}

}  // namespace

Micros live_length(const PlayItem& item, UtcTime start, const date::time_zone* zone) {
  if (item.live.length) return std::chrono::duration_cast<Micros>(*item.live.length);
  if (!item.live.until) return Micros{0};
  const auto local =
      zone != nullptr ? zone->to_local(start) : date::local_time<Micros>(start.time_since_epoch());
  const auto day = date::floor<date::days>(local);
  UtcTime end = resolve_local(date::local_seconds(day) + *item.live.until, zone);
  if (zone == nullptr) end = UtcTime(day.time_since_epoch() + *item.live.until);
  if (end <= start) {
    const date::local_seconds next = date::local_seconds(day + date::days(1)) + *item.live.until;
    end = zone != nullptr ? resolve_local(next, zone) : UtcTime(next.time_since_epoch());
  }
  return std::min<Micros>(end - start, std::chrono::hours(24));
}

std::vector<const PlayItem*> draw_from(const Playlist& playlist, RotationState& rotation) {
  std::vector<const PlayItem*> out;
  const std::size_t n = playlist.clips.size();
  if (n == 0) return out;
  const std::size_t pick =
      playlist.pick > 0 ? std::min<std::size_t>(static_cast<std::size_t>(playlist.pick), n) : n;
  if (playlist.order == Playlist::Order::in_order) {
    for (std::size_t i = 0; i < pick; ++i) out.push_back(&playlist.clips[i]);
    return out;
  }
  std::uint64_t& next = rotation[playlist.id];
  std::vector<std::size_t> order;
  std::uint64_t order_cycle = UINT64_MAX;
  for (std::size_t i = 0; i < pick; ++i, ++next) {
    const std::uint64_t cycle = next / n;
    const std::size_t pos = static_cast<std::size_t>(next % n);
    if (playlist.order == Playlist::Order::rotate) {
      out.push_back(&playlist.clips[pos]);
      continue;
    }
    if (cycle != order_cycle) {
      order = shuffled_order(playlist, cycle);
      order_cycle = cycle;
    }
    out.push_back(&playlist.clips[order[pos]]);
  }
  return out;
}

std::string_view BroadcastItem::path() const {
  if (clip != nullptr) return clip->ref;
  if (kind == Kind::chime) return "builtin";
  return item_kind_name(kind);
}

Sound BroadcastItem::sound() const {
  if (clip != nullptr && !is_live()) return ClipSound{clip->file};
  return ChimeSound{};
}

ClipTable clip_table(const Station& station, const ClipLengths& lengths) {
  ClipTable table;
  table.reserve(station.clips.size());
  for (const auto& file : station.clips) table.push_back(lengths(file));
  return table;
}

Broadcast broadcast_of(const Programme& programme, const Slot& slot, UtcTime scheduled) {
  Broadcast b;
  b.programme = &programme;
  b.slot = &slot;
  b.scheduled = scheduled;
  b.zones = programme.zones;
  b.priority = programme.priority;
  b.start = slot.start;
  b.on_interrupt = slot.on_interrupt;
  b.late = std::chrono::duration_cast<Micros>(slot.late);
  return b;
}

Micros longest_broadcast(const Station& station, const Programme& programme, const Slot& slot,
                         const ClipTable& lengths) {
  const auto length_of = [&lengths](const PlayItem& p) {
    const auto& len = p.clip < lengths.size() ? lengths[p.clip] : std::nullopt;
    return len.value_or(Micros{0});
  };
  Micros once{0};
  for (const auto& p : slot.play) {
    switch (p.kind) {
      case PlayItem::Kind::clip:
        once += length_of(p);
        break;
      case PlayItem::Kind::silence:
        once += std::chrono::duration_cast<Micros>(p.silence);
        break;
      case PlayItem::Kind::relay:
      case PlayItem::Kind::input:
        // An `until` runs at most a day, whenever it starts.
        once += p.live.length ? std::chrono::duration_cast<Micros>(*p.live.length)
                              : Micros(std::chrono::hours(24));
        break;
      case PlayItem::Kind::playlist:
        if (const Playlist* pl = station.playlist(p.ref)) {
          std::vector<Micros> clips;
          for (const auto& c : pl->clips) clips.push_back(length_of(c));
          std::sort(clips.begin(), clips.end(), std::greater<>());
          const std::size_t pick =
              pl->pick > 0 ? std::min<std::size_t>(static_cast<std::size_t>(pl->pick), clips.size())
                           : clips.size();
          for (std::size_t i = 0; i < pick; ++i) once += clips[i];
        }
        break;
    }
  }
  const auto chime = chime_for(station, programme, lengths);
  return (chime ? chime->length : Micros{0}) + once * slot.repeat +
         std::chrono::duration_cast<Micros>(slot.gap) * (slot.repeat - 1);
}

Broadcast expand_broadcast(const Station& station, const Programme& programme, const Slot& slot,
                           UtcTime scheduled, RotationState& rotation, const ClipTable& lengths) {
  Broadcast b = broadcast_of(programme, slot, scheduled);
  if (auto chime = chime_for(station, programme, lengths)) b.items.push_back(*chime);
  // The play list is drawn once and then repeated as it is: a repeat airs the same announcement.
  const std::size_t first = b.items.size();
  for (const auto& p : slot.play) {
    switch (p.kind) {
      case PlayItem::Kind::clip:
        b.items.push_back(clip_item(p, BroadcastItem::Kind::clip, lengths));
        break;
      case PlayItem::Kind::silence:
        b.items.push_back(timed(BroadcastItem::Kind::silence, p.silence));
        break;
      case PlayItem::Kind::relay:
      case PlayItem::Kind::input:
        b.items.push_back(live_item(p, scheduled + b.length(), station.settings.zone));
        break;
      case PlayItem::Kind::playlist:
        if (const Playlist* pl = station.playlist(p.ref)) {
          for (const PlayItem* c : draw_from(*pl, rotation)) {
            b.items.push_back(clip_item(*c, BroadcastItem::Kind::clip, lengths));
          }
        }
        break;
    }
  }
  const std::size_t once = b.items.size() - first;
  b.items.reserve(first + once * static_cast<std::size_t>(slot.repeat) +
                  static_cast<std::size_t>(slot.repeat));
  for (int r = 1; r < slot.repeat; ++r) {
    if (slot.gap.count() > 0) b.items.push_back(timed(BroadcastItem::Kind::gap, slot.gap));
    for (std::size_t i = 0; i < once; ++i) b.items.push_back(b.items[first + i]);
  }
  return b;
}

}  // namespace loa
