// The rules of what airs when, checked on thousands of random broadcasts: whatever the mix of
// priorities, zones, lengths and start modes, nothing plays twice at once on a zone, nothing airs
// twice, nothing due is silently lost, an emergency is never late, nothing waits for silent zones,
// nothing overtakes a broadcast ranked before it; and on random stations, a plan does not depend on
// its window.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <iomanip>
#include <random>
#include <set>
#include <sstream>

#include "loa/arbiter.hpp"
#include "loa/planner.hpp"
#include "loa/station_loader.hpp"

namespace loa {
namespace {

using std::chrono::seconds;

const Programme kProgramme = [] {
  Programme p;
  p.id = "p";
  return p;
}();
const Slot kSlot{};

struct World {
  std::vector<Broadcast> broadcasts;
  Arbiter arbiter;
};

// Broadcasts over a simulated week, a few a minute at busy hours, on up to 4 zones.
World random_world(unsigned seed, int count) {
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  World w;
  UtcTime t = UtcTime{} + date::days{20000};
  for (int i = 0; i < count; ++i) {
    t += seconds(pick(0, 400));
    Broadcast b;
    b.programme = &kProgramme;
    b.slot = &kSlot;
    b.scheduled = t;
    b.zones = static_cast<ZoneSet>(pick(1, 15));
    const int kind = pick(0, 9);
    b.priority = kind == 0 ? 100 : kind < 3 ? 80 : kind < 8 ? 50 : 20;
    b.start = (b.priority == 100 || pick(0, 3) == 0) ? StartMode::hard : StartMode::soft;
    b.on_interrupt = pick(0, 3) == 0 ? OnInterrupt::drop : OnInterrupt::resume;
    b.late = seconds(pick(0, 900));
    const int items = pick(1, 6);
    for (int k = 0; k < items; ++k) {
      b.items.push_back({BroadcastItem::Kind::clip, nullptr, seconds(pick(0, 90)), false});
    }
    w.broadcasts.push_back(b);
    w.arbiter.add(b);
  }
  w.arbiter.run_to_end();
  return w;
}

class ArbiterProperties : public ::testing::TestWithParam<unsigned> {};

TEST_P(ArbiterProperties, HoldForRandomWeeks) {
  World w = random_world(GetParam(), 1500);
  const auto& all = w.broadcasts;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Broadcast& b = all[i];
    const Outcome& o = w.arbiter.outcome(i);
    if (o.status == BroadcastStatus::missed) {
      EXPECT_TRUE(o.aired.empty());
      EXPECT_FALSE(o.start.has_value());
      continue;
    }
    ASSERT_TRUE(o.start && o.end) << i;
    // Starts no earlier than scheduled and no later than allowed.
    EXPECT_GE(*o.start, b.scheduled) << i;
    EXPECT_LE(*o.start, b.scheduled + b.late) << i;
    EXPECT_EQ(o.status == BroadcastStatus::planned,
              *o.start == b.scheduled && o.status != BroadcastStatus::interrupted)
        << i;
    // Stretches run forward in time; full-length unless cut; every item airs whole exactly once,
    // in order (a cut item is aired again whole when resumed), unless the broadcast was dropped.
    std::size_t next_item = 0;
    UtcTime last_end = *o.start;
    bool dropped = false;
    for (std::size_t k = 0; k < o.aired.size(); ++k) {
      const AiredItem& a = o.aired[k];
      EXPECT_GE(a.start, last_end) << i;
      last_end = a.end;
      EXPECT_EQ(a.item, next_item) << i << " stretch " << k;
      if (a.cut) {
        EXPECT_LT(a.end - a.start, b.items[a.item].length) << i;
        if (b.on_interrupt == OnInterrupt::drop) dropped = true;
        continue;
      }
      EXPECT_EQ(a.end - a.start, b.items[a.item].length) << i;
      ++next_item;
    }
    // Only a broadcast dropped by an interruption leaves items unaired.
    if (!dropped && b.on_interrupt == OnInterrupt::resume) {
      EXPECT_EQ(next_item, b.items.size()) << i;
    }
    if (o.status != BroadcastStatus::interrupted) {
      EXPECT_EQ(next_item, b.items.size()) << i;
    }
    EXPECT_EQ(*o.end, o.aired.empty() ? *o.start : std::max(*o.start, o.aired.back().end)) << i;
  }
  // Broadcasts that share a zone never sound at the same time.
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = i + 1;
         j < all.size() && all[j].scheduled < all[i].scheduled + std::chrono::hours(3); ++j) {
      if ((all[i].zones & all[j].zones) == 0) continue;
      for (const AiredItem& a : w.arbiter.outcome(i).aired) {
        for (const AiredItem& c : w.arbiter.outcome(j).aired) {
          const bool overlap = a.start < c.end && c.start < a.end;
          EXPECT_FALSE(overlap) << "broadcasts " << i << " and " << j << " share a zone";
        }
      }
    }
  }
  // An item is cut only by a higher-priority broadcast on a shared zone starting at that instant.
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (const AiredItem& a : w.arbiter.outcome(i).aired) {
      if (!a.cut) continue;
      bool caused = false;
      for (std::size_t j = 0; j < all.size() && !caused; ++j) {
        if ((all[i].zones & all[j].zones) == 0 || all[j].priority <= all[i].priority) continue;
        for (const AiredItem& c : w.arbiter.outcome(j).aired) caused = caused || c.start == a.end;
      }
      EXPECT_TRUE(caused) << "broadcast " << i << " was cut by nothing higher";
    }
  }
  // A hard broadcast that outranks everything on its zones starts exactly on time.
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].start != StartMode::hard) continue;
    bool outranks = true;
    for (std::size_t j = 0; j < all.size() && outranks; ++j) {
      if (j != i && (all[i].zones & all[j].zones) != 0 && all[j].priority >= all[i].priority) {
        const auto& oj = w.arbiter.outcome(j);
        // Rivals that matter: on air (or paused) at that moment, or due earlier and still waiting:
        // equal priority waits in scheduled order.
        const UtcTime t = all[i].scheduled;
        if (oj.start && *oj.start <= t && *oj.end > t) outranks = false;
        const bool due_earlier = all[j].scheduled <= t && all[j].scheduled + all[j].late >= t;
        if (due_earlier && (!oj.start || *oj.start > t)) outranks = false;
      }
    }
    if (outranks) {
      EXPECT_EQ(w.arbiter.outcome(i).start, all[i].scheduled) << i;
    }
  }
}

