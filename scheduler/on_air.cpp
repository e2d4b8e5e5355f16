#include "loa/on_air.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "loa/air_reasons.hpp"
#include "loa/air_timeline.hpp"
#include "loa/live_items.hpp"

namespace loa {

namespace {

using namespace air_reason;

std::vector<std::string> zone_list(const StationSettings& settings, ZoneSet zones) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < settings.zones.size(); ++i) {
    if (((zones >> i) & 1U) != 0) out.push_back(settings.zones[i].id);
  }
  return out;
}

Micros longest_late(const Station& station) {
  Micros late{0};
  for (const auto& p : station.programmes) {
    for (const auto& s : p.slots) late = std::max(late, Micros(s.late));
  }
  return late;
}

bool is_play_now(const BroadcastKey& key) {
  return key.slot < 0;
}

// The journal keeps, beside where each playlist stands, where the playlists a broadcast on air
// drew from stood before it drew ("@<journal id>/<playlist>": ids cannot hold '@' or '/'), so that
// a broadcast resumed after a restart plays the clips it drew, not the next ones.
constexpr char kDrawMark = '@';

std::string draw_key(std::int64_t broadcast, const std::string& playlist) {
  return kDrawMark + std::to_string(broadcast) + "/" + playlist;
}

// Splits a saved state into where the playlists stand and the draws of broadcasts on air.
RotationState split_draws(const RotationState& saved,
                          std::map<std::int64_t, RotationState>& draws) {
  RotationState playlists;
  for (const auto& [key, pos] : saved) {
    const auto slash = key.find('/');
    if (key.empty() || key[0] != kDrawMark || slash == std::string::npos) {
      playlists.emplace(key, pos);
      continue;
    }
    try {
      draws[std::stoll(key.substr(1, slash - 1))].emplace(key.substr(slash + 1), pos);
    } catch (const std::exception&) {  // not one of ours: leave it out
    }
  }
  return playlists;
}

}  // namespace

struct OnAir::Track {
  std::shared_ptr<const AirStation> station;
  BroadcastKey key;
  std::size_t item_offset = 0;  // items before the resumed remainder
  std::int64_t journal_id = 0;  // 0 until its first sound is journaled
  bool begun = false;           // its first sound has been decided
  bool resumed = false;         // a remainder of a broadcast the journal has
  bool removed = false;         // its programme was removed while it was on air
  std::size_t items_played = 0;
  std::size_t items_failed = 0;
  std::size_t voice = SIZE_MAX;         // the tag of its current voice
  std::shared_ptr<ItemRecord> current;  // its current item's journal record
  NowPlaying playing;                   // its current item, for now_playing()
  // Set when it draws (its first sound): where the playlists stand after its draw, and where
  // those it drew from stood before.
  RotationState rotation_after;
  RotationState drew_from;
};

struct OnAir::ItemRecord {
  std::int64_t id = 0;
  std::string failure;
  bool ended = false;  // its end is journaled
};

// A relay or input item: opened ahead of its start (a relay buffers for its `preroll:`), then
// on air, its events journaled against its row until it has ended.
struct OnAir::Live {
  BroadcastKey key;
  std::size_t index = 0;  // in the broadcast's items as journaled (with the resumed offset)
  UtcTime expected;       // when it was expected to start, as it was opened
  std::shared_ptr<RelayEvents> events = std::make_shared<RelayEvents>();
  // Opened ahead, until its voice takes it.
  std::shared_ptr<std::unique_ptr<MonoSource>> source =
      std::make_shared<std::unique_ptr<MonoSource>>();
  std::shared_ptr<ItemRecord> record;  // once on air
  UtcTime start;                       // once on air
  std::string fallback;                // fallback_name() of the item
  std::string device;                  // an input's capture device; "" for a relay
};

struct OnAir::Event {
  using Kind = EventKind;
  UtcTime at;
  Kind kind = Kind::item_begin;
  std::shared_ptr<Track> track;
  std::shared_ptr<ItemRecord> item;
  JournalItem data;                     // item_begin
  JournalBroadcast broadcast;           // broadcast_begin, missed
  AirStatus status = AirStatus::aired;  // item_end, broadcast_end
  std::string reason;
};

struct OnAir::Upcoming {
  Broadcast broadcast;
  std::shared_ptr<Track> track;
};

OnAir::OnAir(AirStation station, Journal& journal, std::size_t max_block)
    : station_(std::make_shared<const AirStation>(std::move(station))),
      journal_(journal),
      rate_(station_->station->settings.audio.sample_rate),
      channels_(output_channels(station_->station->settings)),
      mixer_(channels_, max_block) {
  arbiter_.set_observer(this);
  mixer_.on_failure = [this](std::size_t tag, const std::string& reason) {
    for (auto& [t, rec] : voices_) {
      if (t == tag) rec->failure = reason;
    }
  };
}

