#include "loa/planner.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

#include "loa/chime.hpp"
#include "loa/occurrences.hpp"

namespace loa {

namespace {

// Occurrences are added to the arbiter a day at a time as it needs them.
constexpr Micros kFeedStep = std::chrono::days(1);

// The longest single item the station can play: what a hard start may cut and have played again.
Micros longest_item(const Station& station, const ClipTable& lengths) {
  Micros longest = kBuiltinChimeLength;
  for (const auto& len : lengths) longest = std::max(longest, len.value_or(Micros{0}));
  for (const auto& p : station.programmes) {
    for (const auto& s : p.slots) {
      longest = std::max(longest, std::chrono::duration_cast<Micros>(s.gap));
      for (const auto& item : s.play) {
        longest = std::max(longest, std::chrono::duration_cast<Micros>(item.silence));
      }
    }
  }
  return longest;
}

// Settles what each broadcast plays when it first sounds: rotating and shuffled playlists draw in
// the order broadcasts start, from the plan's start on. Counts the window's broadcasts done.
class Draws final : public ArbiterObserver {
 public:
  Draws(const Station& station, const ClipTable& lengths, const PlanStart& start)
      : station_(station), lengths_(lengths), start_(start), rotation_(start.next) {}

  void first_sound(std::size_t /*b*/, Broadcast& broadcast, UtcTime at) override {
    if (at >= start_.at) {
      broadcast = expand_broadcast(station_, *broadcast.programme, *broadcast.slot,
                                   broadcast.scheduled, rotation_, lengths_);
      return;
    }
    RotationState past = start_.next;  // before the start: the clips it would draw, moving nothing
    broadcast = expand_broadcast(station_, *broadcast.programme, *broadcast.slot,
                                 broadcast.scheduled, past, lengths_);
  }
  void item_started(std::size_t, std::size_t, UtcTime, UtcTime) override {}
  void item_ended(std::size_t, const AiredItem&) override {}
  void broadcast_done(std::size_t b) override {
    if (b < watched_) ++done_;
  }

  // Broadcasts [0, n) are those the plan waits for.
  void watch(std::size_t n) { watched_ = n; }
  bool all_done() const { return done_ == watched_; }

 private:
  const Station& station_;
  const ClipTable& lengths_;
  const PlanStart& start_;
  RotationState rotation_;
  std::size_t watched_ = 0;
  std::size_t done_ = 0;
};

}  // namespace

UtcTime quiet_before(const Station& station, const ClipTable& lengths, UtcTime x) {
  const UtcTime from = x - kPlanLookBack;
  std::vector<std::vector<Micros>> air;  // the most air time each slot's broadcast may take
  const Micros cut_again = longest_item(station, lengths);
  for (const auto& p : station.programmes) {
    auto& slots = air.emplace_back();
    for (const auto& s : p.slots) {
      Micros most = longest_broadcast(station, p, s, lengths);
      // A hard start cuts at most one broadcast on each of its zones; each plays its cut item
      // again.
      if (s.start == StartMode::hard) most += cut_again * std::popcount(p.zones);
      slots.push_back(most);
    }
  }
  UtcTime quiet = from;
  UtcTime busy_until = from;  // when everything so far has aired, at the most
  for (const SlotOccurrence& o : slot_occurrences(station, from, x)) {
    if (o.time >= busy_until) quiet = o.time;
    busy_until = std::max(busy_until, o.time) + air[o.programme][o.slot];
  }
  return busy_until <= x ? x : quiet;
}

std::vector<PlannedBroadcast> plan(const Station& station, const ClipLengths& lengths, UtcTime from,
                                   UtcTime to, PlanWindow window) {
  return plan(station, lengths, from, to, PlanStart{from, {}}, window);
}

std::vector<PlannedBroadcast> plan(const Station& station, const ClipLengths& lengths, UtcTime from,
                                   UtcTime to, const PlanStart& asked, PlanWindow window) {
  std::vector<PlannedBroadcast> result;
  if (to <= from || station.settings.zone == nullptr) return result;
  PlanStart start = asked;
  start.at = std::max(start.at, from - kPlanLead);
  const ClipTable table = clip_table(station, lengths);
  // From an instant when nothing is on air, before the window and before the start, so that what
  // the window's broadcasts play depends neither on where the window begins nor on its length.
  UtcTime fed = quiet_before(station, table, std::min(from, start.at));
  Arbiter arbiter;
  Draws draws(station, table, start);
  arbiter.set_observer(&draws);
  const auto feed = [&](UtcTime until) {
    for (const SlotOccurrence& o : slot_occurrences(station, fed, until)) {
      const Programme& prog = station.programmes[o.programme];
      arbiter.add(broadcast_of(prog, prog.slots[o.slot], o.time));
    }
    fed = until;
  };
  feed(std::max(to, fed));
  draws.watch(arbiter.size());
  // Every event before `fed` may be applied: all arrivals before it are in. Then more broadcasts,
  // a day at a time, until the window's are all done (a later one may still cut them).
  const UtcTime follow_until = to + kPlanFollow;
  while (!draws.all_done()) {
    arbiter.run_until(fed - Micros{1});
    if (draws.all_done() || !arbiter.next_event() || fed >= follow_until) break;
    feed(std::min(fed + kFeedStep, follow_until));
  }
  for (std::size_t i = 0; i < arbiter.size(); ++i) {
    const UtcTime t = arbiter.broadcast(i).scheduled;
    const Outcome& o = arbiter.outcome(i);
    const bool scheduled_in = t >= from && t < to;
    const bool sounds_in = o.start && *o.start < to && (!o.end || *o.end > from);
    if (!scheduled_in && !(window == PlanWindow::on_air && sounds_in)) continue;
    PlannedBroadcast pb = arbiter.take(i);
    if (!arbiter.done(i)) {  // still unfinished kPlanFollow after the window: shown as it stands
      Outcome& out = pb.outcome;
      if (out.start) {
        out.status = BroadcastStatus::interrupted;
        out.end = out.aired.empty() ? *out.start : out.aired.back().end;
      } else {
        out.status = BroadcastStatus::missed;
      }
    }
    result.push_back(std::move(pb));
  }
  return result;
}

}  // namespace loa