// When a broadcast was waiting: due and not started (until its `late`, if it never started), and
// paused between two stretches. Half-open intervals.
std::vector<std::pair<UtcTime, UtcTime>> waiting_spans(const Broadcast& b, const Outcome& o) {
  std::vector<std::pair<UtcTime, UtcTime>> out;
  if (!o.start) {
    if (o.status == BroadcastStatus::missed) out.emplace_back(b.scheduled, b.scheduled + b.late);
    return out;
  }
  out.emplace_back(b.scheduled, *o.start);
  for (std::size_t k = 1; k < o.aired.size(); ++k) {
    if (o.aired[k - 1].end < o.aired[k].start)
      out.emplace_back(o.aired[k - 1].end, o.aired[k].start);
  }
  return out;
}

bool inside(UtcTime t, const std::pair<UtcTime, UtcTime>& span) {
  return t >= span.first && t < span.second;
}

// Whether `a` ranks before `b` among waiting broadcasts: priority, then scheduled time, then order.
bool ranks_before(const World& w, std::size_t a, std::size_t b) {
  const Broadcast& x = w.broadcasts[a];
  const Broadcast& y = w.broadcasts[b];
  if (x.priority != y.priority) return x.priority > y.priority;
  if (x.scheduled != y.scheduled) return x.scheduled < y.scheduled;
  return a < b;
}