OnAir::~OnAir() = default;

UtcTime OnAir::time_of(std::int64_t frame) const {
  const std::int64_t d = frame - anchor_frame_;
  // Exact: whole seconds, then the remainder in microseconds (rounded down).
  const std::int64_t secs = d >= 0 ? d / rate_ : -((-d + rate_ - 1) / rate_);
  const std::int64_t rest = d - secs * rate_;
  return anchor_time_ + std::chrono::seconds(secs) + Micros(rest * 1'000'000 / rate_);
}

std::int64_t OnAir::frame_of(UtcTime t) const {
  return anchor_frame_ + frame_at(t, anchor_time_, rate_);
}

bool OnAir::reanchor(std::int64_t frame, UtcTime t) {
  if (!quiet()) return false;
  anchor_frame_ = frame;
  anchor_time_ = t;
  return true;
}

bool OnAir::quiet() const {
  return arbiter_.idle() && arbiter_.pending() == 0 && mixer_.idle();
}

std::optional<UtcTime> OnAir::next_due() const {
  if (!quiet()) return time_of(position());
  if (feed_.empty()) return std::nullopt;
  return feed_.front().broadcast.scheduled;
}

namespace {

// An input opens this far ahead of its start: a capture device takes a moment to open and start
// delivering, and the first words after a chime must not be lost to it.
constexpr Micros kInputPreroll = std::chrono::seconds(2);

// How far ahead of its start a relay or input item opens.
Micros preroll_of(const BroadcastItem& item) {
  if (item.kind == BroadcastItem::Kind::input) return kInputPreroll;
  return std::min<Micros>(std::chrono::duration_cast<Micros>(item.clip->live.preroll),
                          Micros(kMaxPreroll));
}

// The capture device an input item opens ("" for a relay, or an input id the station lacks).
std::string device_of(const Station& station, const BroadcastItem& item) {
  if (item.kind != BroadcastItem::Kind::input) return {};
  for (const CaptureInput& in : station.settings.audio.inputs) {
    if (in.id == item.path()) return in.device;
  }
  return {};
}

}  // namespace

std::optional<UtcTime> OnAir::next_render() const {
  const auto due = next_due();
  if (!due || !quiet()) return due;
  UtcTime from = *due;
  for (const auto& u : feed_) {
    if (u.broadcast.scheduled > *due + Micros(kMaxPreroll)) break;
    UtcTime at = u.broadcast.scheduled;
    for (const BroadcastItem& item : u.broadcast.items) {
      if (at > *due + Micros(kMaxPreroll)) break;
      if (item.is_live() && !item.unreadable) from = std::min(from, at - preroll_of(item));
      at += item.length;
    }
  }
  return from;
}

std::optional<UtcTime> OnAir::next_flush() const {
  if (events_.empty()) return std::nullopt;
  return events_.front().at;
}

