// A year on air in seconds: the on-air engine driven as app/air_engine.cpp drives it, on a
// simulated clock, through crashes, stops, sound card failures and clock changes drawn from a
// seeded random generator. At the end the journal must account for every scheduled broadcast,
// once, and the output must never have carried two broadcasts on one channel at once.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "loa/on_air.hpp"
#include "loa/station_loader.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;

constexpr int kDays = 365;
constexpr int kRate = 100;            // a frame is 10 ms
constexpr std::size_t kBlock = 1024;  // as the engine renders

// Local midnight of 2026-12-01 in Asia/Ho_Chi_Minh (UTC+7 all year).
const UtcTime kDayOne = UtcTime(date::sys_days{date::year{2026} / 12 / 1}) - 7h;

UtcTime day_at(int day, Micros since_midnight) {
  return kDayOne + std::chrono::days(day) + since_midnight;
}

// Every clip sounds at exactly 1: two voices on one channel at once would sum above it.
class Constant final : public MonoSource {
 public:
  explicit Constant(std::int64_t frames) : left_(frames) {}
  std::size_t read(std::span<float> out) override {
    const auto n = static_cast<std::size_t>(
        std::min<std::int64_t>(left_, static_cast<std::int64_t>(out.size())));
    std::fill_n(out.begin(), n, 1.0F);
    left_ -= static_cast<std::int64_t>(n);
    return n;
  }

 private:
  std::int64_t left_;
};