// The world's broadcasts with their waiting spans, and every instant something changes.
struct Timeline {
  std::vector<std::vector<std::pair<UtcTime, UtcTime>>> waiting;
  std::vector<UtcTime> instants;
  Micros reach{0};  // the longest any broadcast is active, from its scheduled time

  explicit Timeline(const World& w) {
    for (std::size_t i = 0; i < w.broadcasts.size(); ++i) {
      const Broadcast& b = w.broadcasts[i];
      const Outcome& o = w.arbiter.outcome(i);
      waiting.push_back(waiting_spans(b, o));
      instants.push_back(b.scheduled);
      instants.push_back(b.scheduled + b.late);
      for (const AiredItem& a : o.aired) {
        instants.push_back(a.start);
        instants.push_back(a.end);
      }
      const UtcTime last = o.end ? *o.end : b.scheduled + b.late;
      reach = std::max(reach, last - b.scheduled);
    }
    std::sort(instants.begin(), instants.end());
    instants.erase(std::unique(instants.begin(), instants.end()), instants.end());
  }
  // Broadcasts that may be active at `t`, by index range (the world is in scheduled order).
  std::pair<std::size_t, std::size_t> around(const World& w, UtcTime t) const {
    const auto& all = w.broadcasts;
    const auto lo = std::lower_bound(all.begin(), all.end(), t - reach,
                                     [](const Broadcast& b, UtcTime x) { return b.scheduled < x; });
    const auto hi = std::upper_bound(all.begin(), all.end(), t,
                                     [](UtcTime x, const Broadcast& b) { return x < b.scheduled; });
    return {static_cast<std::size_t>(lo - all.begin()), static_cast<std::size_t>(hi - all.begin())};
  }
};

bool sounds_at(const World& w, std::size_t i, UtcTime t) {
  for (const AiredItem& a : w.arbiter.outcome(i).aired) {
    if (a.start <= t && t < a.end) return true;
  }
  return false;
}

// Issue 16: a broadcast waits only while one of its zones sounds, or while one ranked before it
// waits for one of them (no overtaking) -- never for nothing.
TEST_P(ArbiterProperties, NoBroadcastWaitsWhileAllItsZonesAreSilent) {
  const World w = random_world(GetParam(), 1500);
  const Timeline line(w);
  int checked = 0;
  for (std::size_t i = 0; i < w.broadcasts.size(); ++i) {
    const ZoneSet zones = w.broadcasts[i].zones;
    for (const auto& span : line.waiting[i]) {
      auto t = std::lower_bound(line.instants.begin(), line.instants.end(), span.first);
      for (; t != line.instants.end() && *t < span.second; ++t) {
        ++checked;
        const auto [lo, hi] = line.around(w, *t);
        bool reason = false;
        for (std::size_t j = lo; j < hi && !reason; ++j) {
          if (j == i || (w.broadcasts[j].zones & zones) == 0) continue;
          reason =
              sounds_at(w, j, *t) ||
              (ranks_before(w, j, i) && std::any_of(line.waiting[j].begin(), line.waiting[j].end(),
                                                    [&](const auto& s) { return inside(*t, s); }));
        }
        EXPECT_TRUE(reason) << "broadcast " << i << " waits at "
                            << (*t - w.broadcasts[i].scheduled).count() / 1000 << " ms after its "
                            << "time with all its zones silent and nothing before it waiting";
      }
    }
  }
  EXPECT_GT(checked, 1000) << "the world must make broadcasts wait";
}