std::vector<OnAirSpan> OnAir::upcoming(UtcTime until) const {
  std::vector<OnAirSpan> out;
  const UtcTime now = time_of(position());
  for (std::size_t i = 0; i < arbiter_.size(); ++i) {
    const Broadcast& b = arbiter_.broadcast(i);
    if (arbiter_.done(i)) {
      // What aired still counts: it is decided (and done) ahead of being heard, and an amplifier
      // holds on after it. amplifier_plan() passes over what ended long ago.
      const Outcome& o = arbiter_.outcome(i);
      if (o.start && o.end) out.push_back({b.zones, *o.start, *o.end});
      continue;
    }
    const UtcTime start = std::max(b.scheduled, now);
    out.push_back({b.zones, start, start + b.length()});
  }
  for (const auto& u : feed_) {
    if (u.broadcast.scheduled >= until) break;
    out.push_back(
        {u.broadcast.zones, u.broadcast.scheduled, u.broadcast.scheduled + u.broadcast.length()});
  }
  std::sort(out.begin(), out.end(),
            [](const OnAirSpan& a, const OnAirSpan& b) { return a.start < b.start; });
  return out;
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> OnAir::find_slot(
    const BroadcastKey& key) const {
  const Station& s = *station_->station;
  for (std::size_t p = 0; p < s.programmes.size(); ++p) {
    if (s.programmes[p].id != key.programme) continue;
    if (key.slot < 0 || static_cast<std::size_t>(key.slot) >= s.programmes[p].slots.size()) break;
    return std::pair{static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(key.slot)};
  }
  return std::nullopt;
}

JournalBroadcast OnAir::describe(const Track& t, const Broadcast& b) const {
  JournalBroadcast jb;
  jb.id = t.journal_id;
  jb.key = t.key;
  if (b.programme != nullptr) {
    jb.title = b.programme->title;
    jb.reference = b.programme->reference;
  }
  jb.zones = zone_list(t.station->station->settings, b.zones);
  jb.priority = b.priority;
  return jb;
}

void OnAir::post(Event e) {
  events_.push_back(std::move(e));
}

void OnAir::post_begin(UtcTime at, const std::shared_ptr<Track>& track, const Broadcast& b) {
  Event e;
  e.at = at;
  e.kind = Event::Kind::broadcast_begin;
  e.track = track;
  e.broadcast = describe(*track, b);
  post(std::move(e));
}

void OnAir::post_item(UtcTime at, EventKind kind, const std::shared_ptr<Track>& track,
                      std::shared_ptr<ItemRecord> rec, AirStatus status, std::string reason,
                      JournalItem data) {
  Event e;
  e.at = at;
  e.kind = kind;
  e.track = track;
  e.item = std::move(rec);
  e.status = status;
  e.reason = std::move(reason);
  e.data = std::move(data);
  post(std::move(e));
}

// --- going on air ---------------------------------------------------------------------------

void OnAir::start(UtcTime now, std::int64_t frame, UtcTime frame_time) {
  anchor_frame_ = frame;
  anchor_time_ = frame_time;
  arbiter_ = Arbiter();
  arbiter_.set_observer(this);
  tracks_.clear();
  feed_.clear();
  const UtcTime present = std::max(now, time_of(position()));
  arbiter_.begin_at(present);
  draws_.clear();
  std::map<std::int64_t, RotationState> draws;
  rotation_ = split_draws(journal_.rotation(), draws);
  saved_rotation_ = rotation_;

  const Station& station = *station_->station;
  const std::optional<UtcTime> alive = journal_.last_alive();
  // Broadcasts that were waiting when loa stopped have not been journaled: look back far enough
  // to find them (they were due at most `late` before loa last ran). On a fresh journal loa never
  // ran: only broadcasts still within their `late` are for it, none is missed.
  const UtcTime horizon_start =
      alive ? std::min(*alive, present) - longest_late(station) - std::chrono::hours(1)
            : present - longest_late(station);
  fresh_since_ = alive ? std::optional<UtcTime>() : present;

  std::vector<JournalBroadcast> cut = journal_.unfinished();
  for (auto& jb : journal_.broadcasts(horizon_start - std::chrono::hours(24), present + kHorizon)) {
    if (jb.status == AirStatus::interrupted && jb.reason.starts_with(kHaltPrefix)) {
      cut.push_back(std::move(jb));
    }
  }
  std::sort(cut.begin(), cut.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  for (const auto& jb : cut) {
    const auto d = draws.find(jb.id);
    resume_cut(jb, present, d == draws.end() ? RotationState{} : d->second);
  }
  save_rotation();

  feed_end_ = horizon_start;
  refill_feed(present + kHorizon);
  journal_.mark_alive(present);
  last_alive_mark_ = present;
}

void OnAir::resume_cut(const JournalBroadcast& jb, UtcTime now, const RotationState& drew_from) {
  // When it was cut: at loa's halt (journaled), or at the crash (loa's last sign of life).
  UtcTime cut_at = jb.end.value_or(journal_.last_alive().value_or(now));
  // Not before its last item row. Only the last written one: after the clock was set back, an
  // earlier row can end later, and taking it made a crash-cut item end after the crash and the
  // broadcast resume however long loa was down.
  const auto last_row =
      std::max_element(jb.items.begin(), jb.items.end(),
                       [](const JournalItem& x, const JournalItem& y) { return x.id < y.id; });
  if (last_row != jb.items.end()) {
    cut_at = std::max(cut_at, last_row->end.value_or(last_row->start));
  }
  cut_at = std::min(cut_at, now);
  // The item a crash cut was left playing in the journal: it ended when loa stopped.
  for (const auto& item : jb.items) {
    if (item.status == AirStatus::playing && item.id != 0) {
      journal_.end_item(item.id, cut_at, AirStatus::cut, std::string(kCrashed));
    }
  }
  const auto slot = find_slot(jb.key);
  if (!slot) {
    journal_.end_broadcast(jb.id, cut_at, AirStatus::interrupted,
                           is_play_now(jb.key)
                               ? "cut by a restart; a play-now broadcast is not resumed"
                               : "cut by a restart; its programme is no longer loaded");
    return;
  }
  const Station& station = *station_->station;
  const Programme& prog = station.programmes[slot->first];
  // The clips it drew when it began: its draw again, from where those playlists stood then. The
  // rotation does not move again.
  RotationState rotation = rotation_;
  for (const auto& [playlist, pos] : drew_from) rotation[playlist] = pos;
  Broadcast b = expand_broadcast(station, prog, prog.slots[slot->second], jb.key.scheduled,
                                 rotation, station_->lengths);
  // It goes on after its last item row, the last written: an index can have several rows (cut,
  // then aired after a resume), and the first of them is not the latest. A failed item was
  // passed over.
  std::size_t next = 0;
  if (last_row != jb.items.end()) {
    next = static_cast<std::size_t>(last_row->index) +
           (last_row->status == AirStatus::aired || last_row->status == AirStatus::failed ? 1 : 0);
  }
  if (now - cut_at > b.late || next >= b.items.size()) {
    const bool whole = next >= b.items.size();
    journal_.end_broadcast(jb.id, cut_at, whole ? AirStatus::aired : AirStatus::interrupted,
                           whole ? std::string{} : std::string(kNotBack));
    return;
  }
  b.items.erase(b.items.begin(), b.items.begin() + static_cast<std::ptrdiff_t>(next));
  b.scheduled = cut_at;
  auto track = std::make_shared<Track>();
  track->station = station_;
  track->key = jb.key;
  track->item_offset = next;
  track->journal_id = jb.id;
  track->resumed = true;
  track->drew_from = drew_from;
  if (!drew_from.empty()) draws_[jb.id] = drew_from;
  add_broadcast(std::move(b), std::move(track));
}

void OnAir::refill_feed(UtcTime until) {
  if (until <= feed_end_) return;
  const Station& station = *station_->station;
  std::set<BroadcastKey> live;
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    if (!arbiter_.done(i)) live.insert(tracks_[i]->key);
  }
  // What they play is settled when they start (first_sound); until then, for their lengths, a
  // guess: the clips they would draw if every one of them aired.
  RotationState guess = rotation_;
  for (const SlotOccurrence& o : slot_occurrences(station, feed_end_, until)) {
    const Programme& prog = station.programmes[o.programme];
    const Slot& slot = prog.slots[o.slot];
    if (fresh_since_ && o.time + slot.late < *fresh_since_) continue;
    BroadcastKey key{prog.id, static_cast<int>(o.slot), o.time};
    if (live.contains(key) || journal_.find(key)) continue;
    auto track = std::make_shared<Track>();
    track->station = station_;
    track->key = std::move(key);
    Broadcast b = expand_broadcast(station, prog, slot, o.time, guess, station_->lengths);
    feed_.push_back({std::move(b), std::move(track)});
  }
  feed_end_ = until;
}

std::size_t OnAir::add_broadcast(Broadcast b, std::shared_ptr<Track> track) {
  tracks_.push_back(std::move(track));
  return arbiter_.add(std::move(b));
}

void OnAir::admit_until(UtcTime t) {
  while (!feed_.empty() && feed_.front().broadcast.scheduled <= t) {
    Upcoming u = std::move(feed_.front());
    feed_.pop_front();
    add_broadcast(std::move(u.broadcast), std::move(u.track));
  }
}

void OnAir::look_ahead(UtcTime now) {
  if (feed_end_ < now + kHorizon / 2) refill_feed(now + kHorizon);
}

void OnAir::render(std::span<float> out) {
  const auto frames = static_cast<std::int64_t>(out.size()) / channels_;
  const UtcTime decide = time_of(position() + frames) + kDecisionLead;
  arbiter_.begin_at(time_of(position()));
  if (feed_end_ < decide + kHorizon / 2) refill_feed(decide + kHorizon);
  admit_until(decide);
  arbiter_.run_until(decide);
  warm_live(decide);
  mixer_.render(out);
  maybe_compact();
}

// --- relays and inputs ----------------------------------------------------------------------

namespace {

// The longest `preroll:` (kMaxPreroll) is as far as the engine looks for relays to open ahead.
// How often the engine looks for relays and inputs to open ahead.
constexpr Micros kWarmEvery = std::chrono::milliseconds(250);

// A relay opened ahead whose item has not started this long after it was expected (its broadcast
// waits, or was missed): closed; it opens again when it starts.
constexpr Micros kWarmExpiry = std::chrono::minutes(2);

}  // namespace

void OnAir::warm_broadcast(const Broadcast& b, const Track& track, std::size_t first, UtcTime at,
                           UtcTime now) {
  for (std::size_t i = first; i < b.items.size() && at <= now + Micros(kMaxPreroll); ++i) {
    const BroadcastItem& item = b.items[i];
    const UtcTime start = at;
    at += item.length;
    if (!item.is_live() || item.unreadable || start <= now) continue;
    if (start - preroll_of(item) > now) continue;
    const std::size_t index = i + track.item_offset;
    const bool opened = std::any_of(live_.begin(), live_.end(), [&](const auto& l) {
      return l->key == track.key && l->index == index;
    });
    if (opened || !track.station->open_live) continue;
    // A capture device another input holds (on air, or opened ahead) may refuse a second opening
    // (ALSA's hw devices do): that input keeps it, and this one opens when it starts.
    const std::string device = device_of(*track.station->station, item);
    if (!device.empty() && device_held(device)) continue;
    auto live = std::make_shared<Live>();
    live->key = track.key;
    live->index = index;
    live->expected = start;
    live->fallback = fallback_name(*item.clip);
    live->device = device;
    try {
      *live->source = track.station->open_live(item, live->events);
    } catch (const std::exception&) {
      continue;  // opened again when it starts, and its failure journaled then
    }
    live_.push_back(std::move(live));
  }
}

bool OnAir::device_held(const std::string& device) const {
  return std::any_of(live_.begin(), live_.end(), [&](const auto& l) {
    return l->device == device && !(l->record && l->record->ended);
  });
}

void OnAir::warm_live(UtcTime now) {
  if (last_warm_ && now - *last_warm_ < kWarmEvery && now >= *last_warm_) return;
  last_warm_ = now;
  std::erase_if(live_, [&](const std::shared_ptr<Live>& l) {
    return !l->record && now - l->expected > kWarmExpiry;
  });
  for (std::size_t i = 0; i < arbiter_.size() && i < tracks_.size(); ++i) {
    if (arbiter_.done(i)) continue;
    const Track& t = *tracks_[i];
    const Broadcast& b = arbiter_.broadcast(i);
    if (!t.begun) {
      warm_broadcast(b, t, 0, std::max(b.scheduled, now), now);
    } else if (t.playing.item >= static_cast<int>(t.item_offset)) {
      warm_broadcast(b, t, static_cast<std::size_t>(t.playing.item) - t.item_offset + 1,
                     t.playing.item_end, now);
    }
  }
  for (const auto& u : feed_) {
    if (u.broadcast.scheduled > now + Micros(kMaxPreroll)) break;
    warm_broadcast(u.broadcast, *u.track, 0, u.broadcast.scheduled, now);
  }
}

void OnAir::journal_live() {
  for (const auto& l : live_) {
    if (!l->record || l->record->id == 0) continue;
    for (const RelayEvent& e : l->events->drain()) {
      JournalItemEvent j;
      j.kind = relay_event_name(e.kind);
      j.reason = e.reason;
      j.codec = e.codec;
      j.rate = e.rate;
      j.channels = e.channels;
      j.frame = e.frame;
      if (e.kind == RelayEvent::Kind::dead_air_started) j.fallback = l->fallback;
      // Where the relay says at which of its frames it happened, that is when it was heard.
      j.t = e.frame >= 0 ? l->start + Micros(e.frame * 1'000'000 / rate_)
                         : std::chrono::time_point_cast<Micros>(e.when);
      journal_.add_item_event(l->record->id, j);
    }
  }
  std::erase_if(live_,
                [](const std::shared_ptr<Live>& l) { return l->record && l->record->ended; });
}

// --- what the arbiter decides ---------------------------------------------------------------

void OnAir::first_sound(std::size_t b, Broadcast& broadcast, UtcTime /*at*/) {
  Track& track = *tracks_[b];
  if (track.resumed || is_play_now(track.key)) return;  // it drew before, or draws nothing
  const RotationState before = rotation_;
  broadcast = expand_broadcast(*track.station->station, *broadcast.programme, *broadcast.slot,
                               broadcast.scheduled, rotation_, track.station->lengths);
  for (const auto& [playlist, pos] : rotation_) {
    const auto was = before.find(playlist);
    const std::uint64_t from = was == before.end() ? 0 : was->second;
    if (from != pos) track.drew_from.emplace(playlist, from);
  }
  if (!track.drew_from.empty()) track.rotation_after = rotation_;
}

void OnAir::zones_stopped(std::size_t b, ZoneSet zones, UtcTime at) {
  const Track& track = *tracks_[b];
  if (track.voice == SIZE_MAX) return;
  mixer_.silence(track.voice, channel_mask(track.station->station->settings, zones), frame_of(at),
                 frame_at(anchor_time_ + kCutFade, anchor_time_, rate_));
}

void OnAir::item_started(std::size_t b, std::size_t item, UtcTime start, UtcTime end) {
  const std::shared_ptr<Track>& track = tracks_[b];
  const Broadcast& br = arbiter_.broadcast(b);
  const BroadcastItem& it = br.items[item];
  if (!track->begun) {
    track->begun = true;
    post_begin(start, track, br);
  }
  auto rec = std::make_shared<ItemRecord>();
  JournalItem data;
  data.index = static_cast<int>(item + track->item_offset);
  data.kind = std::string(item_kind_name(it.kind));
  data.path = std::string(it.path());
  data.start = start;
  post_item(start, Event::Kind::item_begin, track, rec, AirStatus::playing, {}, std::move(data));
  ++track->items_played;
  track->voice = SIZE_MAX;
  track->current = rec;
  track->playing.item = static_cast<int>(item + track->item_offset);
  track->playing.kind = std::string(item_kind_name(it.kind));
  track->playing.path = std::string(it.path());
  track->playing.item_start = start;
  track->playing.item_end = end;
  if (it.kind == BroadcastItem::Kind::silence || it.kind == BroadcastItem::Kind::gap) return;

  Voice v;
  v.start = frame_of(start);
  v.end = frame_of(end);
  v.channels = channel_mask(track->station->station->settings, br.zones);
  v.open = [station = track->station, copy = it] { return station->open(copy); };
  if (it.is_live()) {
    // The relay opened ahead for this item, if there is one; else it opens now.
    const std::size_t index = item + track->item_offset;
    auto found = std::find_if(live_.begin(), live_.end(), [&](const auto& l) {
      return !l->record && l->key == track->key && l->index == index;
    });
    std::shared_ptr<Live> live;
    if (found != live_.end()) {
      live = *found;
    } else {
      live = std::make_shared<Live>();
      live->key = track->key;
      live->index = index;
      live->expected = start;
      live->fallback = fallback_name(*it.clip);
      live->device = device_of(*track->station->station, it);
      // An input opened ahead for an item that has not started (its broadcast waits under this
      // one) lets its device go, so that this one, on air now, can open it.
      if (!live->device.empty()) {
        std::erase_if(live_, [&](const std::shared_ptr<Live>& l) {
          return !l->record && l->device == live->device;
        });
      }
      live_.push_back(live);
    }
    live->record = rec;
    live->start = start;
    if (track->station->open_live) {
      v.open = [station = track->station, copy = it, source = live->source,
                events = live->events]() -> std::unique_ptr<MonoSource> {
        if (*source) return std::move(*source);
        return station->open_live(copy, events);
      };
    }
  }
  v.tag = next_tag_++;
  track->voice = v.tag;
  voices_.emplace_back(v.tag, rec);
  if (voices_.size() > 256) voices_.erase(voices_.begin(), voices_.begin() + 128);
  mixer_.add(std::move(v));
}

void OnAir::item_ended(std::size_t b, const AiredItem& aired) {
  const std::shared_ptr<Track>& track = tracks_[b];
  const Broadcast& br = arbiter_.broadcast(b);
  if (aired.start == aired.end && !aired.cut) {
    // A clip that could not be read when the station was loaded: passed over at once.
    if (!track->begun) {
      track->begun = true;
      post_begin(aired.start, track, br);
    }
    JournalItem data;
    data.index = static_cast<int>(aired.item + track->item_offset);
    data.kind = std::string(item_kind_name(br.items[aired.item].kind));
    data.path = std::string(br.items[aired.item].path());
    data.start = aired.start;
    auto rec = std::make_shared<ItemRecord>();
    rec->failure = kUnreadable;
    post_item(aired.start, Event::Kind::item_begin, track, rec, AirStatus::playing, {},
              std::move(data));
    post_item(aired.end, Event::Kind::item_end, track, rec, AirStatus::failed, {}, {});
    ++track->items_played;
    ++track->items_failed;
    return;
  }
  track->playing.item_end = aired.end;
  if (aired.cut && track->voice != SIZE_MAX) {
    mixer_.cut(track->voice, frame_of(aired.end),
               frame_at(anchor_time_ + kCutFade, anchor_time_, rate_));
  }
  std::string reason;
  if (aired.cut) reason = cut_reason_.empty() ? std::string(kCutIn) : cut_reason_;
  post_item(aired.end, Event::Kind::item_end, track, track->current,
            aired.cut ? AirStatus::cut : AirStatus::aired, std::move(reason), {});
}

void OnAir::broadcast_done(std::size_t b) {
  const std::shared_ptr<Track>& track = tracks_[b];
  const Broadcast& br = arbiter_.broadcast(b);
  const Outcome& o = arbiter_.outcome(b);
  ++done_since_compact_;
  const UtcTime now = std::max(time_of(position()), br.scheduled);
  switch (o.status) {
    case BroadcastStatus::withdrawn:
      if (track->resumed) {
        // Withdrawn by halt(): journaled with its reason, so the next start() resumes it again.
        post_item(now, Event::Kind::broadcast_end, track, nullptr, AirStatus::interrupted,
                  cut_reason_.empty() ? std::string(kChanged) : cut_reason_, {});
      }
      return;
    case BroadcastStatus::missed:
      if (track->resumed) {
        post_item(now, Event::Kind::broadcast_end, track, nullptr, AirStatus::interrupted,
                  std::string(kNoResume), {});
      } else {
        post_begin(now, track, br);
        events_.back().kind = Event::Kind::missed;
        events_.back().reason = kTooLate;
      }
      return;
    case BroadcastStatus::interrupted: {
      // Resumed and played to its last item: it aired (its items show the cut).
      const bool completed =
          !o.aired.empty() && !o.aired.back().cut && o.aired.back().item + 1 == br.items.size();
      if (completed) {
        post_item(o.end.value_or(now), Event::Kind::broadcast_end, track, nullptr, AirStatus::aired,
                  std::string(kResumed), {});
        return;
      }
      const std::string reason = cut_reason_.empty() ? std::string(kCutIn) : cut_reason_;
      post_item(o.end.value_or(now), Event::Kind::broadcast_end, track, nullptr,
                AirStatus::interrupted, reason, {});
      return;
    }
    case BroadcastStatus::planned:
    case BroadcastStatus::delayed:
      if (track->removed) {
        post_item(o.end.value_or(now), Event::Kind::broadcast_end, track, nullptr,
                  AirStatus::interrupted, std::string(kRemoved), {});
        return;
      }
      // Whether every item failed is known once their journal rows are written (flush).
      post_item(o.end.value_or(now), Event::Kind::broadcast_end, track, nullptr, AirStatus::aired,
                {}, {});
      return;
  }
}

// --- the journal ----------------------------------------------------------------------------

void OnAir::flush(UtcTime now) {
  bool wrote = false;
  while (!events_.empty() && events_.front().at <= now) {
    Event e = std::move(events_.front());
    events_.pop_front();
    wrote = true;
    Track& t = *e.track;
    switch (e.kind) {
      case Event::Kind::broadcast_begin:
        t.journal_id = journal_.begin_broadcast(e.broadcast, e.at);
        if (!t.drew_from.empty()) {
          // Where the playlists stand once it has drawn, and its draw, until it ends.
          saved_rotation_ = t.rotation_after;
          draws_[t.journal_id] = t.drew_from;
          save_rotation();
        }
        break;
      case Event::Kind::item_begin:
        if (t.journal_id != 0) e.item->id = journal_.begin_item(t.journal_id, e.data);
        break;
      case Event::Kind::item_end: {
        e.item->ended = true;
        if (e.item->id == 0) break;
        const bool failed = !e.item->failure.empty();
        if (failed && e.status != AirStatus::failed) ++t.items_failed;
        journal_.end_item(e.item->id, e.at, failed ? AirStatus::failed : e.status,
                          failed ? e.item->failure : e.reason);
        break;
      }
      case Event::Kind::broadcast_end:
        if (e.status == AirStatus::aired && t.items_played > 0 &&
            t.items_failed == t.items_played) {
          e.status = AirStatus::failed;
          e.reason = kNothingPlayed;
        }
        if (t.journal_id != 0) journal_.end_broadcast(t.journal_id, e.at, e.status, e.reason);
        // Its draw is kept while a restart may still resume it.
        if (!e.reason.starts_with(kHaltPrefix) && draws_.erase(t.journal_id) > 0) save_rotation();
        break;
      case Event::Kind::missed:  // it drew nothing: the rotation stays where it is
        journal_.record_missed(e.broadcast, AirStatus::missed, e.reason);
        break;
    }
  }
  if (!live_.empty()) journal_live();
  if (wrote || !last_alive_mark_ || now - *last_alive_mark_ >= std::chrono::seconds(5)) {
    if (!quiet() || wrote) {
      journal_.mark_alive(now);
      last_alive_mark_ = now;
    }
  }
}

void OnAir::save_rotation() {
  RotationState state = saved_rotation_;
  for (const auto& [id, drew] : draws_) {
    for (const auto& [playlist, pos] : drew) state[draw_key(id, playlist)] = pos;
  }
  journal_.save_rotation(state);
}

// --- changes from outside -------------------------------------------------------------------

void OnAir::reload(AirStation station) {
  station_ = std::make_shared<const AirStation>(std::move(station));
  UtcTime from = feed_end_;
  for (const auto& u : feed_) from = std::min(from, u.broadcast.scheduled);
  const UtcTime now = time_of(position());
  from = std::min(from, now);
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    if (arbiter_.done(i) || is_play_now(tracks_[i]->key)) continue;
    if (!arbiter_.on_air(i)) {
      from = std::min(from, arbiter_.broadcast(i).scheduled);
      arbiter_.withdraw(i, now);
    } else if (!find_slot(tracks_[i]->key)) {
      tracks_[i]->removed = true;
      cut_reason_ = std::string(kRemoved);
      arbiter_.withdraw(i, now);
      cut_reason_.clear();
    }
  }
  arbiter_.drop_pending();
  tracks_.resize(arbiter_.size());
  feed_.clear();
  feed_end_ = from;
  refill_feed(now + kHorizon);
}

