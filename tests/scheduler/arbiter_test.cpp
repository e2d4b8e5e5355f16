// The rules of what airs when, on hand-made broadcasts with exact lengths.
#include "loa/arbiter.hpp"

#include <gtest/gtest.h>

namespace loa {
namespace {

using std::chrono::seconds;

const Programme kProgramme = [] {
  Programme p;
  p.id = "p";
  return p;
}();
const Slot kSlot{};
const UtcTime T0 = UtcTime{} + std::chrono::hours(24 * 20000);

UtcTime at(int s) {
  return T0 + seconds(s);
}

// A broadcast at `start_s` seconds on `zones`, of items with the given lengths in seconds.
Broadcast make(int start_s, ZoneSet zones, int priority, std::vector<int> items,
               StartMode mode = StartMode::soft, OnInterrupt on = OnInterrupt::resume,
               int late_s = 300) {
  Broadcast b;
  b.programme = &kProgramme;
  b.slot = &kSlot;
  b.scheduled = at(start_s);
  b.zones = zones;
  b.priority = priority;
  b.start = mode;
  b.on_interrupt = on;
  b.late = seconds(late_s);
  for (int len : items)
    b.items.push_back({BroadcastItem::Kind::clip, nullptr, seconds(len), false});
  return b;
}

TEST(Arbiter, DisjointZonesPlayTogether) {
  Arbiter a;
  auto x = a.add(make(0, 0b01, 50, {60}));
  auto y = a.add(make(0, 0b10, 50, {60}));
  a.run_to_end();
  EXPECT_EQ(a.outcome(x).status, BroadcastStatus::planned);
  EXPECT_EQ(a.outcome(y).status, BroadcastStatus::planned);
  EXPECT_EQ(*a.outcome(y).start, at(0));
}

// An operator ends a live broadcast while its amplifiers still warm up (it has not arrived yet):
// it never starts, and what was waiting behind nothing plays as planned.
TEST(Arbiter, ABroadcastWithdrawnBeforeItArrivesNeverStarts) {
  Arbiter a;
  auto live = a.add(make(10, 0b01, 50, {60}));
  auto other = a.add(make(20, 0b01, 50, {5}));
  a.run_until(at(0));
  a.withdraw(live, at(0));
  a.run_to_end();
  EXPECT_EQ(a.outcome(live).status, BroadcastStatus::withdrawn);
  EXPECT_FALSE(a.outcome(live).start.has_value());
  EXPECT_EQ(a.outcome(other).status, BroadcastStatus::planned);
  EXPECT_EQ(*a.outcome(other).start, at(20));
}

TEST(Arbiter, EqualPriorityWaitsInScheduledOrder) {
  Arbiter a;
  auto x = a.add(make(0, 0b11, 50, {60, 60}));
  auto y = a.add(make(30, 0b01, 50, {10}));
  auto z = a.add(make(40, 0b10, 50, {10}));
  a.run_to_end();
  EXPECT_EQ(*a.outcome(x).end, at(120));
  EXPECT_EQ(a.outcome(y).status, BroadcastStatus::delayed);
  EXPECT_EQ(*a.outcome(y).start, at(120));
  EXPECT_EQ(*a.outcome(z).start, at(120));  // disjoint from y: both start when x ends
}

TEST(Arbiter, HardEmergencyCutsAndTheLoserRestartsTheCutItem) {
  Arbiter a;
  auto x = a.add(make(0, 0b11, 50, {60, 60, 60}));
  auto e = a.add(make(90, 0b01, 100, {30}, StartMode::hard));
  a.run_to_end();
  EXPECT_EQ(*a.outcome(e).start, at(90));
  EXPECT_EQ(a.outcome(e).status, BroadcastStatus::planned);
  const Outcome& o = a.outcome(x);
  EXPECT_EQ(o.status, BroadcastStatus::interrupted);
  ASSERT_EQ(o.aired.size(), 4U);
  EXPECT_EQ(o.aired[1].item, 1U);
  EXPECT_TRUE(o.aired[1].cut);
  EXPECT_EQ(o.aired[1].end, at(90));
  EXPECT_EQ(o.aired[2].item, 1U);  // the cut item again, from its start
  EXPECT_EQ(o.aired[2].start, at(120));
  EXPECT_EQ(*o.end, at(240));
}

TEST(Arbiter, SoftWinnerWaitsForTheCurrentItem) {
  Arbiter a;
  auto x = a.add(make(0, 0b1, 50, {60, 60}));
  auto h = a.add(make(30, 0b1, 80, {10}));
  a.run_to_end();
  EXPECT_EQ(*a.outcome(h).start, at(60));
  EXPECT_EQ(a.outcome(h).status, BroadcastStatus::delayed);
  const Outcome& o = a.outcome(x);
  EXPECT_EQ(o.status, BroadcastStatus::interrupted);
  ASSERT_EQ(o.aired.size(), 2U);
  EXPECT_FALSE(o.aired[0].cut);
  EXPECT_EQ(o.aired[1].item, 1U);
  EXPECT_EQ(o.aired[1].start, at(70));
}

TEST(Arbiter, DropMeansTheLoserDoesNotComeBack) {
  Arbiter a;
  auto x = a.add(make(0, 0b1, 50, {60, 60}, StartMode::soft, OnInterrupt::drop));
  a.add(make(30, 0b1, 100, {10}, StartMode::hard));
  a.run_to_end();
  const Outcome& o = a.outcome(x);
  EXPECT_EQ(o.status, BroadcastStatus::interrupted);
  ASSERT_EQ(o.aired.size(), 1U);
  EXPECT_TRUE(o.aired[0].cut);
  EXPECT_EQ(*o.end, at(30));
}

TEST(Arbiter, MissedWhenItCannotStartWithinLate) {
  Arbiter a;
  a.add(make(0, 0b1, 50, {600}));
  auto y = a.add(make(60, 0b1, 50, {10}, StartMode::soft, OnInterrupt::resume, 300));
  auto z = a.add(make(60, 0b1, 50, {10}, StartMode::soft, OnInterrupt::resume, 540));
  a.run_to_end();
  EXPECT_EQ(a.outcome(y).status, BroadcastStatus::missed);
  EXPECT_FALSE(a.outcome(y).start);
  EXPECT_EQ(a.outcome(z).status, BroadcastStatus::delayed);  // 540 s late is exactly its limit
  EXPECT_EQ(*a.outcome(z).start, at(600));
}

TEST(Arbiter, AWaitingBroadcastIsNotOvertakenOnItsZones) {
  Arbiter a;
  a.add(make(0, 0b10, 50, {100}));                // holds zone 2
  auto wide = a.add(make(10, 0b11, 50, {10}));    // needs zones 1 and 2: waits
  auto narrow = a.add(make(20, 0b01, 50, {10}));  // zone 1 is free, but `wide` is ahead of it
  a.run_to_end();
  EXPECT_EQ(*a.outcome(wide).start, at(100));
  EXPECT_EQ(*a.outcome(narrow).start, at(110));
}

TEST(Arbiter, PreemptsOnlyIfItOutranksEveryOccupant) {
  Arbiter a;
  a.add(make(0, 0b01, 50, {100}));
  a.add(make(0, 0b10, 90, {100}));
  auto h = a.add(make(10, 0b11, 80, {10}, StartMode::hard));
  a.run_to_end();
  EXPECT_EQ(*a.outcome(h).start, at(100));
  EXPECT_EQ(a.outcome(0).status, BroadcastStatus::planned);  // not cut for nothing
}

TEST(Arbiter, HigherPriorityWaitersGoFirst) {
  Arbiter a;
  a.add(make(0, 0b1, 50, {100}));
  auto n = a.add(make(10, 0b1, 50, {10}));
  auto h = a.add(make(20, 0b1, 70, {10}));  // soft: waits for the item, but before n
  a.run_to_end();
  EXPECT_EQ(*a.outcome(h).start, at(100));
  EXPECT_EQ(*a.outcome(n).start, at(110));
}

TEST(Arbiter, UnreadableItemsArePassedOver) {
  Arbiter a;
  auto x = a.add(make(0, 0b1, 50, {10, 0, 10}));
  a.run_to_end();
  const Outcome& o = a.outcome(x);
  ASSERT_EQ(o.aired.size(), 3U);
  EXPECT_EQ(o.aired[1].start, o.aired[1].end);
  EXPECT_EQ(*o.end, at(20));
}

TEST(Arbiter, AWinnerThatExpiresReleasesTheYield) {
  Arbiter a;
  auto x = a.add(make(0, 0b1, 50, {600, 60}));
  auto h = a.add(make(10, 0b1, 80, {10}, StartMode::soft, OnInterrupt::resume, 60));
  a.run_to_end();
  EXPECT_EQ(a.outcome(h).status, BroadcastStatus::missed);
  EXPECT_EQ(a.outcome(x).status, BroadcastStatus::planned);  // never asked to stop in the end
  EXPECT_EQ(*a.outcome(x).end, at(660));
}

TEST(Arbiter, RunUntilStopsAtTheGivenTime) {
  Arbiter a;
  auto x = a.add(make(0, 0b1, 50, {60}));
  auto y = a.add(make(100, 0b1, 50, {60}));
  a.run_until(at(50));
  EXPECT_TRUE(a.outcome(x).start.has_value());
  EXPECT_FALSE(a.outcome(x).end.has_value());
  EXPECT_FALSE(a.outcome(y).start.has_value());
  a.run_to_end();
  EXPECT_EQ(*a.outcome(y).end, at(160));
}

}  // namespace
}  // namespace loa
