// The rules of docs/programme-format.md "What airs when", each on a minimal station planned by
// loa's planner: the cases of issues 15 and 16 and the ties the docs spell out. A clip's name gives
// its exact length in milliseconds ("20003.wav" lasts 20.003 s).
#include <gtest/gtest.h>

#include <charconv>

#include "loa/planner.hpp"
#include "loa/station_loader.hpp"

namespace loa {

namespace {

using std::chrono::milliseconds;

Station load(const std::string& text) {
  Diagnostics d;
  Station st = load_station_text(text, "/station/st.yaml", d);
  for (const auto& m : d.all()) ADD_FAILURE() << format(m);
  return st;
}

// "20003.wav" lasts 20.003 s; a name that is not a number cannot be read.
const ClipLengths kLengthFromName = [](const std::filesystem::path& p) -> std::optional<Micros> {
  const std::string stem = p.stem().string();
  long ms = 0;
  const auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), ms);
  if (ec != std::errc() || end != stem.data() + stem.size()) return std::nullopt;
  return milliseconds(ms);
};

const std::string kHead =
    "station: {timezone: Asia/Ho_Chi_Minh}\n"
    "audio: {chime: none}\n"
    "zones: [{id: a, channel: 1}, {id: b, channel: 2}]\n"
    "programmes:\n";

// 2027-01-`day` at h:m:s.ms, Asia/Ho_Chi_Minh (UTC+7). 2027-01-04 is a Monday.
UtcTime t(int h, int m, int s = 0, int ms = 0, int day = 4) {
  return UtcTime(date::sys_days{date::year{2027} / 1 / day}) + std::chrono::hours(h - 7) +
         std::chrono::minutes(m) + std::chrono::seconds(s) + milliseconds(ms);
}

// A local time as "dd hh:mm:ss.mmm" ("-" for none), so failures read as times.
std::string when(std::optional<UtcTime> x) {
  if (!x) return "-";
  const auto* zone = date::locate_zone("Asia/Ho_Chi_Minh");
  const std::string iso = format_iso(*x, zone);  // 2027-01-04T10:00:00.000+07:00
  return iso.substr(8, 2) + " " + iso.substr(11, 12);
}

// The plan of the whole day 2027-01-`day`.
std::vector<PlannedBroadcast> plan_day(const Station& st, int day = 4) {
  return plan(st, kLengthFromName, t(0, 0, 0, 0, day), t(0, 0, 0, 0, day + 1));
}

const PlannedBroadcast& find(const std::vector<PlannedBroadcast>& p, const std::string& id) {
  for (const auto& b : p) {
    if (b.broadcast.programme->id == id) return b;
  }
  throw std::runtime_error("no broadcast of " + id + " in the plan");
}

// What a broadcast aired, one "item@start-end" per stretch (times as ms after 10:00, "!" if cut).
std::vector<std::string> stretches(const PlannedBroadcast& b) {
  std::vector<std::string> out;
  const auto ms = [](UtcTime x) {
    return std::to_string(std::chrono::duration_cast<milliseconds>(x - t(10, 0)).count());
  };
  for (const AiredItem& a : b.outcome.aired) {
    out.push_back(std::to_string(a.item) + "@" + ms(a.start) + "-" + ms(a.end) +
                  (a.cut ? "!" : ""));
  }
  return out;
}

// --- issue 15, section 5: no overtaking ----------------------------------------------------------