UtcTime OnAir::play_now(AirStation adhoc, UtcTime at) {
  auto station = std::make_shared<const AirStation>(std::move(adhoc));
  const Station& s = *station->station;
  const Programme& prog = s.programmes.at(0);
  // Not before what the arbiter has decided: it arrives at once, ahead of broadcasts not yet due.
  at = std::max(at, arbiter_.present());
  RotationState rotation;
  Broadcast b = expand_broadcast(s, prog, prog.slots.at(0), at, rotation, station->lengths);
  auto track = std::make_shared<Track>();
  track->station = std::move(station);
  track->key = BroadcastKey{prog.id, -1, at};
  add_broadcast(std::move(b), std::move(track));
  return at;
}

std::vector<NowPlaying> OnAir::now_playing() const {
  std::vector<NowPlaying> out;
  for (std::size_t i = 0; i < arbiter_.size(); ++i) {
    if (arbiter_.done(i) || !arbiter_.on_air(i) || i >= tracks_.size()) continue;
    const Track& t = *tracks_[i];
    if (t.voice == SIZE_MAX && t.playing.kind.empty()) continue;
    const Broadcast& b = arbiter_.broadcast(i);
    NowPlaying p = t.playing;
    p.key = t.key;
    p.title = b.programme != nullptr ? b.programme->title : std::string();
    p.zones = b.zones;
    p.priority = b.priority;
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(),
            [](const NowPlaying& a, const NowPlaying& b) { return a.item_start < b.item_start; });
  return out;
}