// Issue 15: no broadcast starts (or resumes) on a zone while one ranked before it waits for it.
TEST_P(ArbiterProperties, NoBroadcastStartsOnAZoneWhileAnEarlierOneOfEqualOrHigherRankWaitsForIt) {
  const World w = random_world(GetParam(), 1500);
  const Timeline line(w);
  int starts = 0;
  for (std::size_t i = 0; i < w.broadcasts.size(); ++i) {
    const Outcome& o = w.arbiter.outcome(i);
    for (std::size_t k = 0; k < o.aired.size(); ++k) {
      if (k > 0 && o.aired[k - 1].end == o.aired[k].start) continue;  // goes on, not a start
      const UtcTime t = o.aired[k].start;
      ++starts;
      const auto [lo, hi] = line.around(w, t);
      for (std::size_t j = lo; j < hi; ++j) {
        if (j == i || (w.broadcasts[j].zones & w.broadcasts[i].zones) == 0) continue;
        if (!ranks_before(w, j, i)) continue;
        for (const auto& s : line.waiting[j]) {
          EXPECT_FALSE(inside(t, s)) << "broadcast " << i << " starts on a zone broadcast " << j
                                     << ", ranked before it, waits for";
        }
      }
    }
  }
  EXPECT_GT(starts, 1500);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ArbiterProperties, ::testing::Values(1U, 2U, 3U, 42U, 2026U));

// --- a plan does not depend on its window --------------------------------------------------------

// "20003.wav" lasts 20.003 s.
const ClipLengths kLengthFromName = [](const std::filesystem::path& p) -> std::optional<Micros> {
  const std::string stem = p.stem().string();
  long ms = 0;
  const auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), ms);
  if (ec != std::errc() || end != stem.data() + stem.size()) return std::nullopt;
  return std::chrono::milliseconds(ms);
};

// A station of a dozen programmes on four zones, busy enough that broadcasts wait, are cut,
// resume, are missed; with rotating and shuffled playlists and broadcasts longer than a day.
std::string random_station(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const auto clip = [&] { return std::to_string(pick(1, 120) * 1000 + pick(0, 999)) + ".wav"; };
  std::ostringstream y;
  y << "station: {timezone: Asia/Ho_Chi_Minh}\n"
       "zones: [{id: a, channel: 1}, {id: b, channel: 2}, {id: c, channel: 3}, {id: d, channel: "
       "4}]\n"
       "playlists:\n"
       "  r: {order: rotate, pick: 1, clips: ["
    << clip() << ", " << clip() << ", " << clip() << "]}\n"
    << "  s: {order: shuffle, pick: 2, clips: [" << clip() << ", " << clip() << ", " << clip()
    << ", " << clip() << "]}\n"
    << "programmes:\n";
  const char* zones[] = {"a", "b", "c", "d"};
  for (int p = 0; p < 12; ++p) {
    std::string z;
    for (int k = 0; k < 4; ++k) {
      if (pick(0, 2) == 0) z += std::string(z.empty() ? "" : ", ") + zones[k];
    }
    if (z.empty()) z = zones[pick(0, 3)];
    const int priority = std::array{20, 50, 50, 65, 80, 100}[static_cast<std::size_t>(pick(0, 5))];
    y << "  - {id: p" << p << ", priority: " << priority << ", zones: [" << z
      << "], chime: " << (pick(0, 2) == 0 ? "none" : "default") << ",\n     slots: [{";
    if (p < 2) {  // 25 hours
      y << "at: '" << pick(10, 23) << ":30', days: [" << (p == 0 ? "mon, wed, fri" : "tue, sat")
        << "], repeat: 100, play: [{silence: 15m}]";
    } else {
      if (pick(0, 1) == 0) {
        y << "every: " << pick(20, 180) << "m, between: ['0" << pick(5, 7) << ":00', '2"
          << pick(0, 2) << ":00']";
      } else {
        y << "at: ['" << std::setw(2) << std::setfill('0') << pick(0, 23) << ":" << std::setw(2)
          << pick(0, 59) << "', '" << std::setw(2) << pick(0, 23) << ":" << std::setw(2)
          << pick(0, 59) << "']";
      }
      y << ", play: [" << clip();
      if (pick(0, 1) == 0) y << ", playlist:r";
      if (pick(0, 2) == 0) y << ", playlist:s";
      if (pick(0, 3) == 0) y << ", {silence: " << pick(1, 20) << "s}";
      y << "], repeat: " << pick(1, 3) << ", gap: " << pick(0, 30) << "s";
    }
    y << ", start: " << (pick(0, 2) == 0 ? "hard" : "soft") << ", late: " << pick(0, 20)
      << "m, on_interrupt: " << (pick(0, 3) == 0 ? "drop" : "resume") << "}]}\n";
  }
  return y.str();
}

