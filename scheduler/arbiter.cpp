#include "loa/arbiter.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace loa {

std::string_view status_name(BroadcastStatus s) {
  switch (s) {
    case BroadcastStatus::planned:
      return "planned";
    case BroadcastStatus::delayed:
      return "delayed";
    case BroadcastStatus::interrupted:
      return "interrupted";
    case BroadcastStatus::missed:
      return "missed";
    case BroadcastStatus::withdrawn:
      return "withdrawn";
  }
  return "?";
}

std::size_t Arbiter::add(Broadcast b) {
  Entry e;
  e.broadcast = std::move(b);
  entries_.push_back(std::move(e));
  return entries_.size() - 1;
}

PlannedBroadcast Arbiter::take(std::size_t i) {
  Entry& e = entries_[i];
  PlannedBroadcast out{std::move(e.broadcast), std::move(e.outcome)};
  e.broadcast.scheduled = out.broadcast.scheduled;
  return out;
}

bool Arbiter::before(std::size_t a, std::size_t b) const {
  const Broadcast& x = entries_[a].broadcast;
  const Broadcast& y = entries_[b].broadcast;
  if (x.priority != y.priority) return x.priority > y.priority;
  if (x.scheduled != y.scheduled) return x.scheduled < y.scheduled;
  return a < b;
}

void Arbiter::enqueue(std::size_t i) {
  auto at = std::upper_bound(queue_.begin(), queue_.end(), i,
                             [this](std::size_t a, std::size_t b) { return before(a, b); });
  queue_.insert(at, i);
}

std::optional<UtcTime> Arbiter::next_event() const {
  std::optional<UtcTime> t;
  const auto consider = [&t](UtcTime c) {
    if (!t || c < *t) t = c;
  };
  if (next_arrival_ < entries_.size()) {
    consider(std::max(entries_[next_arrival_].broadcast.scheduled, floor_));
  }
  for (std::size_t i : playing_) consider(entries_[i].item_end);
  for (std::size_t i : queue_) {
    const Entry& e = entries_[i];
    // At its last instant of `late` it either starts or is missed.
    if (e.phase == Phase::waiting)
      consider(std::max(e.broadcast.scheduled + e.broadcast.late, floor_));
  }
  return t;
}

void Arbiter::run_until(UtcTime t) {
  while (auto next = next_event()) {
    if (*next > t) break;
    step(*next);
  }
}

void Arbiter::run_to_end() {
  while (auto next = next_event()) step(*next);
}

void Arbiter::begin_at(UtcTime t) {
  floor_ = std::max(floor_, t);
}

void Arbiter::step(UtcTime now) {
  floor_ = now;
  finish_items(now);
  while (next_arrival_ < entries_.size() && entries_[next_arrival_].broadcast.scheduled <= now) {
    // Withdrawn before it arrived (an operator ended a live broadcast still to come).
    if (entries_[next_arrival_].phase == Phase::done) {
      ++next_arrival_;
      continue;
    }
    entries_[next_arrival_].phase = Phase::waiting;
    enqueue(next_arrival_++);
  }
  // Past their `late` before this instant (they arrived late, after begin_at): no chance at all.
  std::erase_if(queue_, [&](std::size_t i) {
    const Entry& e = entries_[i];
    if (e.phase != Phase::waiting || now <= e.broadcast.scheduled + e.broadcast.late) return false;
    miss(i);
    return true;
  });
  decide(now);
}

void Arbiter::finish_items(UtcTime now) {
  // Copy: finishing may remove entries from playing_. (Scratch vectors keep steps from allocating.)
  std::vector<std::size_t>& playing = scratch_playing_;
  playing.assign(playing_.begin(), playing_.end());
  for (std::size_t i : playing) {
    Entry& e = entries_[i];
    if (e.between || e.item_end != now) continue;
    e.outcome.aired.push_back({e.next_item, e.item_start, now, false});
    if (observer_) observer_->item_ended(i, e.outcome.aired.back());
    ++e.next_item;
    if (e.next_item >= e.broadcast.items.size()) {
      finish(i, now);
    } else if (e.yield) {
      pause(i);
    } else {
      e.between = true;  // its next item begins once this instant's decisions are taken
    }
  }
}

void Arbiter::decide(UtcTime now) {
  // Each round either settles or takes a broadcast out of contention (missed, or finished at once
  // because nothing of it is left to play), so it ends.
  for (;;) {
    while (dispatch(now)) {
    }
    if (expire(now)) continue;
    if (commit(now)) continue;
    return;
  }
}