std::vector<ComingUp> OnAir::coming_up(std::size_t n) const {
  std::vector<ComingUp> out;
  const auto add = [&out](const BroadcastKey& key, const Broadcast& b, bool waiting) {
    out.push_back({key, b.programme != nullptr ? b.programme->title : std::string(), b.zones,
                   b.priority, b.scheduled, waiting});
  };
  for (std::size_t i = 0; i < arbiter_.size() && i < tracks_.size(); ++i) {
    if (!arbiter_.done(i) && !arbiter_.on_air(i)) add(tracks_[i]->key, arbiter_.broadcast(i), true);
  }
  for (const auto& u : feed_) {
    if (out.size() >= n) break;
    add(u.track->key, u.broadcast, false);
  }
  if (out.size() > n) out.resize(n);
  return out;
}

void OnAir::stop(ZoneSet zones, const std::string& reason) {
  cut_reason_ = reason;
  arbiter_.stop(zones, std::max(time_of(position()), arbiter_.present()));
  cut_reason_.clear();
}

ZoneSet OnAir::end_adhoc(std::string_view programme, const std::string& reason) {
  const UtcTime at = std::max(time_of(position()), arbiter_.present());
  ZoneSet all = 0;
  ZoneSet on = 0;
  cut_reason_ = reason;
  for (std::size_t i = 0; i < arbiter_.size() && i < tracks_.size(); ++i) {
    if (arbiter_.done(i) || !tracks_[i]) continue;
    const BroadcastKey& key = tracks_[i]->key;
    if (key.slot != -1 || key.programme != programme) continue;
    all |= arbiter_.broadcast(i).zones;
    if (arbiter_.playing(i)) {
      on |= arbiter_.broadcast(i).zones;
    } else {
      arbiter_.withdraw(i, at);
    }
  }
  if (on != 0) arbiter_.stop(on, at);
  cut_reason_.clear();
  return all;
}