// Everything a planned broadcast says, as text to compare.
std::string describe(const PlannedBroadcast& pb) {
  std::ostringstream out;
  const auto ms = [](std::optional<UtcTime> t) {
    return t ? std::to_string(t->time_since_epoch().count() / 1000) : std::string("-");
  };
  out << pb.broadcast.programme->id << "@" << ms(pb.broadcast.scheduled) << " "
      << status_name(pb.outcome.status) << " " << ms(pb.outcome.start) << "-" << ms(pb.outcome.end)
      << " items:";
  for (const auto& i : pb.broadcast.items) {
    out << " " << item_kind_name(i.kind) << ":" << i.path() << ":" << i.length.count() / 1000;
  }
  out << " aired:";
  for (const auto& a : pb.outcome.aired) {
    out << " " << a.item << "@" << ms(a.start) << "-" << ms(a.end) << (a.cut ? "!" : "");
  }
  return out.str();
}

std::vector<std::string> describe(const std::vector<PlannedBroadcast>& plan) {
  std::vector<std::string> out;
  for (const auto& pb : plan) out.push_back(describe(pb));
  return out;
}

class PlanSplits : public ::testing::TestWithParam<unsigned> {};

// Issues 15 and 16: planning [A, C) equals planning [A, B) then [B, C), broadcast for broadcast,
// items included, wherever the windows fall and wherever the playlists' start is.
TEST_P(PlanSplits, AWindowSplitInTwoPlansTheSameAsTheWhole) {
  std::mt19937 rng(GetParam());
  Diagnostics d;
  const Station st = load_station_text(random_station(rng), "/station/st.yaml", d);
  for (const auto& m : d.all()) {
    if (m.severity == Severity::error) ADD_FAILURE() << format(m);
  }
  auto minutes = [&](int lo, int hi) {
    return std::chrono::minutes(std::uniform_int_distribution<int>(lo, hi)(rng));
  };
  const UtcTime base = UtcTime(date::sys_days{date::year{2027} / 3 / 1});
  int broadcasts = 0;
  std::set<BroadcastStatus> seen;
  for (int round = 0; round < 6; ++round) {
    const UtcTime a = base + minutes(0, 3 * 24 * 60);
    const UtcTime b = a + minutes(1, 2 * 24 * 60);
    const UtcTime c = b + minutes(1, 2 * 24 * 60);
    // The playlists' start: before the windows, inside them, or after them (a plan of the past).
    const UtcTime at = round % 3 == 0   ? a - minutes(0, 3 * 24 * 60)
                       : round % 3 == 1 ? a + minutes(0, 4 * 24 * 60)
                                        : c + minutes(0, 3 * 24 * 60);
    const PlanStart start{at, {{"r", static_cast<std::uint64_t>(round)}}};
    const auto whole = describe(plan(st, kLengthFromName, a, c, start));
    auto parts = describe(plan(st, kLengthFromName, a, b, start));
    const auto second = describe(plan(st, kLengthFromName, b, c, start));
    parts.insert(parts.end(), second.begin(), second.end());
    ASSERT_EQ(whole.size(), parts.size()) << "round " << round;
    for (std::size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(whole[i], parts[i]) << "round " << round << ", broadcast " << i;
    }
    for (const auto& pb : plan(st, kLengthFromName, a, c, start)) seen.insert(pb.outcome.status);
    broadcasts += static_cast<int>(whole.size());
  }
  EXPECT_GT(broadcasts, 100);
  EXPECT_TRUE(seen.contains(BroadcastStatus::interrupted) &&
              seen.contains(BroadcastStatus::delayed))
      << "the station must be busy enough to test anything";
}

INSTANTIATE_TEST_SUITE_P(Seeds, PlanSplits, ::testing::Values(1U, 7U, 15U, 16U, 2027U));

}  // namespace
}  // namespace loa