bool Arbiter::dispatch(UtcTime now) {
  for (std::size_t i : playing_) entries_[i].yield = false;
  ZoneSet blocked = 0;
  for (std::size_t k = 0; k < queue_.size();) {
    const std::size_t i = queue_[k];
    const Broadcast& b = entries_[i].broadcast;
    if ((b.zones & blocked) != 0) {
      blocked |= b.zones;  // no overtaking: it keeps its zones from those ranked after it
      ++k;
      continue;
    }
    std::vector<std::size_t>& occupants = scratch_occupants_;
    occupants.clear();
    bool outranks_all = true;
    for (std::size_t p : playing_) {
      if ((entries_[p].broadcast.zones & b.zones) == 0) continue;
      occupants.push_back(p);
      outranks_all = outranks_all && b.priority > entries_[p].broadcast.priority;
    }
    if (occupants.empty()) {
      start(i);  // takes it out of queue_[k]
      continue;
    }
    if (!outranks_all) {
      blocked |= b.zones;
      ++k;
      continue;
    }
    // It wins. Losers between items stop there (nothing is cut); those in the middle of an item
    // are cut now (hard) or asked to stop when it ends (soft).
    bool freed = false;
    bool wait = false;
    for (std::size_t p : occupants) {
      Entry& o = entries_[p];
      if (o.between) {
        o.between = false;
        if (!o.outcome.start) {  // never sounded: simply waits again
          release(p);
          o.phase = Phase::waiting;
          enqueue(p);
        } else {
          pause(p);
        }
        freed = true;
      } else if (b.start == StartMode::hard) {
        cut(p, now);
        freed = true;
      } else {
        o.yield = true;
        wait = true;
      }
    }
    if (!wait) start(i);
    // Zones the losers held and the winner does not use are free now, and the losers wait in the
    // queue: look again from the top, so whoever ranks first gets them.
    if (freed) return true;
    blocked |= b.zones;
    ++k;
  }
  return false;
}

bool Arbiter::expire(UtcTime now) {
  return std::erase_if(queue_, [&](std::size_t i) {
           const Entry& e = entries_[i];
           if (e.phase != Phase::waiting || now < e.broadcast.scheduled + e.broadcast.late) {
             return false;
           }
           miss(i);
           return true;
         }) > 0;
}

bool Arbiter::commit(UtcTime now) {
  std::vector<std::size_t>& starting = scratch_playing_;
  starting.clear();
  std::copy_if(playing_.begin(), playing_.end(), std::back_inserter(starting),
               [this](std::size_t i) { return entries_[i].between; });
  // Those that sound for the first time settle what they play in their rank order (a rotating
  // playlist's clips go to them in that order), whatever the order they won their zones in.
  std::stable_sort(starting.begin(), starting.end(), [this](std::size_t a, std::size_t b) {
    const bool first_a = !entries_[a].outcome.start;
    const bool first_b = !entries_[b].outcome.start;
    return first_a != first_b ? first_a : first_a && before(a, b);
  });
  bool freed = false;
  for (std::size_t i : starting) {
    Entry& e = entries_[i];
    e.between = false;
    if (!e.outcome.start) {
      if (observer_) observer_->first_sound(i, e.broadcast, now);
      e.outcome.start = now;
    }
    begin_item(i, now);
    freed = freed || e.phase == Phase::done;
  }
  return freed;
}

void Arbiter::miss(std::size_t i) {
  Entry& e = entries_[i];
  e.phase = Phase::done;
  e.outcome.status = BroadcastStatus::missed;
  if (observer_) observer_->broadcast_done(i);
}

void Arbiter::start(std::size_t i) {
  Entry& e = entries_[i];
  std::erase(queue_, i);
  e.phase = Phase::playing;
  e.yield = false;
  e.between = true;  // its first (or next) item begins when this instant is settled
  playing_.push_back(i);
}

void Arbiter::begin_item(std::size_t i, UtcTime now) {
  Entry& e = entries_[i];
  // Items of no length (a clip that cannot be read) are passed over at once.
  while (e.next_item < e.broadcast.items.size() &&
         e.broadcast.items[e.next_item].length.count() == 0) {
    e.outcome.aired.push_back({e.next_item, now, now, false});
    if (observer_) observer_->item_ended(i, e.outcome.aired.back());
    ++e.next_item;
  }
  if (e.next_item >= e.broadcast.items.size()) {
    finish(i, now);
    return;
  }
  e.item_start = now;
  e.item_end = now + e.broadcast.items[e.next_item].length;
  if (observer_) observer_->item_started(i, e.next_item, e.item_start, e.item_end);
}

