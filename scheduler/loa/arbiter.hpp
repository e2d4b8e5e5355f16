#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "loa/broadcast.hpp"

namespace loa {

enum class BroadcastStatus { planned, delayed, interrupted, missed };
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

struct PlannedBroadcast {
  Broadcast broadcast;
  Outcome outcome;
};

// The rules of what airs when, shared by the planner and the engine (see docs/programme-format.md):
//  - broadcasts whose zones overlap never play at once; disjoint ones play together;
//  - a due broadcast preempts only if its priority is higher than that of every broadcast on its
//    zones: hard cuts them now, soft waits for their current items to end; the losers resume
//    (restarting a cut item) or are dropped, per their slot;
//  - otherwise it waits; waiting broadcasts start by priority then scheduled time, and one that is
//    waiting keeps its zones from those after it (no overtaking);
//  - a broadcast that cannot start within `late` of its time is missed.
// Event driven: cost grows with the number of broadcasts, not with the length of time covered.
// Not thread-safe.
class Arbiter {
 public:
  // Broadcasts must be added in scheduled order. Returns its index for outcome().
  std::size_t add(Broadcast b);
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
  };

  std::optional<UtcTime> next_event() const;
  void step(UtcTime now);
  void finish_items(UtcTime now);
  void dispatch(UtcTime now);
  void start(std::size_t i, UtcTime now);
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
};

}  // namespace loa