void OnAir::halt(const std::string& reason) {
  cut_reason_ = std::string(kHaltPrefix) + reason;
  const UtcTime at = std::max(time_of(position()), arbiter_.present());
  // Nothing may start once loa halts: Arbiter::stop() hands the zones it frees to the broadcasts
  // waiting for them, which would then start (and be journaled as playing) with no output to hear
  // them. So first drop those admitted but not yet due and withdraw those waiting; none of them is
  // journaled (a resumed remainder is journaled as cut again), and the next start() finds them.
  arbiter_.drop_pending();
  tracks_.resize(arbiter_.size());
  // Those waiting to start or to resume (paused) are withdrawn too: Arbiter::stop() leaves them.
  for (std::size_t i = 0; i < arbiter_.size(); ++i) {
    if (!arbiter_.done(i) && !arbiter_.playing(i)) arbiter_.withdraw(i, at);
  }
  arbiter_.stop(~ZoneSet{0}, at);
  cut_reason_.clear();
  // Writes every pending row. They are not in time order (a paused broadcast withdrawn by stop()
  // ends where its last item did, before the cuts just posted), so flush to the latest of them:
  // flushing to the last one's time wrote nothing and looped forever.
  UtcTime last = UtcTime::min();
  for (const Event& e : events_) last = std::max(last, e.at);
  if (!events_.empty()) flush(last);
  feed_.clear();
}

void OnAir::maybe_compact() {
  if (done_since_compact_ < 64) return;
  done_since_compact_ = 0;
  const std::vector<std::size_t> moved = arbiter_.compact();
  std::vector<std::shared_ptr<Track>> kept(arbiter_.size());
  for (std::size_t i = 0; i < moved.size(); ++i) {
    if (moved[i] != SIZE_MAX) kept[moved[i]] = std::move(tracks_[i]);
  }
  tracks_ = std::move(kept);
}

}  // namespace loa