// Lengths in milliseconds, some of them not a whole number of frames. hong.wav is not listed: it
// cannot be read, and is journaled as failed each time the rotation reaches it.
const std::map<std::string, int> kLengthsMs = {
    {"t1.wav", 25'370},   {"t2.wav", 40'005}, {"t3.wav", 33'333}, {"t4.wav", 18'250},
    {"nhac.wav", 60'000}, {"tb.wav", 20'115}, {"lu.wav", 15'500}};

// The station: daily sessions on all zones and on two of them, a weekday notice that slots into
// the evening session (soft), music on one zone (once while the morning session holds it), a weekly
// programme that drops when cut, and emergencies (hard, all zones) on random days, half of them
// inside a session.
std::string station_yaml(std::mt19937& rng) {
  std::ostringstream y;
  y << "station: {timezone: Asia/Ho_Chi_Minh}\n"
       "zones: [{id: a, channel: 1}, {id: b, channel: 2}, {id: c, channel: 3}]\n"
       "playlists:\n"
       "  tin: {order: rotate, pick: 2, clips: [t1.wav, t2.wav, hong.wav, t3.wav, t4.wav]}\n"
       "programmes:\n"
       "  - {id: sang, zones: all, slots: [{at: '06:00', play: [playlist:tin, nhac.wav]}]}\n"
       "  - {id: chieu, zones: [a, b], slots: [{at: '17:00', repeat: 2, gap: 5s,\n"
       "                                        play: [playlist:tin, {silence: 3s}]}]}\n"
       "  - {id: thong-bao, priority: high, zones: [b, c], chime: none,\n"
       "     slots: [{at: '17:01', days: weekdays, late: 10m, play: [tb.wav]}]}\n"
       "  - {id: nhac-sang, priority: low, zones: [c], chime: none,\n"
       "     slots: [{at: '06:01', play: [t4.wav]}]}\n"
       "  - {id: cho, priority: low, zones: [c], chime: none,\n"
       "     slots: [{every: 30m, between: ['09:00', '10:00'], play: [nhac.wav]}]}\n"
       "  - {id: tuan, zones: [c], slots: [{at: '08:00', days: [sat], on_interrupt: drop,\n"
       "                                    play: [nhac.wav, nhac.wav]}]}\n"
       "  - id: lu\n"
       "    priority: emergency\n"
       "    chime: none\n"
       "    slots:\n";
  std::uniform_int_distribution<int> day(0, kDays - 1);
  std::uniform_int_distribution<int> inside(5, 200);
  std::uniform_int_distribution<int> anytime(5 * 3600, 21 * 3600);
  std::set<std::pair<int, int>> taken;
  for (int i = 0; i < kDays / 9; ++i) {
    int s = 0;
    switch (i % 4) {
      case 0:
        s = 6 * 3600 + inside(rng);
        break;
      case 1:
        s = 17 * 3600 + inside(rng);
        break;
      default:
        s = anytime(rng);
    }
    const int d = day(rng);
    if (!taken.insert({d, s}).second) continue;
    const date::year_month_day ymd{date::sys_days{date::year{2026} / 12 / 1} + date::days(d)};
    char line[160];
    std::snprintf(line, sizeof line,
                  "      - {dates: [%04d-%02u-%02u], at: '%02d:%02d:%02d', repeat: 2, gap: 3s, "
                  "play: [lu.wav]}\n",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), s / 3600, s / 60 % 60, s % 60);
    y << line;
  }
  return y.str();
}

AirStation make_air(const std::string& yaml) {
  Diagnostics d;
  auto station = std::make_shared<Station>(load_station_text(yaml, "/station/station.yaml", d));
  for (const auto& m : d.all()) ADD_FAILURE() << format(m);
  station->settings.audio.sample_rate = kRate;
  AirStation air;
  air.lengths = clip_table(*station, [](const std::filesystem::path& p) -> std::optional<Micros> {
    const auto it = kLengthsMs.find(p.filename().string());
    if (it == kLengthsMs.end()) return std::nullopt;
    return std::chrono::milliseconds(it->second);
  });
  air.open = [](const BroadcastItem& item) -> std::unique_ptr<MonoSource> {
    return std::make_unique<Constant>(item.length.count() * kRate / 1'000'000 + 1);
  };
  air.station = std::move(station);
  return air;
}

// What the simulation did, for the summary line.
struct Tally {
  int crashes = 0;
  int stops = 0;
  int device_failures = 0;
  int clock_forward = 0;
  int clock_back = 0;
  std::int64_t samples_on_air = 0;
  std::int64_t overlapping_samples = 0;
};

class Year {
 public:
  explicit Year(std::mt19937& rng) : air_(make_air(station_yaml(rng))) {}

  const Station& station() const { return *air_.station; }
  Journal& journal() { return journal_; }
  const Tally& tally() const { return tally_; }
  // Instants the clock was set back over: [to, from]. Journal times in them may repeat.
  const std::vector<std::pair<UtcTime, UtcTime>>& relived() const { return relived_; }
  UtcTime now() const { return onair_->time_of(onair_->position()); }
  // Stretches of the station's clock during which loa was on air, and what ended each.
  struct Run {
    UtcTime start;
    UtcTime end;
    std::string ended_by;  // "a crash" or the reason of the halt
    bool crashed() const { return ended_by == "a crash"; }
  };
  const std::vector<Run>& runs() const { return runs_; }

  void boot(UtcTime now) {
    onair_ = std::make_unique<OnAir>(air_, journal_, kBlock);
    start(now);
  }

  // As the engine's loop: render while on air or something is due within a second, else idle
  // until a second before the next broadcast.
  void run_until(UtcTime t) {
    while (now() < t) {
      const UtcTime n = now();
      if (onair_->quiet()) {
        onair_->flush(n);
        onair_->look_ahead(n);
        const auto due = onair_->next_due();
        const UtcTime wake = std::min(due ? *due - 1s : n + 24h, t);
        if (wake > n) {
          ASSERT_TRUE(onair_->reanchor(onair_->position(), wake));
          continue;
        }
      }
      render();
    }
  }

  // loa dies (power cut, kill -9): nothing more is written. Back after `outage`.
  void crash(Micros outage) {
    ++tally_.crashes;
    const UtcTime back = now() + outage;
    end_run("a crash");
    onair_.reset();
    boot(back);
  }
  // SIGTERM, as the engine's shut_down(), then a new process after `outage`.
  void stop(Micros outage) {
    ++tally_.stops;
    halt("loa was stopped");
    for (int i = 0; i < 100 && onair_->sounding(); ++i) render();
    onair_->flush(now() + 1h);
    journal_.mark_alive(now());
    const UtcTime back = now() + outage;
    onair_.reset();
    boot(back);
  }
  // The sound card fails and works again after `outage`; the process stays up.
  void device_failure(Micros outage) {
    ++tally_.device_failures;
    halt("the sound device failed");
    start(now() + outage);
  }
  // The system clock is set by `by` (either way): the engine halts and goes on air again.
  void clock_set(Micros by) {
    ++(by > Micros{0} ? tally_.clock_forward : tally_.clock_back);
    halt("the system clock was set");
    const UtcTime was = now();
    const UtcTime set = was + by;
    if (set < was) relived_.emplace_back(set, was);
    start(set);
  }
  void halt(const std::string& why) {
    onair_->halt(why);
    end_run(why);
  }

 private:
  void start(UtcTime now) {
    onair_->start(now, onair_->position(), now);
    runs_.push_back({now, now, {}});
  }
  void end_run(std::string why) {
    runs_.back().end = now();
    runs_.back().ended_by = std::move(why);
  }
  void render() {
    block_.assign(kBlock * static_cast<std::size_t>(onair_->channels()), 0.0F);
    onair_->render(block_);
    for (float s : block_) {
      if (s != 0) ++tally_.samples_on_air;
      if (s > 1.0001F) ++tally_.overlapping_samples;
    }
    onair_->flush(now());
  }

  test::TempDir dir_;
  Journal journal_{dir_ / "state/journal.db"};
  AirStation air_;
  std::unique_ptr<OnAir> onair_;
  std::vector<float> block_;
  Tally tally_;
  std::vector<std::pair<UtcTime, UtcTime>> relived_;
  std::vector<Run> runs_;
};

Micros seconds_between(std::mt19937& rng, int lo, int hi) {
  return std::chrono::seconds(std::uniform_int_distribution<int>(lo, hi)(rng));
}

// How long loa is away: mostly short, often around the 5 m of `late`, sometimes for hours.
Micros outage(std::mt19937& rng) {
  const int kind = std::uniform_int_distribution<int>(0, 99)(rng);
  if (kind < 40) return seconds_between(rng, 1, 60);
  if (kind < 75) return seconds_between(rng, 60, 8 * 60);
  return seconds_between(rng, 10 * 60, 6 * 3600);
}

// A broadcast as the journal has it, its items in the order they were written, and when loa was on
// air around it: for failure messages.
std::string detail(const JournalBroadcast& b, std::vector<JournalItem> items, const Year& year) {
  const auto* zone = year.station().settings.zone;
  const auto t = [zone](std::optional<UtcTime> x) {
    return x ? format_iso(*x, zone).substr(11, 12) : std::string("-");
  };
  std::ostringstream out;
  out << "\n  " << b.key.programme << " " << format_iso(b.key.scheduled, zone) << " "
      << air_status_name(b.status) << " " << t(b.start) << "-" << t(b.end) << " " << b.reason;
  for (const auto& i : items) {
    out << "\n    #" << i.index << " " << i.path << " " << t(i.start) << "-" << t(i.end) << " "
        << air_status_name(i.status) << " " << i.reason;
  }
  for (const auto& r : year.runs()) {
    if (r.end < b.key.scheduled - 1h || r.start > b.key.scheduled + 2h) continue;
    out << "\n  on air " << format_iso(r.start, zone) << " to " << t(r.end) << ", ended by "
        << (r.ended_by.empty() ? "nothing yet" : r.ended_by);
  }
  return out.str();
}

bool overlap_explained(UtcTime from, UtcTime to,
                       const std::vector<std::pair<UtcTime, UtcTime>>& relived) {
  for (const auto& [a, b] : relived) {
    if (from >= a && to <= b) return true;
  }
  return false;
}

// Each seed is a different year of faults. 30 and 32 found a broadcast resumed after a clock was
// set back and then forward, or after a crash that followed it, with wrong times.
class OnAirYear : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(OnAirYear, EveryBroadcastIsAccountedForOnceThroughCrashesHaltsAndClockChanges) {
  std::mt19937 rng(GetParam());
  Year year(rng);
  const UtcTime from = kDayOne + 1min;
  const UtcTime to = day_at(kDays, 2h);  // 02:00 after the last day: nothing is due around then
  year.boot(from);

  // Faults at instants of true time (what a clock on the wall would say had nobody set it); the
  // station's clock is off by `offset` while set wrong.
  Micros offset{0};
  UtcTime real = from;
  std::uniform_int_distribution<int> percent(0, 99);
  for (int day = 0; day < kDays; ++day) {
    std::vector<Micros> at;
    const int faults = percent(rng) < 40 ? 1 + percent(rng) % 2 : 0;
    for (int i = 0; i < faults; ++i) {
      const int where = percent(rng);
      if (where < 35) {
        at.push_back(6h + seconds_between(rng, 0, 220));
      } else if (where < 70) {
        at.push_back(17h + seconds_between(rng, 0, 330));
      } else {
        at.push_back(seconds_between(rng, 5 * 3600, 22 * 3600));
      }
    }
    std::sort(at.begin(), at.end());
    for (Micros t : at) {
      const UtcTime when = day_at(day, t);
      if (when <= real) continue;  // an outage ran past it
      year.run_until(when + offset);
      if (HasFatalFailure()) return;
      const int kind = percent(rng);
      if (kind < 30) {
        year.crash(outage(rng));
      } else if (kind < 50) {
        year.stop(outage(rng));
      } else if (kind < 75) {
        year.device_failure(outage(rng));
      } else if (offset == Micros{0}) {  // set wrong, either way
        offset = percent(rng) < 50 ? seconds_between(rng, 30, 3 * 3600)
                                   : -seconds_between(rng, 5, 20 * 60);
        year.clock_set(offset);
      } else {  // corrected
        year.clock_set(-offset);
        offset = Micros{0};
      }
      real = year.now() - offset;
    }
  }
  year.run_until(to + offset);
  if (HasFatalFailure()) return;
  if (offset != Micros{0}) year.clock_set(-offset);
  // The last stop and start: whatever that cut resumes, then everything is final.
  year.stop(1min);
  year.run_until(to + 3h);
  year.halt("loa was stopped");
  if (HasFatalFailure()) return;

  const Tally& tally = year.tally();
  EXPECT_EQ(tally.overlapping_samples, 0) << "two broadcasts sounded on one channel at once";
  EXPECT_GT(tally.samples_on_air, 0);
  EXPECT_TRUE(year.journal().unfinished().empty()) << "a broadcast left playing";

  const Station& st = year.station();
  const auto journaled = year.journal().broadcasts(from - 24h, to + 24h);
  std::map<BroadcastKey, const JournalBroadcast*> by_key;
  for (const auto& b : journaled) {
    EXPECT_TRUE(by_key.emplace(b.key, &b).second) << b.key.programme << " journaled twice";
  }

  // (b) Every scheduled occurrence is journaled with a final status.
  std::map<AirStatus, int> statuses;
  int absent = 0;
  for (const SlotOccurrence& o : slot_occurrences(st, from, to)) {
    const BroadcastKey key{st.programmes[o.programme].id, static_cast<int>(o.slot), o.time};
    const auto it = by_key.find(key);
    if (it == by_key.end()) {
      if (++absent <= 5) {
        ADD_FAILURE() << key.programme << " at " << format_iso(o.time, st.settings.zone)
                      << " is not in the journal";
      }
      continue;
    }
    const JournalBroadcast& b = *it->second;
    ++statuses[b.status];
    EXPECT_TRUE(b.status == AirStatus::aired || b.status == AirStatus::interrupted ||
                b.status == AirStatus::missed || b.status == AirStatus::failed)
        << key.programme << " at " << format_iso(o.time, st.settings.zone) << " is "
        << air_status_name(b.status);
  }
  EXPECT_EQ(absent, 0);
  EXPECT_EQ(statuses[AirStatus::aired] + statuses[AirStatus::interrupted] +
                statuses[AirStatus::missed] + statuses[AirStatus::failed],
            static_cast<int>(journaled.size()))
      << "the journal has broadcasts that were never scheduled";

  // Per broadcast: no item airs twice; one that aired started within its late; one resumed after
  // loa stopped did so within its late of the stop.
  int resumed = 0;
  int crash_cut = 0;
  // When the crash came that cut an item started at `t` (nullopt if none did).
  const auto crash_after = [&year](UtcTime t) -> std::optional<UtcTime> {
    for (const Year::Run& r : year.runs()) {
      if (r.crashed() && t >= r.start && t <= r.end) return r.end;
    }
    return std::nullopt;
  };
  // A broadcast cut when loa stopped resumes within its late of when loa was last on air (the end
  // of the run before the one it resumed in): whether some run containing `t` allows it.
  const auto resumed_in_time = [&year](UtcTime t, Micros late) {
    const auto& runs = year.runs();
    for (std::size_t r = 1; r < runs.size(); ++r) {
      if (t >= runs[r].start && t <= runs[r].end && t <= runs[r - 1].end + late + 1s) return true;
    }
    return false;
  };
  for (const auto& b : journaled) {
    const std::string where =
        b.key.programme + " at " + format_iso(b.key.scheduled, st.settings.zone);
    // In the order they were written (the journal lists them by start, which a clock set back
    // reorders).
    std::vector<JournalItem> items = b.items;
    std::sort(items.begin(), items.end(),
              [](const JournalItem& x, const JournalItem& y) { return x.id < y.id; });
    std::map<int, int> aired;
    for (const auto& i : b.items) {
      if (i.status != AirStatus::aired) continue;
      EXPECT_EQ(++aired[i.index], 1)
          << where << " item " << i.index << " aired twice" << detail(b, items, year);
    }
    if (b.status == AirStatus::missed) {
      EXPECT_FALSE(b.start) << where << detail(b, items, year);
      EXPECT_TRUE(b.items.empty()) << where << detail(b, items, year);
      continue;
    }
    ASSERT_TRUE(b.start) << where << detail(b, items, year);
    const Programme* p = st.programme(b.key.programme);
    ASSERT_NE(p, nullptr);
    const Micros late = std::chrono::duration_cast<Micros>(p->slots.at(b.key.slot).late);
    EXPECT_GE(*b.start, b.key.scheduled) << where << detail(b, items, year);
    EXPECT_LE(*b.start, b.key.scheduled + late) << where << detail(b, items, year);
    if (b.status == AirStatus::aired) {
      // Every item aired or failed, in order, none skipped.
      std::set<int> done;
      for (const auto& i : b.items) {
        if (i.status == AirStatus::aired || i.status == AirStatus::failed) done.insert(i.index);
      }
      EXPECT_EQ(static_cast<int>(done.size()), done.empty() ? 0 : *done.rbegin() + 1)
          << where << detail(b, items, year);
    }
    for (std::size_t k = 0; k < items.size(); ++k) {
      const JournalItem& i = items[k];
      EXPECT_TRUE(i.end) << where << ": item " << i.index << " left without an end"
                         << detail(b, items, year);
      if (i.reason != "cut when loa stopped (crash or power cut)") continue;
      // Only a crash cuts so, and the item ended when loa did; if the broadcast resumed, it did so
      // with that item.
      ++crash_cut;
      EXPECT_EQ(i.status, AirStatus::cut) << where << detail(b, items, year);
      const auto crash = crash_after(i.start);
      if (!crash) {
        ADD_FAILURE() << where << ": item " << i.index << " was cut by a crash, but none came"
                      << detail(b, items, year);
        continue;
      }
      EXPECT_LE(*i.end, *crash) << where << ": it ended after loa did" << detail(b, items, year);
      if (k + 1 == items.size()) continue;
      EXPECT_EQ(items[k + 1].index, i.index) << where << detail(b, items, year);
      EXPECT_TRUE(resumed_in_time(items[k + 1].start, late)) << where << detail(b, items, year);
    }
    for (std::size_t k = 0; k + 1 < items.size(); ++k) {
      const JournalItem& cut = items[k];
      if (cut.status != AirStatus::cut || !cut.reason.starts_with("stopped on air: ")) continue;
      ++resumed;
      const JournalItem& next = items[k + 1];
      EXPECT_EQ(next.index, cut.index)
          << where << ": the cut item is played again" << detail(b, items, year);
      EXPECT_TRUE(resumed_in_time(next.start, late)) << where << detail(b, items, year);
    }
  }

  // (a) Items of broadcasts sharing a zone never overlap in time (except where the clock was set
  // back and the same instants came twice).
  struct Stretch {
    UtcTime start;
    UtcTime end;
    const JournalBroadcast* b;
  };
  std::map<std::string, std::vector<Stretch>> per_zone;
  for (const auto& b : journaled) {
    for (const auto& i : b.items) {
      if (!i.end || *i.end <= i.start) continue;
      for (const auto& z : b.zones) per_zone[z].push_back({i.start, *i.end, &b});
    }
  }
  int overlaps = 0;
  for (auto& [zone, stretches] : per_zone) {
    std::sort(stretches.begin(), stretches.end(),
              [](const Stretch& x, const Stretch& y) { return x.start < y.start; });
    UtcTime reach = UtcTime::min();
    const JournalBroadcast* holder = nullptr;
    for (const auto& s : stretches) {
      if (s.start < reach && !overlap_explained(s.start, std::min(reach, s.end), year.relived())) {
        if (++overlaps <= 5) {
          ADD_FAILURE() << "zone " << zone << ": " << s.b->key.programme << " at "
                        << format_iso(s.start, st.settings.zone) << " overlaps "
                        << holder->key.programme << " until "
                        << format_iso(reach, st.settings.zone);
        }
      }
      if (s.end > reach) {
        reach = s.end;
        holder = s.b;
      }
    }
  }
  EXPECT_EQ(overlaps, 0);

  // The simulation did what it is for (a change to the generator must not make it vacuous).
  EXPECT_GT(statuses[AirStatus::interrupted], 0);
  EXPECT_GT(statuses[AirStatus::missed], 0);
  EXPECT_GT(resumed, 0);
  EXPECT_GT(crash_cut, 0);
  EXPECT_GT(tally.clock_back, 0);

  std::printf(
      "[ year     ] seed %u, %d days, %zu broadcasts: %d aired, %d interrupted, %d missed, %d "
      "failed; "
      "%d crashes (%d items cut by them), %d stops, %d device failures, %d clock jumps forward, "
      "%d back; %d items resumed after a halt; %.1f channel-hours of sound\n",
      GetParam(), kDays, journaled.size(), statuses[AirStatus::aired],
      statuses[AirStatus::interrupted], statuses[AirStatus::missed], statuses[AirStatus::failed],
      tally.crashes, crash_cut, tally.stops, tally.device_failures, tally.clock_forward,
      tally.clock_back, resumed, static_cast<double>(tally.samples_on_air) / kRate / 3600.0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, OnAirYear, ::testing::Values(20261201U, 30U, 32U));

}  // namespace
}  // namespace loa
