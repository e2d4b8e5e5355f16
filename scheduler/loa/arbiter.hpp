#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "loa/broadcast.hpp"

namespace loa {

enum class BroadcastStatus { planned, delayed, interrupted, missed, withdrawn };
std::string_view status_name(BroadcastStatus s);

// A stretch of one item on air. An item cut by a hard interruption ends early (`cut`); when its
// broadcast resumes, the item is played again from the start as a new stretch.
struct AiredItem {
  std::size_t item = 0;  // index into Broadcast::items
  UtcTime start;
  UtcTime end;
  bool cut = false;
};

struct Outcome {
  BroadcastStatus status = BroadcastStatus::planned;
  std::optional<UtcTime> start;  // first sound; nullopt when missed
  std::optional<UtcTime> end;
  std::vector<AiredItem> aired;
};

// What the arbiter tells the engine as it decides (on air, decisions become voices and journal
// rows). Called from run_until() and the other mutators, on the caller's thread; an observer must
// not call back into the arbiter.
class ArbiterObserver {
 public:
  virtual ~ArbiterObserver() = default;
  // Item `item` of broadcast `b` starts at `start` and, unless cut, ends at `end`. The first item
  // of a broadcast's first start is also its first sound.
  virtual void item_started(std::size_t b, std::size_t item, UtcTime start, UtcTime end) = 0;
  // An item ended at `aired.end` (aired.cut: cut short).
  virtual void item_ended(std::size_t b, const AiredItem& aired) = 0;
  // A broadcast is done: finished, dropped, missed or withdrawn (its outcome says which).
  virtual void broadcast_done(std::size_t b) = 0;
  // Broadcast b sounds for the first time at `at`, right after this call: the last moment to
  // settle what it plays, so `broadcast.items` may be replaced (rotating and shuffled playlists
  // draw here: in the order broadcasts start, and not at all for one that never airs).
  virtual void first_sound(std::size_t /*b*/, Broadcast& /*broadcast*/, UtcTime /*at*/) {}
  // `zones` of broadcast b were stopped at `at` (Arbiter::stop); it plays on, on its other zones.
  virtual void zones_stopped(std::size_t /*b*/, ZoneSet /*zones*/, UtcTime /*at*/) {}
};

struct PlannedBroadcast {
  Broadcast broadcast;
  Outcome outcome;
};

// The rules of what airs when, shared by the planner and the engine (docs/programme-format.md,
// "What airs when", which also spells out the ties):
//  - broadcasts whose zones overlap never play at once; disjoint ones play together;
//  - waiting broadcasts (due, or cut and waiting to resume) are ranked by priority, then scheduled
//    time, then the order they were added (file order); each, in that order, starts if its zones
//    are free, or preempts if it is higher than every broadcast on its zones: hard cuts them now,
//    soft waits for their current items to end; the losers resume (restarting a cut item) or are
//    dropped, per their slot. A waiting broadcast keeps its zones from those ranked after it (no
//    overtaking), even when it waits for another zone;
//  - every decision at an instant sees the state after all the others at that instant: a
//    broadcast whose item ends at that instant is between items (a hard start cuts nothing of it,
//    a soft one does not wait), and zones a cut frees go to whoever ranks first;
//  - a broadcast that cannot start by `late` after its time is missed at that instant.
// Event driven: cost grows with the number of broadcasts, not with the length of time covered.
// Not thread-safe.
class Arbiter {
 public:
  // Broadcasts not yet due must be added in scheduled order; one whose time is before the
  // arbiter's present (see begin_at) arrives at the next step, late. Returns its index.
  std::size_t add(Broadcast b);
  // Nothing happens before `t`: broadcasts scheduled earlier arrive at `t` (and are missed if `t`
  // is past their `late`). For the engine, which starts at the present, not at a plan's origin.
  void begin_at(UtcTime t);
  void set_observer(ArbiterObserver* observer) { observer_ = observer; }
  // The instant of the latest decision (nothing can change before it).
  UtcTime present() const { return floor_; }
  // The time of the next decision, if any is pending.
  std::optional<UtcTime> next_event() const;
  // Nothing playing, paused or waiting.
  bool idle() const { return playing_.empty() && queue_.empty(); }
  // Broadcasts added but not yet arrived.
  std::size_t pending() const { return entries_.size() - next_arrival_; }

  // --- on air (the engine) ---
  // Removes the broadcasts that have not arrived yet (a reload replaces them).
  void drop_pending();
  // A broadcast that has arrived but never sounded is withdrawn (status withdrawn); one that has
  // sounded ends after its current item (or at once, interrupted, if it is paused). For a
  // reload that removed its programme. Takes effect at `now`.
  void withdraw(std::size_t i, UtcTime now);
  // Stops `zones` now: an operator's stop, or loa stopping. A broadcast playing only on those
  // zones is cut and dropped (interrupted); one that also plays elsewhere loses those zones and
  // plays on, on the others. Broadcasts waiting or paused are not touched: they start or resume
  // when their turn comes, on all their zones.
  void stop(ZoneSet zones, UtcTime now);
  // Whether broadcast i has started (sounded) and is not done: playing, or paused.
  bool on_air(std::size_t i) const;
  // Whether broadcast i is sounding now (started, not paused, not done).
  bool playing(std::size_t i) const;
  // Whether broadcast i is done.
  bool done(std::size_t i) const;
  // Forgets done broadcasts that have arrived, so a long run does not grow. Indices of the others
  // change: returns old index -> new index (or SIZE_MAX for forgotten ones).
  std::vector<std::size_t> compact();

  // Applies every event up to and including `t`.
  void run_until(UtcTime t);
  // Applies every remaining event.
  void run_to_end();

  const Broadcast& broadcast(std::size_t i) const { return entries_[i].broadcast; }
  const Outcome& outcome(std::size_t i) const { return entries_[i].outcome; }
  std::size_t size() const { return entries_.size(); }
  // Moves a finished broadcast and its outcome out; only broadcast(i).scheduled stays valid.
  PlannedBroadcast take(std::size_t i);

 private:
  enum class Phase { scheduled, waiting, playing, paused, done };
  struct Entry {
    Broadcast broadcast;
    Outcome outcome;
    Phase phase = Phase::scheduled;
    std::size_t next_item = 0;
    UtcTime item_start;
    UtcTime item_end;
    bool yield = false;  // stop after the current item: a soft winner is waiting
    bool interrupted = false;
    // Playing, but its next item has not begun: it holds its zones while the decisions at this
    // instant are taken, and is then committed (or paused, without a cut, by a winner).
    bool between = false;
  };

  void step(UtcTime now);
  void finish_items(UtcTime now);
  void decide(UtcTime now);
  bool dispatch(UtcTime now);
  bool expire(UtcTime now);
  bool commit(UtcTime now);
  void miss(std::size_t i);
  void start(std::size_t i);
  void begin_item(std::size_t i, UtcTime now);
  void cut(std::size_t i, UtcTime now);
  void pause(std::size_t i);
  void finish(std::size_t i, UtcTime now);
  void release(std::size_t i);
  void enqueue(std::size_t i);
  bool before(std::size_t a, std::size_t b) const;

  std::vector<Entry> entries_;
  std::size_t next_arrival_ = 0;
  std::vector<std::size_t> queue_;  // waiting and paused, in start order
  std::vector<std::size_t> playing_;
  UtcTime floor_ = UtcTime::min();  // nothing happens before this instant
  std::vector<std::size_t> scratch_playing_;
  std::vector<std::size_t> scratch_occupants_;
  ArbiterObserver* observer_ = nullptr;
};

}  // namespace loa