void Arbiter::cut(std::size_t i, UtcTime now) {
  Entry& e = entries_[i];
  e.outcome.aired.push_back({e.next_item, e.item_start, now, true});
  if (observer_) observer_->item_ended(i, e.outcome.aired.back());
  e.interrupted = true;
  release(i);
  if (e.broadcast.on_interrupt == OnInterrupt::drop) {
    e.phase = Phase::done;
    e.outcome.end = now;
    e.outcome.status = BroadcastStatus::interrupted;
    if (observer_) observer_->broadcast_done(i);
    return;
  }
  e.phase = Phase::paused;  // the cut item is played again from its start
  enqueue(i);
}

void Arbiter::pause(std::size_t i) {
  Entry& e = entries_[i];
  e.interrupted = true;
  e.between = false;
  release(i);
  if (e.broadcast.on_interrupt == OnInterrupt::drop) {
    e.phase = Phase::done;
    e.outcome.end = e.outcome.aired.empty() ? e.outcome.start : e.outcome.aired.back().end;
    e.outcome.status = BroadcastStatus::interrupted;
    if (observer_) observer_->broadcast_done(i);
    return;
  }
  e.phase = Phase::paused;
  enqueue(i);
}

void Arbiter::finish(std::size_t i, UtcTime now) {
  Entry& e = entries_[i];
  release(i);
  e.phase = Phase::done;
  e.between = false;
  e.outcome.end = now;
  if (e.interrupted) {
    e.outcome.status = BroadcastStatus::interrupted;
  } else if (e.outcome.start && *e.outcome.start > e.broadcast.scheduled) {
    e.outcome.status = BroadcastStatus::delayed;
  } else {
    e.outcome.status = BroadcastStatus::planned;
  }
  if (observer_) observer_->broadcast_done(i);
}

void Arbiter::release(std::size_t i) {
  std::erase(playing_, i);
}

void Arbiter::drop_pending() {
  entries_.resize(next_arrival_);
}

bool Arbiter::on_air(std::size_t i) const {
  const Entry& e = entries_[i];
  return e.phase != Phase::done && e.outcome.start.has_value();
}

bool Arbiter::playing(std::size_t i) const {
  return entries_[i].phase == Phase::playing;
}

bool Arbiter::done(std::size_t i) const {
  return entries_[i].phase == Phase::done;
}

void Arbiter::withdraw(std::size_t i, UtcTime now) {
  Entry& e = entries_[i];
  switch (e.phase) {
    case Phase::done:
      return;
    case Phase::scheduled:
    case Phase::waiting:
      if (e.outcome.start) break;  // a paused broadcast can be waiting too; handled below
      std::erase(queue_, i);
      e.phase = Phase::done;
      e.outcome.status = BroadcastStatus::withdrawn;
      if (observer_) observer_->broadcast_done(i);
      return;
    case Phase::playing:
      // The current item finishes; nothing follows it.
      e.broadcast.items.resize(e.next_item + 1);
      return;
    case Phase::paused:
      break;
  }
  std::erase(queue_, i);
  e.phase = Phase::done;
  e.outcome.end = e.outcome.aired.empty() ? now : e.outcome.aired.back().end;
  e.outcome.status = BroadcastStatus::interrupted;
  if (observer_) observer_->broadcast_done(i);
}

void Arbiter::stop(ZoneSet zones, UtcTime now) {
  floor_ = std::max(floor_, now);
  const std::vector<std::size_t> playing = playing_;
  for (std::size_t i : playing) {
    Entry& e = entries_[i];
    const ZoneSet stopped = e.broadcast.zones & zones;
    if (stopped == 0) continue;
    if (stopped == e.broadcast.zones) {
      e.broadcast.on_interrupt = OnInterrupt::drop;
      cut(i, now);
      continue;
    }
    // It loses those zones for good (a resume does not bring them back) and plays on elsewhere.
    e.broadcast.zones &= ~zones;
    if (observer_) observer_->zones_stopped(i, stopped, now);
  }
  decide(now);
}

std::vector<std::size_t> Arbiter::compact() {
  std::vector<std::size_t> moved(entries_.size(), SIZE_MAX);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (i < next_arrival_ && entries_[i].phase == Phase::done) continue;
    if (kept != i) entries_[kept] = std::move(entries_[i]);
    moved[i] = kept++;
  }
  next_arrival_ = next_arrival_ == entries_.size() ? kept : moved[next_arrival_];
  entries_.resize(kept);
  for (std::size_t& i : queue_) i = moved[i];
  for (std::size_t& i : playing_) i = moved[i];
  return moved;
}

}  // namespace loa