// `n` is cut on z1 by `e`; z2 is free then, but `n`, scheduled first and waiting to resume, goes
// before `m` (worked example 3). `m_line` varies m's priority and time.
void expect_the_cut_broadcast_keeps_its_place(const std::string& m_line) {
  const Station st = load(kHead +
                          "  - {id: n, zones: [a, b], slots: [{dates: [2027-01-04], at: '10:00',\n"
                          "     play: [20000.wav, 10000.wav]}]}\n" +
                          m_line +
                          "  - {id: e, priority: high, zones: [a], slots: [{dates: [2027-01-04],\n"
                          "     at: '10:00:05', start: hard, play: [10000.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(stretches(find(p, "e")), (std::vector<std::string>{"0@5000-15000"}));
  EXPECT_EQ(stretches(find(p, "n")),
            (std::vector<std::string>{"0@0-5000!", "0@15000-35000", "1@35000-45000"}));
  EXPECT_EQ(status_name(find(p, "n").outcome.status), "interrupted");
  EXPECT_EQ(when(find(p, "m").outcome.start), when(t(10, 0, 45)))
      << "m waits for n, which was due first";
  EXPECT_EQ(status_name(find(p, "m").outcome.status), "delayed");
}

TEST(NoOvertaking, ABroadcastCutByAHigherOneResumesBeforeALaterOneOnItsFreedZone) {
  expect_the_cut_broadcast_keeps_its_place(
      "  - {id: m, zones: [b], slots: [{dates: [2027-01-04], at: '10:00:02', late: 10m,\n"
      "     play: [5000.wav]}]}\n");
}

TEST(NoOvertaking, ALowerOneDoesNotTakeTheFreedZoneEither) {
  expect_the_cut_broadcast_keeps_its_place(
      "  - {id: m, priority: low, zones: [b], slots: [{dates: [2027-01-04], at: '10:00:02',\n"
      "     late: 10m, play: [5000.wav]}]}\n");
}

TEST(NoOvertaking, NorOneDueAtTheVeryInstantOfTheCut) {
  expect_the_cut_broadcast_keeps_its_place(
      "  - {id: m, zones: [b], slots: [{dates: [2027-01-04], at: '10:00:05', late: 10m,\n"
      "     play: [5000.wav]}]}\n");
}

// --- issue 16 ---------------------------------------------------------------------------------

// 1. `h` cuts `l`; zone b is silent then, so `s` starts on time instead of waiting for `h`'s item
// on a zone it does not use (and being missed).
TEST(PartialCut, ASoftStartTakesAZoneAHardStartFreedAtTheSameInstant) {
  const Station st =
      load(kHead +
           "  - {id: l, priority: low, zones: [a, b], slots: [{dates: [2027-01-04],\n"
           "     at: '10:00', play: [20003.wav, 30007.wav]}]}\n"
           "  - {id: s, priority: high, zones: [b], slots: [{dates: [2027-01-04],\n"
           "     at: '10:00:30', start: soft, late: 1m, play: [15013.wav]}]}\n"
           "  - {id: h, priority: 65, zones: [a], slots: [{dates: [2027-01-04],\n"
           "     at: '10:00:30', start: hard, play: [120011.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(status_name(find(p, "s").outcome.status), "planned");
  EXPECT_EQ(when(find(p, "s").outcome.start), when(t(10, 0, 30)));
  EXPECT_EQ(when(find(p, "h").outcome.start), when(t(10, 0, 30)));
  EXPECT_EQ(stretches(find(p, "l")),
            (std::vector<std::string>{"0@0-20003", "1@20003-30000!", "1@150011-180018"}));
}

// 2. `w` runs out of `late` at the instant `p` is due: `p` starts then, on time.
TEST(Late, ABroadcastDueWhenAWaitingOneRunsOutOfLateStartsOnTime) {
  const Station st =
      load(kHead +
           "  - {id: x, priority: emergency, zones: [a], slots: [{dates: [2027-01-04],"
           "\n     at: '10:00', play: [180001.wav]}]}\n"
           "  - {id: w, priority: 90, zones: [a, b], slots: [{dates: [2027-01-04],\n"
           "     at: '10:00:30', late: 1m, play: [15013.wav]}]}\n"
           "  - {id: p, zones: [b], slots: [{dates: [2027-01-04], at: '10:01:30',\n"
           "     play: [20011.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(status_name(find(p, "w").outcome.status), "missed");
  EXPECT_EQ(when(find(p, "p").outcome.start), when(t(10, 1, 30)));
  EXPECT_EQ(status_name(find(p, "p").outcome.status), "planned") << "delayed means it started late";
}

// 3. The loop holds zone a from 23:30 on the 3rd until 00:30 on the 5th (25 h); `m` at 00:10 on
// the 5th is missed, whichever day the plan starts on.
const std::string kLoop =
    kHead +
    "  - {id: loop, priority: low, zones: [a], slots: [{dates: [2026-12-03],\n"
    "     at: '23:30', repeat: 100, play: [{silence: 15m}]}]}\n"
    "  - {id: m, priority: low, zones: [a], slots: [{dates: [2026-12-05],\n"
    "     at: '00:10', play: [1000.wav]}]}\n";

UtcTime dec(int day, int h, int m) {
  return UtcTime(date::sys_days{date::year{2026} / 12 / day}) + std::chrono::hours(h - 7) +
         std::chrono::minutes(m);
}

TEST(PlanWindow, ABroadcastLongerThanADayIsSeenFromAWindowItStartedLongBefore) {
  const Station st = load(kLoop);
  const auto wide = plan(st, kLengthFromName, dec(3, 0, 0), dec(6, 0, 0));
  const auto narrow = plan(st, kLengthFromName, dec(5, 0, 0), dec(6, 0, 0));
  EXPECT_EQ(status_name(find(wide, "m").outcome.status), "missed");
  EXPECT_EQ(status_name(find(narrow, "m").outcome.status), "missed");
  // And the loop itself, as render sees it (on air in the window), is the same broadcast.
  const auto on_air = plan(st, kLengthFromName, dec(5, 0, 0), dec(6, 0, 0), PlanWindow::on_air);
  EXPECT_EQ(stretches(find(on_air, "loop")), stretches(find(wide, "loop")));
  EXPECT_EQ(when(find(on_air, "loop").outcome.end), when(dec(5, 0, 30)));
}

TEST(PlanWindow, ACutFarAfterTheWindowIsSeen) {
  // An emergency cuts the loop on the 5th at 00:20, more than a day after the window of the 3rd.
  const Station st = load(kLoop +
                          "  - {id: lu, priority: emergency, zones: [a], slots: [{dates: "
                          "[2026-12-05],\n     at: '00:20', play: [60000.wav]}]}\n");
  const auto narrow = plan(st, kLengthFromName, dec(3, 0, 0), dec(4, 0, 0));
  const auto wide = plan(st, kLengthFromName, dec(3, 0, 0), dec(6, 0, 0));
  const PlannedBroadcast& loop = find(narrow, "loop");
  EXPECT_EQ(status_name(loop.outcome.status), "interrupted");
  // Its last item (00:15 to 00:30) was cut at 00:20 and plays again after the warning.
  EXPECT_EQ(when(loop.outcome.end), when(dec(5, 0, 36)));
  EXPECT_EQ(stretches(loop), stretches(find(wide, "loop")));
}

// --- rotation (issue 15 section 3, issue 16 item 4) ----------------------------------------------

// The clips each broadcast of `id` in the plan plays ("missed" for one that does not air).
std::vector<std::string> clips(const std::vector<PlannedBroadcast>& p, const std::string& id) {
  std::vector<std::string> out;
  for (const auto& b : p) {
    if (b.broadcast.programme->id != id) continue;
    if (b.outcome.status == BroadcastStatus::missed) {
      out.emplace_back("missed");
      continue;
    }
    std::string c;
    for (const auto& i : b.broadcast.items) c += (c.empty() ? "" : " ") + std::string(i.path());
    out.push_back(c);
  }
  return out;
}

const std::string kDaily =
    kHead +
    "  - {id: d, zones: [a], valid: {from: 2027-01-01}, slots: [{at: '10:00',\n"
    "     play: [playlist:l]}]}\n";
const std::string kThreeClips =
    "playlists: {l: {order: rotate, pick: 1, clips: [1000.wav, 2000.wav, 3000.wav]}}\n";

// Issue 15's example: planned from the 1st or from the 4th, the 4th plays the same clip.
TEST(Rotation, WhatABroadcastPlaysDoesNotDependOnTheWindow) {
  const Station st = load(kDaily + kThreeClips);
  const PlanStart now{UtcTime(date::sys_days{date::year{2026} / 12 / 25}), {}};  // starts now
  const auto from_1st = plan(st, kLengthFromName, t(0, 0, 0, 0, 1), t(0, 0, 0, 0, 6), now);
  const auto from_4th = plan(st, kLengthFromName, t(0, 0, 0, 0, 4), t(0, 0, 0, 0, 6), now);
  EXPECT_EQ(clips(from_1st, "d"),
            (std::vector<std::string>{"1000.wav", "2000.wav", "3000.wav", "1000.wav", "2000.wav"}));
  EXPECT_EQ(clips(from_4th, "d"), (std::vector<std::string>{"1000.wav", "2000.wav"}));
}

// Where the journal says the playlist stands is where the first broadcast from now takes it up.
TEST(Rotation, ItGoesOnFromWhereTheStartSaysItStands) {
  const Station st = load(kDaily + kThreeClips);
  const PlanStart journal{t(12, 0, 0, 0, 2), {{"l", 5}}};  // the 6th clip drawn is next
  const auto p = plan(st, kLengthFromName, t(0, 0, 0, 0, 1), t(0, 0, 0, 0, 6), journal);
  // The 1st and 2nd are before the start (the past): they show the next clip and move nothing.
  EXPECT_EQ(clips(p, "d"),
            (std::vector<std::string>{"3000.wav", "3000.wav", "3000.wav", "1000.wav", "2000.wav"}));
}

// A missed broadcast airs nothing, so it draws nothing: the next one takes the clip it would have.
TEST(Rotation, AMissedBroadcastDoesNotMoveItOn) {
  const Station st = load(kDaily +
                          "  - {id: e, priority: emergency, zones: [a], slots: [{dates: "
                          "[2027-01-02],\n     at: '09:59', play: [400000.wav]}]}\n" +
                          kThreeClips);
  const auto p = plan(st, kLengthFromName, t(0, 0, 0, 0, 1), t(0, 0, 0, 0, 4));
  EXPECT_EQ(clips(p, "d"), (std::vector<std::string>{"1000.wav", "missed", "2000.wav"}));
}

// It follows the order broadcasts air in: `q`, due first but held back, draws after `r`.
TEST(Rotation, ItFollowsTheOrderBroadcastsAir) {
  const Station st =
      load(kHead +
           "  - {id: busy, zones: [a], slots: [{dates: [2027-01-04], at: "
           "'09:59:30',\n     play: [60000.wav]}]}\n"
           "  - {id: q, zones: [a], slots: [{dates: [2027-01-04], at: '10:00',\n"
           "     play: [playlist:l]}]}\n"
           "  - {id: r, zones: [b], slots: [{dates: [2027-01-04], at: '10:00:10',\n"
           "     play: [playlist:l]}]}\n"
           "playlists: {l: {order: rotate, pick: 1, clips: [1000.wav, 2000.wav]}}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(clips(p, "r"), std::vector<std::string>{"1000.wav"});
  EXPECT_EQ(clips(p, "q"), std::vector<std::string>{"2000.wav"});
}

// Broadcasts that start at one instant draw in their rank order (issue 16's first case: `h` takes
// zone a before `s`, ranked first, can take the zone b it freed; `s` still draws first).
TEST(Rotation, BroadcastsStartingAtOneInstantDrawInRankOrder) {
  const Station st =
      load(kHead +
           "  - {id: l, priority: low, zones: [a, b], slots: [{dates: [2027-01-04],\n"
           "     at: '10:00', play: [20003.wav, 30007.wav]}]}\n"
           "  - {id: s, priority: high, zones: [b], slots: [{dates: [2027-01-04],\n"
           "     at: '10:00:30', start: soft, late: 1m, play: [playlist:l]}]}\n"
           "  - {id: h, priority: 65, zones: [a], slots: [{dates: [2027-01-04],\n"
           "     at: '10:00:30', start: hard, play: [playlist:l]}]}\n"
           "playlists: {l: {order: rotate, pick: 1, clips: [1000.wav, 2000.wav]}}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(when(find(p, "s").outcome.start), when(find(p, "h").outcome.start));
  EXPECT_EQ(clips(p, "s"), std::vector<std::string>{"1000.wav"});
  EXPECT_EQ(clips(p, "h"), std::vector<std::string>{"2000.wav"});
}

// --- issue 16, item 5: the ties, as the docs now describe them
// -------------------------------------

// A hard start exactly on an item boundary cuts nothing: the item that ended aired whole, the next
// one has not begun; the loser resumes with it (no zero-length cut item).
TEST(Ties, AHardStartOnAnItemBoundaryCutsNothing) {
  const Station st =
      load(kHead +
           "  - {id: v, zones: [a], slots: [{dates: [2027-01-04], at: '10:00',\n"
           "     play: [10000.wav, 10000.wav]}]}\n"
           "  - {id: e, priority: emergency, zones: [a], slots: [{dates: [2027-01-04],"
           "\n     at: '10:00:10', play: [5000.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(stretches(find(p, "v")), (std::vector<std::string>{"0@0-10000", "1@15000-25000"}));
  EXPECT_EQ(status_name(find(p, "v").outcome.status), "interrupted");
  EXPECT_EQ(status_name(find(p, "e").outcome.status), "planned");
}

// A soft start due exactly when an item begins does not wait for that item.
TEST(Ties, ASoftStartDueAsAnItemBeginsStartsAtOnce) {
  const Station st = load(kHead +
                          "  - {id: v, zones: [a], slots: [{dates: [2027-01-04], at: '10:00',\n"
                          "     play: [10000.wav, 10000.wav]}]}\n"
                          "  - {id: s, priority: high, zones: [a], slots: [{dates: [2027-01-04],\n"
                          "     at: '10:00:10', play: [5000.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(when(find(p, "s").outcome.start), when(t(10, 0, 10)));
  EXPECT_EQ(status_name(find(p, "s").outcome.status), "planned");
  EXPECT_EQ(stretches(find(p, "v")), (std::vector<std::string>{"0@0-10000", "1@15000-25000"}));
}

// A broadcast that waits goes on applying the preempting rule whenever it is considered: when the
// emergency ends, the hard notice outranks the music on its other zone and cuts it.
TEST(Ties, AWaitingBroadcastPreemptsWhenItsTurnComes) {
  const Station st = load(kHead +
                          "  - {id: e, priority: emergency, zones: [a], slots: [{dates: "
                          "[2027-01-04],\n     at: '10:00', play: [30000.wav]}]}\n"
                          "  - {id: music, priority: low, zones: [b], slots: [{dates: [2027-01-04],"
                          "\n     at: '10:00:05', play: [60000.wav]}]}\n"
                          "  - {id: h, priority: high, zones: [a, b], slots: [{dates: [2027-01-04],"
                          "\n     at: '10:00:10', start: hard, play: [10000.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(when(find(p, "h").outcome.start), when(t(10, 0, 30)));
  EXPECT_EQ(status_name(find(p, "h").outcome.status), "delayed");
  EXPECT_EQ(stretches(find(p, "music")),
            (std::vector<std::string>{"0@5000-30000!", "0@40000-100000"}));
}

// Delayed and then interrupted shows as interrupted.
TEST(Ties, InterruptedOverDelayed) {
  const Station st = load(kHead +
                          "  - {id: first, zones: [a], slots: [{dates: [2027-01-04], at: '10:00',\n"
                          "     play: [10000.wav]}]}\n"
                          "  - {id: v, zones: [a], slots: [{dates: [2027-01-04], at: '10:00:05',\n"
                          "     play: [10000.wav, 10000.wav]}]}\n"
                          "  - {id: e, priority: emergency, zones: [a], slots: [{dates: "
                          "[2027-01-04],\n     at: '10:00:15', play: [1000.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(when(find(p, "v").outcome.start), when(t(10, 0, 10)));
  EXPECT_EQ(status_name(find(p, "v").outcome.status), "interrupted");
}

// A soft winner that waits for a broadcast's last item does not interrupt it: it ends as it would.
TEST(Ties, ASoftVictimOnItsLastItemIsNotInterrupted) {
  const Station st = load(kHead +
                          "  - {id: v, zones: [a], slots: [{dates: [2027-01-04], at: '10:00',\n"
                          "     play: [10000.wav, 10000.wav]}]}\n"
                          "  - {id: s, priority: high, zones: [a], slots: [{dates: [2027-01-04],\n"
                          "     at: '10:00:15', play: [5000.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(status_name(find(p, "v").outcome.status), "planned");
  EXPECT_EQ(when(find(p, "s").outcome.start), when(t(10, 0, 20)));
  EXPECT_EQ(status_name(find(p, "s").outcome.status), "delayed");
}

// A broadcast may start exactly `late` after its time: delayed, not missed.
TEST(Ties, StartingExactlyAtLateIsDelayed) {
  const Station st = load(kHead +
                          "  - {id: v, zones: [a], slots: [{dates: [2027-01-04], at: '10:00',\n"
                          "     play: [70000.wav]}]}\n"
                          "  - {id: w, zones: [a], slots: [{dates: [2027-01-04], at: '10:00:10',\n"
                          "     late: 1m, play: [1000.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(when(find(p, "w").outcome.start), when(t(10, 1, 10)));
  EXPECT_EQ(status_name(find(p, "w").outcome.status), "delayed");
}

// Equal priorities due at the same instant: the one written first in the files goes first.
TEST(Ties, EqualPrioritiesAtOneInstantGoInFileOrder) {
  const Station st = load(kHead +
                          "  - {id: second, zones: [a], slots: [{dates: [2027-01-04], at: "
                          "'10:00:01',\n     play: [1000.wav]}]}\n"
                          "  - {id: z-first, zones: [a], slots: [{dates: [2027-01-04], at: '10:00',"
                          "\n     play: [5000.wav]}]}\n"
                          "  - {id: a-last, zones: [a], slots: [{dates: [2027-01-04], at: '10:00',"
                          "\n     play: [5000.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(when(find(p, "z-first").outcome.start), when(t(10, 0)));
  EXPECT_EQ(when(find(p, "a-last").outcome.start), when(t(10, 0, 5)));
  EXPECT_EQ(when(find(p, "second").outcome.start), when(t(10, 0, 10))) << "due later: after both";
}

// A chime that is cut plays again, whole, when its broadcast resumes.
TEST(Ties, ACutChimeIsPlayedAgain) {
  const Station st = load(kHead +
                          "  - {id: v, chime: 3000.wav, zones: [a], slots: [{dates: [2027-01-04],\n"
                          "     at: '10:00', play: [10000.wav]}]}\n"
                          "  - {id: e, priority: emergency, zones: [a], slots: [{dates: "
                          "[2027-01-04],\n     at: '10:00:01', play: [5000.wav]}]}\n");
  const auto p = plan_day(st);
  EXPECT_EQ(stretches(find(p, "v")),
            (std::vector<std::string>{"0@0-1000!", "0@6000-9000", "1@9000-19000"}));
  EXPECT_EQ(find(p, "v").broadcast.items[0].kind, BroadcastItem::Kind::chime);
}

// Pacific/Apia skipped 2011-12-30: a daily 10:00 of that day is shifted by the gap (a whole day)
// onto 10:00 on the 31st, where the slot already airs. It airs once there.
TEST(Ties, OneSlotsBroadcastsLandingOnOneInstantAirOnce) {
  const Station st = load(
      "station: {timezone: Pacific/Apia}\naudio: {chime: none}\nzones: [{id: a, channel: 1}]\n"
      "programmes:\n  - {id: d, slots: [{at: '10:00', play: [1000.wav]}]}\n");
  const auto* zone = st.settings.zone;
  const UtcTime from = resolve_local(date::local_days{date::year{2011} / 12 / 29}, zone);
  const UtcTime to = resolve_local(date::local_days{date::year{2012} / 1 / 2}, zone);
  const auto p = plan(st, kLengthFromName, from, to);
  std::vector<std::string> days;
  for (const auto& b : p) {
    days.push_back(format_iso(b.broadcast.scheduled, zone).substr(0, 16));
    EXPECT_EQ(status_name(b.outcome.status), "planned");
  }
  EXPECT_EQ(days,
            (std::vector<std::string>{"2011-12-29T10:00", "2011-12-31T10:00", "2012-01-01T10:00"}));
}

}  // namespace
}  // namespace loa
