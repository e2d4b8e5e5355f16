// The on-air engine's core driven as app/air_engine.cpp drives it, on a simulated clock: where in
// the output a broadcast is heard, and what the journal says about it after cuts, crashes, halts,
// reloads, clock changes and unreadable clips.
#include "loa/on_air.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "loa/air_reasons.hpp"
#include "loa/planner.hpp"
#include "loa/station_loader.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;

constexpr int kRate = 100;          // frames per second: a frame is 10 ms
constexpr std::size_t kBlock = 64;  // frames per render, so blocks do not line up with seconds

// 2026-12-`day` at h:m:s in Asia/Ho_Chi_Minh (UTC+7 all year). 2026-12-01 is a Tuesday.
UtcTime local(int h, int m, double s = 0, int day = 1) {
  return UtcTime(date::sys_days{date::year{2026} / 12 / day}) + std::chrono::hours(h - 7) +
         std::chrono::minutes(m) + Micros(std::llround(s * 1e6));
}

// A clip as the tests' opener plays it: `seconds` long, every sample at `level` (a level below 0
// makes the clip fail when it is opened on air, as a file corrupted after loa check would).
struct ClipSpec {
  int seconds = 0;
  float level = 0;
};
// By file name; a clip not listed cannot be read (its length is unknown).
using Clips = std::map<std::string, ClipSpec>;

const Clips kClips = {{"s1.wav", {60, 0.125F}}, {"s2.wav", {60, 0.25F}},
                      {"s3.wav", {60, 0.375F}}, {"lu.wav", {30, 0.75F}},
                      {"t1.wav", {30, 0.5F}},   {"broken.wav", {60, -1.0F}}};

class Level final : public MonoSource {
 public:
  Level(float level, std::int64_t frames) : level_(level), left_(frames) {}
  std::size_t read(std::span<float> out) override {
    const auto n = static_cast<std::size_t>(
        std::min<std::int64_t>(left_, static_cast<std::int64_t>(out.size())));
    std::fill_n(out.begin(), n, level_);
    left_ -= static_cast<std::int64_t>(n);
    return n;
  }

 private:
  float level_;
  std::int64_t left_;
};

const std::string kHead =
    "station: {timezone: Asia/Ho_Chi_Minh}\n"
    "audio: {chime: none}\n"
    "zones: [{id: a, channel: 1}, {id: b, channel: 2}]\n";

// A station as the engine gets it, at kRate so that a frame is 10 ms.
AirStation make_air(const std::string& yaml, const Clips& clips = kClips) {
  Diagnostics d;
  auto station = std::make_shared<Station>(load_station_text(yaml, "/station/station.yaml", d));
  for (const auto& m : d.all()) ADD_FAILURE() << format(m);
  station->settings.audio.sample_rate = kRate;
  AirStation air;
  air.lengths = clip_table(*station, [&clips](const std::filesystem::path& p) {
    const auto it = clips.find(p.filename().string());
    return it == clips.end() ? std::nullopt
                             : std::optional<Micros>(std::chrono::seconds(it->second.seconds));
  });
  air.open = [clips](const BroadcastItem& item) -> std::unique_ptr<MonoSource> {
    const ClipSpec& c = clips.at(std::string(item.path()));
    if (c.level < 0) throw std::runtime_error("decoding failed at 0.4 s");
    return std::make_unique<Level>(c.level, item.length.count() * kRate / 1'000'000);
  };
  air.station = std::move(station);
  return air;
}

// One station's engine, journal and output, with a driver that does what the real engine does:
// render block by block while something is on air or due, and idle (re-anchoring the timeline)
// otherwise.
class Rig {
 public:
  explicit Rig(const std::string& yaml) : air_(make_air(yaml)) { boot(); }
  explicit Rig(AirStation air) : air_(std::move(air)) { boot(); }

  OnAir& air() { return *onair_; }
  Journal& journal() { return journal_; }

  // A new engine on the same journal (after crash() or to restart).
  void boot() { onair_ = std::make_unique<OnAir>(air_, journal_, kBlock); }
  // loa dies: no halt, nothing more is written.
  void crash() { onair_.reset(); }
  // Goes on air at `now` (frame position() airs at `now`).
  void start(UtcTime now) { onair_->start(now, onair_->position(), now); }
  void reload(const std::string& yaml) {
    air_ = make_air(yaml);
    onair_->reload(air_);
  }
  UtcTime now() const { return onair_->time_of(onair_->position()); }
  // Renders every frame, never idling (frame n of output() is then start + n / rate).
  void never_idle() { idle_ = false; }

  void run_until(UtcTime t) {
    while (now() < t) {
      const UtcTime n = now();
      if (idle_ && onair_->quiet()) {
        onair_->look_ahead(n);
        const auto due = onair_->next_render();
        // As the engine: wake a second before it must render (the next broadcast, or a relay's
        // or input's preroll before it), or in a day if nothing is known.
        const UtcTime wake = std::min(due ? *due - 1s : n + 24h, t);
        if (wake > n) {
          ASSERT_TRUE(onair_->reanchor(onair_->position(), wake));
          onair_->flush(wake);
          continue;
        }
      }
      render();
    }
  }
  void render() {
    std::vector<float> block(kBlock * static_cast<std::size_t>(onair_->channels()));
    const UtcTime at = now();
    onair_->render(block);
    heard_.push_back({at, std::move(block)});
    onair_->flush(now());
  }

  // How many blocks have been rendered; heard(..., since) looks only at those rendered after.
  std::size_t mark() const { return heard_.size(); }
  // The sample heard at `t` on output channel `channel` (0-based); NaN if nothing was rendered
  // for `t` (so that a test cannot pass on audio that was never produced).
  float heard(UtcTime t, int channel, std::size_t since = 0) const {
    for (std::size_t i = heard_.size(); i-- > since;) {
      const auto& [start, samples] = heard_[i];
      const auto channels = samples.size() / kBlock;
      const std::int64_t frame = (t - start).count() * kRate / 1'000'000;
      if (t < start || frame >= static_cast<std::int64_t>(kBlock)) continue;
      return samples[static_cast<std::size_t>(frame) * channels +
                     static_cast<std::size_t>(channel)];
    }
    return std::numeric_limits<float>::quiet_NaN();
  }
  // Every frame rendered so far on `channel`, in order.
  std::vector<float> output(int channel) const {
    std::vector<float> out;
    for (const auto& [start, samples] : heard_) {
      const auto channels = samples.size() / kBlock;
      for (std::size_t f = 0; f < kBlock; ++f) {
        out.push_back(samples[f * channels + static_cast<std::size_t>(channel)]);
      }
    }
    return out;
  }
  // The largest sample rendered after mark `since`, on any channel.
  float loudest(std::size_t since) const {
    float m = 0;
    for (std::size_t i = since; i < heard_.size(); ++i) {
      for (float s : heard_[i].samples) m = std::max(m, std::abs(s));
    }
    return m;
  }

  std::optional<JournalBroadcast> find(const std::string& programme, UtcTime scheduled) const {
    return journal_.find({programme, 0, scheduled});
  }

 private:
  struct Block {
    UtcTime start;
    std::vector<float> samples;
  };
  test::TempDir dir_;
  Journal journal_{dir_ / "state/journal.db"};
  AirStation air_;
  std::unique_ptr<OnAir> onair_;
  bool idle_ = true;
  std::vector<Block> heard_;
};

// Item rows of a broadcast with this index and status.
std::vector<JournalItem> rows(const JournalBroadcast& b, int index, AirStatus status) {
  std::vector<JournalItem> out;
  for (const auto& i : b.items) {
    if (i.index == index && i.status == status) out.push_back(i);
  }
  return out;
}

// The indices of the items that aired, in the journal's order (by start).
std::vector<int> aired_indices(const JournalBroadcast& b) {
  std::vector<int> out;
  for (const auto& i : b.items) {
    if (i.status == AirStatus::aired) out.push_back(i.index);
  }
  return out;
}

const std::string kSession = kHead +
                             "programmes:\n"
                             "  - {id: sang, title: Chương trình buổi sáng, zones: [a],\n"
                             "     slots: [{at: '06:00', play: [s1.wav, s2.wav, s3.wav]}]}\n";

TEST(OnAir, ABroadcastStartsOnItsExactFrameAndIsJournaled) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: sang, title: Chương trình buổi sáng, zones: [a],\n"
          "     slots: [{at: '06:00', play: [s1.wav, s2.wav]}]}\n");
  rig.never_idle();
  rig.start(local(5, 59, 30));  // output frame 0 airs at 05:59:30
  rig.run_until(local(6, 2, 30));

  // 06:00 is (06:00 - 05:59:30) * 100 = frame 3000; each clip is 6000 frames, on channel 1 only.
  const std::vector<float> a = rig.output(0);
  const std::vector<float> b = rig.output(1);
  ASSERT_GE(a.size(), 15100U);
  const auto first = std::find_if(a.begin(), a.end(), [](float s) { return s != 0; }) - a.begin();
  EXPECT_EQ(first, 3000);
  EXPECT_FLOAT_EQ(a[3000], 0.125F);
  EXPECT_FLOAT_EQ(a[8999], 0.125F);
  EXPECT_FLOAT_EQ(a[9000], 0.25F);
  EXPECT_FLOAT_EQ(a[14999], 0.25F);
  EXPECT_FLOAT_EQ(a[15000], 0.0F);
  EXPECT_TRUE(std::all_of(b.begin(), b.end(), [](float s) { return s == 0; }))
      << "zone b was not in the programme";

  const auto jb = rig.find("sang", local(6, 0));
  ASSERT_TRUE(jb);
  EXPECT_EQ(jb->status, AirStatus::aired);
  EXPECT_EQ(jb->title, "Chương trình buổi sáng");
  EXPECT_EQ(jb->zones, std::vector<std::string>{"a"});
  EXPECT_EQ(jb->start, local(6, 0));
  EXPECT_EQ(jb->end, local(6, 2));
  ASSERT_EQ(jb->items.size(), 2U);
  EXPECT_EQ(jb->items[0].index, 0);
  EXPECT_EQ(jb->items[0].kind, "clip");
  EXPECT_EQ(jb->items[0].path, "s1.wav");
  EXPECT_EQ(jb->items[0].start, local(6, 0));
  EXPECT_EQ(jb->items[0].end, local(6, 1));
  EXPECT_EQ(jb->items[0].status, AirStatus::aired);
  EXPECT_EQ(jb->items[1].path, "s2.wav");
  EXPECT_EQ(jb->items[1].start, local(6, 1));
  EXPECT_EQ(jb->items[1].end, local(6, 2));
  EXPECT_EQ(jb->items[1].status, AirStatus::aired);
}

const std::string kFlood =
    "  - {id: lu, priority: emergency, zones: all, slots: [{at: '06:01:30', play: [lu.wav]}]}\n";

TEST(OnAir, AHardEmergencyCutsOnItsFrameAndTheSessionResumesTheCutItem) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: sang, zones: all, slots: [{at: '06:00', play: [s1.wav, s2.wav, s3.wav]}]}\n" +
          kFlood);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 5));

  for (int ch : {0, 1}) {
    EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 29.98), ch), 0.25F);
    EXPECT_LT(rig.heard(local(6, 1, 29.99), ch), 0.25F) << "the cut item fades out";
    EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 30), ch), 0.75F) << "the warning, alone, on its frame";
    EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 59.99), ch), 0.75F);
    EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 0), ch), 0.25F) << "the cut item again";
    EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 59.99), ch), 0.25F);
    EXPECT_FLOAT_EQ(rig.heard(local(6, 3, 0), ch), 0.375F);
    EXPECT_FLOAT_EQ(rig.heard(local(6, 3, 59.99), ch), 0.375F);
  }

  const auto lu = rig.find("lu", local(6, 1, 30));
  ASSERT_TRUE(lu);
  EXPECT_EQ(lu->status, AirStatus::aired);
  EXPECT_EQ(lu->start, local(6, 1, 30));
  EXPECT_EQ(lu->end, local(6, 2));

  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  ASSERT_EQ(sang->items.size(), 4U);
  EXPECT_EQ(sang->items[1].index, 1);
  EXPECT_EQ(sang->items[1].status, AirStatus::cut);
  EXPECT_EQ(sang->items[1].end, local(6, 1, 30));
  EXPECT_EQ(sang->items[1].reason, "a higher priority broadcast cut in");
  EXPECT_EQ(reason_message(sang->items[1].reason).text(Language::vi),
            "một buổi phát ưu tiên cao hơn đã chen vào");
  EXPECT_EQ(sang->items[2].index, 1);
  EXPECT_EQ(sang->items[2].status, AirStatus::aired);
  EXPECT_EQ(sang->items[2].start, local(6, 2));
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
  // It played to the end, so the journal (and loa log, loa report) says aired; the cut is on the
  // item. "interrupted" is for a broadcast that did not finish (docs/operator-guide.md).
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(sang->end, local(6, 4));
}

TEST(OnAir, StoppingDuringAnEmergencyThatCutASessionResumesBothInOrder) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: sang, zones: all, slots: [{at: '06:00', play: [s1.wav, s2.wav, s3.wav]}]}\n" +
          kFlood);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 45));     // the warning is on air, the session paused under it
  rig.air().halt("loa was stopped");  // must return: everything is journaled at once
  {
    const auto sang = rig.find("sang", local(6, 0));
    ASSERT_TRUE(sang);
    EXPECT_EQ(sang->status, AirStatus::interrupted);
    EXPECT_EQ(sang->reason, "stopped on air: loa was stopped");
  }
  rig.start(local(6, 2));
  rig.run_until(local(6, 6));

  // The warning first (its cut item again), then the session from its cut item.
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 0), 0), 0.75F);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 30), 0), 0.25F);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 3, 30), 0), 0.375F);
  const auto lu = rig.find("lu", local(6, 1, 30));
  ASSERT_TRUE(lu);
  EXPECT_EQ(lu->status, AirStatus::aired);
  EXPECT_EQ(aired_indices(*lu), std::vector<int>{0});
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
}

TEST(OnAir, ASessionThatDropsOnInterruptEndsInterruptedAtTheCut) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: sang, zones: all, slots: [{at: '06:00', on_interrupt: drop,\n"
          "                                    play: [s1.wav, s2.wav, s3.wav]}]}\n" +
          kFlood);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 5));

  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::interrupted);
  EXPECT_EQ(sang->end, local(6, 1, 30));
  EXPECT_EQ(aired_indices(*sang), std::vector<int>{0});
  ASSERT_EQ(rows(*sang, 1, AirStatus::cut).size(), 1U);
  EXPECT_EQ(sang->items.size(), 2U);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 0.5), 0), 0.0F) << "nothing of it after the warning";
}

TEST(OnAir, AfterACrashTheBroadcastResumesByRestartingTheCutItem) {
  Rig rig(kSession);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));  // s2 is playing
  rig.crash();
  rig.boot();
  rig.start(local(6, 1, 40));
  rig.run_until(local(6, 5));

  EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 40), 0), 0.25F) << "s2 again from its start";
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 39.99), 0), 0.25F);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 40), 0), 0.375F);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 3, 40), 0), 0.0F);

  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(sang->start, local(6, 0)) << "its first sound, not the resume";
  EXPECT_EQ(sang->end, local(6, 3, 40));
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2})) << "s1 did not air again";
  // The item the crash cut is closed at the restart, ending at loa's last sign of life.
  const auto lost = rows(*sang, 1, AirStatus::cut);
  ASSERT_EQ(lost.size(), 1U);
  EXPECT_EQ(lost[0].reason, "cut when loa stopped (crash or power cut)");
  ASSERT_TRUE(lost[0].end);
  EXPECT_GE(*lost[0].end, local(6, 1, 20));
  EXPECT_LE(*lost[0].end, local(6, 1, 31));
  EXPECT_TRUE(rows(*sang, 1, AirStatus::playing).empty());
}

TEST(OnAir, ASecondCrashDoesNotReplayTheItemTheFirstOneCut) {
  // A crash cuts s2; after the restart s2 airs whole, then the session pauses for a notice (soft,
  // higher priority), and loa crashes again. s2 must not air a third time.
  Rig rig(kSession +
          "  - {id: tb, priority: high, zones: [a], slots: [{at: '06:02', play: [t1.wav]}]}\n");
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 10));
  rig.crash();
  rig.boot();
  rig.start(local(6, 1, 20));      // s2 again: 06:01:20 to 06:02:20, then the notice
  rig.run_until(local(6, 2, 30));  // the notice is on air
  rig.crash();
  rig.boot();
  rig.start(local(6, 2, 40));  // the notice again (it was cut), then the rest of the session
  rig.run_until(local(6, 6));

  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 40), 0), 0.5F);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 3, 10), 0), 0.375F) << "s3, not s2 again";
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(sang->end, local(6, 4, 10));
}

TEST(OnAir, AfterACrashLongerThanLateTheBroadcastIsInterruptedAndNothingMoreAirs) {
  Rig rig(kSession);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));
  rig.crash();
  rig.boot();
  rig.start(local(6, 8));  // late is 5 m
  EXPECT_TRUE(rig.air().quiet());
  rig.run_until(local(6, 15));

  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::interrupted);
  EXPECT_NE(sang->reason.find("late"), std::string::npos) << sang->reason;
  ASSERT_TRUE(sang->end);  // loa's last sign of life: at most a few seconds before the crash
  EXPECT_GE(*sang->end, local(6, 1, 20));
  EXPECT_LE(*sang->end, local(6, 1, 31));
  EXPECT_EQ(aired_indices(*sang), std::vector<int>{0});
  ASSERT_EQ(sang->items.size(), 2U);
  EXPECT_EQ(sang->items[1].status, AirStatus::cut);
  EXPECT_EQ(sang->items[1].end, sang->end);
  EXPECT_EQ(rig.air().next_due(), local(6, 0, 0, 2)) << "tomorrow's, not today's again";
}

TEST(OnAir, BroadcastsDueWhileLoaWasDownPlayLateWithinLateElseAreMissed) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: tin, zones: [b], slots: [{at: '05:55', play: [t1.wav]}]}\n"
          "  - {id: sang, zones: [a], slots: [{at: '06:00', play: [s1.wav]}]}\n");
  rig.start(local(5, 50));
  rig.run_until(local(7, 0));
  rig.air().halt("loa was stopped");
  rig.crash();
  // The next morning loa comes back at 06:03: the 05:55 notice is past its 5 m, 06:00 is not.
  rig.boot();
  rig.start(local(6, 3, 0, 2));
  rig.run_until(local(6, 10, 0, 2));

  for (const auto& [programme, at] : {std::pair{"tin", local(5, 55)}, {"sang", local(6, 0)}}) {
    const auto yesterday = rig.find(programme, at);
    ASSERT_TRUE(yesterday) << programme;
    EXPECT_EQ(yesterday->status, AirStatus::aired) << programme;
  }
  const auto tin = rig.find("tin", local(5, 55, 0, 2));
  ASSERT_TRUE(tin) << "a broadcast loa could not air is journaled, not forgotten";
  EXPECT_EQ(tin->status, AirStatus::missed);
  EXPECT_FALSE(tin->start);
  EXPECT_TRUE(tin->items.empty());
  EXPECT_FLOAT_EQ(rig.heard(local(6, 3, 10, 2), 1), 0.0F);

  const auto sang = rig.find("sang", local(6, 0, 0, 2));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(sang->start, local(6, 3, 0, 2));
  EXPECT_FLOAT_EQ(rig.heard(local(6, 3, 0, 2), 0), 0.125F);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 3, 59.99, 2), 0), 0.125F);
  EXPECT_EQ(rig.journal().broadcasts(local(0, 0, 0, 2), local(0, 0, 0, 3)).size(), 2U);
}

TEST(OnAir, StoppedAndStartedSoonAfterTheBroadcastResumes) {
  Rig rig(kSession);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));
  rig.air().halt("loa was stopped");
  const std::size_t after_halt = rig.mark();
  rig.render();
  rig.render();
  EXPECT_TRUE(rig.air().quiet());
  EXPECT_FLOAT_EQ(rig.loudest(after_halt), 0.0F) << "nothing sounds once loa is stopped";
  const UtcTime halted = rig.now();

  {
    const auto sang = rig.find("sang", local(6, 0));
    ASSERT_TRUE(sang);
    EXPECT_EQ(sang->status, AirStatus::interrupted) << "written at once, before loa exits";
    const auto cut = rows(*sang, 1, AirStatus::cut);
    ASSERT_EQ(cut.size(), 1U);
    EXPECT_EQ(cut[0].reason, "stopped on air: loa was stopped");
  }

  rig.start(halted + 20s);
  rig.run_until(local(6, 6));
  EXPECT_FLOAT_EQ(rig.heard(halted + 20s, 0), 0.25F) << "s2 again from its start";
  EXPECT_FLOAT_EQ(rig.heard(halted + 79990ms, 0), 0.25F);
  EXPECT_FLOAT_EQ(rig.heard(halted + 80s, 0), 0.375F);
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(sang->reason, "");
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
}

TEST(OnAir, StoppedForLongerThanLateTheBroadcastIsInterrupted) {
  Rig rig(kSession);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));
  rig.air().halt("loa was stopped");
  rig.crash();
  rig.boot();
  rig.start(local(6, 7, 30));
  EXPECT_TRUE(rig.air().quiet());
  rig.run_until(local(6, 15));

  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::interrupted);
  EXPECT_EQ(sang->reason, "cut when loa stopped; loa was not back within its late");
  // The page says it in its language by the code the reason is read back as.
  EXPECT_EQ(reason_message(sang->reason).code, "journal.reason.not_back");
  EXPECT_EQ(
      reason_message(sang->reason).text(Language::vi),
      "bị ngắt khi loa ngừng chạy; loa không chạy lại kịp trong thời gian cho phép trễ (late)");
  EXPECT_EQ(aired_indices(*sang), std::vector<int>{0});
  EXPECT_EQ(sang->items.size(), 2U);
}

TEST(OnAir, ABroadcastWaitingWhenTheDeviceFailsDoesNotStartUntilLoaIsBack) {
  // tin waits for the session's zone; the sound card fails at 06:02 and comes back at 06:10.
  Rig rig(kSession + "  - {id: tin, zones: [a], slots: [{at: '06:01', play: [t1.wav]}]}\n");
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 2));
  rig.air().halt("the sound device failed");
  const std::size_t after_halt = rig.mark();
  rig.render();  // the cut session leaves the mixer
  EXPECT_TRUE(rig.air().quiet()) << "nothing may start while the output is gone";
  rig.render();
  EXPECT_FLOAT_EQ(rig.loudest(after_halt), 0.0F);

  rig.start(local(6, 10));
  rig.run_until(local(6, 15));
  const auto tin = rig.find("tin", local(6, 1));
  ASSERT_TRUE(tin);
  EXPECT_EQ(tin->status, AirStatus::missed) << "it was never heard";
  EXPECT_FALSE(tin->start);
  EXPECT_TRUE(tin->items.empty());
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::interrupted);
}

TEST(OnAir, ABroadcastWaitingWhenTheDeviceFailsPlaysIfLoaIsBackWithinItsLate) {
  Rig rig(kSession + "  - {id: tin, zones: [a], slots: [{at: '06:01', play: [t1.wav]}]}\n");
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 2));
  rig.air().halt("the sound device failed");
  rig.start(local(6, 2, 30));
  rig.run_until(local(6, 10));

  // Both air, one after the other on their shared zone, the notice within its late.
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
  const auto tin = rig.find("tin", local(6, 1));
  ASSERT_TRUE(tin);
  EXPECT_EQ(tin->status, AirStatus::aired);
  ASSERT_TRUE(tin->start);
  EXPECT_LE(*tin->start, local(6, 6));
  for (const auto& x : sang->items) {
    for (const auto& y : tin->items) {
      ASSERT_TRUE(x.end && y.end) << "an item journaled as started that never ended";
      EXPECT_TRUE(*x.end <= y.start || *y.end <= x.start) << "two broadcasts at once on zone a";
    }
  }
}

TEST(OnAir, AnOperatorsStopCutsABroadcastOnlyOnThoseZonesAndTheirWaitingBroadcastFollows) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: sang, zones: all, slots: [{at: '06:00', play: [s1.wav, s2.wav, s3.wav]}]}\n"
          "  - {id: tin, zones: [a], slots: [{at: '06:01', play: [t1.wav]}]}\n");
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));
  const UtcTime at = rig.now();
  rig.air().stop(0b01, "stopped by an operator");
  rig.run_until(local(6, 5));

  EXPECT_FLOAT_EQ(rig.heard(at, 0), 0.5F) << "the waiting notice takes the freed zone";
  EXPECT_FLOAT_EQ(rig.heard(at + 10ms, 1), 0.25F) << "the session goes on on zone b";
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 30), 1), 0.375F);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 30), 0), 0.0F) << "and never comes back on zone a";
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(rows(*sang, 1, AirStatus::cut).empty()) << "nothing of it was cut";
  EXPECT_EQ(sang->end, local(6, 3));
  const auto tin = rig.find("tin", local(6, 1));
  ASSERT_TRUE(tin);
  EXPECT_EQ(tin->status, AirStatus::aired);
  EXPECT_EQ(tin->start, at);
}

TEST(OnAir, AnOperatorsStopCutsABroadcastOnAllItsZonesAndItDoesNotComeBack) {
  Rig rig(kSession);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));
  const UtcTime at = rig.now();
  rig.air().stop(0b11, "stopped by an operator");
  rig.run_until(local(6, 5));

  EXPECT_FLOAT_EQ(rig.heard(at + 10ms, 0), 0.0F);
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::interrupted);
  EXPECT_EQ(sang->reason, "stopped by an operator");
  EXPECT_EQ(reason_message(sang->reason).code, "journal.reason.stopped_by");
  EXPECT_EQ(sang->end, at);
  const auto cut = rows(*sang, 1, AirStatus::cut);
  ASSERT_EQ(cut.size(), 1U);
  EXPECT_EQ(cut[0].reason, "stopped by an operator");
  EXPECT_EQ(sang->items.size(), 2U) << "it does not come back";
}

// Issue 15: `loa stop --zones cho` during an all-zone emergency silenced the other zones too and
// killed the bulletin waiting to resume under it.
TEST(OnAir, StoppingOneZoneOfAnEmergencyLeavesItsOtherZonesAndTheBroadcastWaitingUnderIt) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: sang, zones: all, slots: [{at: '06:00', play: [s1.wav, s2.wav, s3.wav]}]}\n" +
          kFlood);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 40));  // the warning is on air, the session paused under it
  const UtcTime at = rig.now();
  rig.air().stop(0b10, "stopped by an operator");
  rig.run_until(local(6, 6));

  EXPECT_FLOAT_EQ(rig.heard(at + 10ms, 0), 0.75F) << "the warning goes on on zone a";
  EXPECT_FLOAT_EQ(rig.heard(at + 10ms, 1), 0.0F) << "zone b is silent at once";
  EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 59.99), 0), 0.75F);
  // The session resumes when the warning ends, on all its zones, with the item that was cut.
  for (int ch : {0, 1}) {
    EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 0), ch), 0.25F) << ch;
    EXPECT_FLOAT_EQ(rig.heard(local(6, 3, 0), ch), 0.375F) << ch;
  }
  const auto lu = rig.find("lu", local(6, 1, 30));
  ASSERT_TRUE(lu);
  EXPECT_EQ(lu->status, AirStatus::aired);
  EXPECT_EQ(lu->end, local(6, 2));
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
}

TEST(OnAir, AReloadFollowsTheNewStationAndLetsARemovedSessionFinishOnlyItsItem) {
  Rig rig(kSession + "  - {id: tin, zones: [b], slots: [{at: '06:10', play: [t1.wav]}]}\n");
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));  // s2 of the session is playing
  // The new version drops both programmes and adds one at 06:05.
  rig.reload(kHead + "programmes:\n" +
             "  - {id: moi, zones: [b], slots: [{at: '06:05', play: [t1.wav]}]}\n");
  rig.run_until(local(6, 15));

  EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 59.99), 0), 0.25F) << "its current item finishes";
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 0.3), 0), 0.0F) << "and nothing of it follows";
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1}));
  EXPECT_EQ(sang->end, local(6, 2));
  EXPECT_EQ(sang->status, AirStatus::interrupted) << "s3 never aired";
  EXPECT_EQ(sang->reason, "its programme was removed");

  const auto moi = rig.find("moi", local(6, 5));
  ASSERT_TRUE(moi);
  EXPECT_EQ(moi->status, AirStatus::aired);
  EXPECT_EQ(moi->start, local(6, 5));
  EXPECT_FLOAT_EQ(rig.heard(local(6, 5, 0), 1), 0.5F);
  EXPECT_FALSE(rig.find("tin", local(6, 10))) << "removed before it was due: not aired";
  EXPECT_EQ(rig.journal().broadcasts(local(0, 0), local(0, 0, 0, 2)).size(), 2U);
}

TEST(OnAir, AReloadKeepsASessionWhoseProgrammeStaysAsItWas) {
  Rig rig(kSession);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));
  rig.reload(kSession + "  - {id: moi, zones: [b], slots: [{at: '06:05', play: [t1.wav]}]}\n");
  rig.run_until(local(6, 10));
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 30), 0), 0.375F);
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(rig.air().next_due(), local(6, 0, 0, 2)) << "not again today";
}

TEST(OnAir, AfterTheClockIsSetBackNothingAirsTwice) {
  Rig rig(kSession);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 5));
  // The clock was 7 minutes fast; NTP sets it back (the engine halts and starts again).
  rig.air().halt("the system clock was set");
  rig.start(local(5, 58));
  const std::size_t after = rig.mark();
  rig.run_until(local(6, 10));

  EXPECT_FLOAT_EQ(rig.loudest(after), 0.0F);
  EXPECT_EQ(rig.air().next_due(), local(6, 0, 0, 2));
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(sang->items.size(), 3U);
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
}

TEST(OnAir, AClockSetBackMidBroadcastResumesItWithoutRepeatingWhatAired) {
  Rig rig(kSession);
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));
  rig.air().halt("the system clock was set");
  rig.start(local(6, 0, 30));
  const std::size_t after = rig.mark();
  rig.run_until(local(6, 5));

  EXPECT_FLOAT_EQ(rig.heard(local(6, 0, 30), 0, after), 0.25F) << "s2, not s1 again";
  EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 30), 0, after), 0.375F);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 30), 0, after), 0.0F);
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  EXPECT_EQ(aired_indices(*sang), (std::vector<int>{0, 1, 2}));
}

TEST(OnAir, AnUnreadableClipIsJournaledFailedAndTheBroadcastGoesOn) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: sang, zones: [a], slots: [{at: '06:00', play: [s1.wav, hong.wav, s3.wav]}]}\n");
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 5));

  EXPECT_FLOAT_EQ(rig.heard(local(6, 0, 59.99), 0), 0.125F);
  EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 0), 0), 0.375F) << "the next item at once";
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  ASSERT_EQ(sang->items.size(), 3U);
  EXPECT_EQ(sang->items[1].path, "hong.wav");
  EXPECT_EQ(sang->items[1].status, AirStatus::failed);
  EXPECT_EQ(sang->items[1].reason, "the clip could not be read (see loa check)");
  EXPECT_EQ(sang->items[2].status, AirStatus::aired);
  EXPECT_EQ(sang->items[2].start, local(6, 1));
}

TEST(OnAir, AClipThatFailsOnAirIsJournaledFailedAndTheBroadcastGoesOn) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: sang, zones: [a], slots: [{at: '06:00', play: [s1.wav, broken.wav, "
          "s3.wav]}]}\n");
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 5));

  EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 30), 0), 0.0F) << "silence in its place";
  EXPECT_FLOAT_EQ(rig.heard(local(6, 2, 0), 0), 0.375F);
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::aired);
  ASSERT_EQ(sang->items.size(), 3U);
  EXPECT_EQ(sang->items[1].status, AirStatus::failed);
  EXPECT_EQ(sang->items[1].reason, "decoding failed at 0.4 s");
  EXPECT_EQ(sang->items[2].status, AirStatus::aired);
}

TEST(OnAir, ABroadcastOfOnlyUnreadableClipsIsJournaledFailed) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: sang, zones: [a], slots: [{at: '06:00', play: [hong.wav, mat.wav]}]}\n");
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 5));
  const auto sang = rig.find("sang", local(6, 0));
  ASSERT_TRUE(sang);
  EXPECT_EQ(sang->status, AirStatus::failed);
  EXPECT_EQ(sang->reason, "none of its items could be played");
  EXPECT_EQ(sang->items.size(), 2U);
}

TEST(OnAir, AWeeklyBroadcastAirsAfterDaysOfIdling) {
  // Nothing else is scheduled: the engine sleeps a day at a time (next_due() knows nothing within
  // its horizon), flushing the journal at each wake, as app/air_engine.cpp does.
  Rig rig(kHead + "programmes:\n" +
          "  - {id: tuan, zones: [a], slots: [{at: '08:00', days: [sat], play: [t1.wav]}]}\n");
  rig.start(local(5, 0));
  rig.run_until(local(8, 10, 0, 5));  // Saturday
  const auto tuan = rig.find("tuan", local(8, 0, 0, 5));
  ASSERT_TRUE(tuan) << "Saturday's broadcast was never considered";
  EXPECT_EQ(tuan->status, AirStatus::aired);
  EXPECT_EQ(tuan->start, local(8, 0, 0, 5));
  EXPECT_FLOAT_EQ(rig.heard(local(8, 0, 0, 5), 0), 0.5F);
}

// Issue 15: the first start journaled the day's earlier slots as missed although loa never ran.
TEST(OnAir, TheFirstStartJournalsNothingLoaNeverHadAChanceToAir) {
  Rig rig(kHead +
          "programmes:\n"
          "  - {id: tin, zones: [b], slots: [{at: '05:00', play: [t1.wav]}]}\n"
          "  - {id: sang, zones: [a], slots: [{at: '05:58', play: [s1.wav]}]}\n");
  rig.start(local(6, 2));  // a fresh journal
  rig.run_until(local(6, 10));
  const auto day = rig.journal().broadcasts(local(0, 0), local(0, 0, 0, 2));
  ASSERT_EQ(day.size(), 1U) << "only what loa could still air";
  EXPECT_EQ(day[0].key.programme, "sang");
  EXPECT_EQ(day[0].status, AirStatus::aired) << "within its late";
  EXPECT_EQ(day[0].start, local(6, 2));
}

// The clips, in journal order, that the broadcasts of `programme` scheduled at `times` aired
// ("missed" for one that did not air).
std::vector<std::string> clips_aired(const Rig& rig, const std::string& programme,
                                     const std::vector<UtcTime>& times) {
  std::vector<std::string> out;
  for (UtcTime at : times) {
    const auto b = rig.find(programme, at);
    if (!b || b->status == AirStatus::missed) {
      out.emplace_back(b ? "missed" : "absent");
      continue;
    }
    std::string clips;
    for (const auto& i : b->items) {
      if (i.status == AirStatus::aired) clips += (clips.empty() ? "" : " ") + i.path;
    }
    out.push_back(clips);
  }
  return out;
}

TEST(OnAir, AMissedBroadcastDoesNotMoveTheRotationOn) {
  // On the 2nd a warning holds zone a from 05:59 to 06:05:30: the 06:00 broadcast is missed.
  Rig rig(kHead +
          "playlists: {l: {order: rotate, pick: 1, clips: [s1.wav, s2.wav, s3.wav]}}\n"
          "programmes:\n"
          "  - {id: p, zones: [a], slots: [{at: '06:00', play: [playlist:l]}]}\n"
          "  - {id: lu, priority: emergency, zones: [a], slots: [{dates: [2026-12-02], at: "
          "'05:59',\n     repeat: 13, play: [lu.wav]}]}\n");
  rig.start(local(5, 0));
  rig.run_until(local(7, 0, 0, 3));
  EXPECT_EQ(clips_aired(rig, "p", {local(6, 0), local(6, 0, 0, 2), local(6, 0, 0, 3)}),
            (std::vector<std::string>{"s1.wav", "missed", "s2.wav"}));
}

TEST(OnAir, TheRotationFollowsTheOrderBroadcastsAir) {
  // q is due first but waits for zone a; r, due later on zone b, airs first and draws first.
  Rig rig(kHead +
          "playlists: {l: {order: rotate, pick: 1, clips: [t1.wav, lu.wav]}}\n"
          "programmes:\n"
          "  - {id: busy, zones: [a], slots: [{at: '05:59:30', play: [s1.wav]}]}\n"
          "  - {id: q, zones: [a], slots: [{at: '06:00', play: [playlist:l]}]}\n"
          "  - {id: r, zones: [b], slots: [{at: '06:00:10', play: [playlist:l]}]}\n");
  rig.start(local(5, 0));
  rig.run_until(local(6, 5));
  EXPECT_EQ(clips_aired(rig, "r", {local(6, 0, 10)}), std::vector<std::string>{"t1.wav"});
  EXPECT_EQ(clips_aired(rig, "q", {local(6, 0)}), std::vector<std::string>{"lu.wav"});
}

TEST(OnAir, ABroadcastResumedAfterACrashPlaysTheClipsItDrew) {
  // p draws t1 at 06:00, r draws lu at 06:00:10 and ends; loa crashes during p's s2. p resumes
  // with its own t1 (not s3, the next clip); tomorrow's p draws s3.
  Rig rig(kHead +
          "playlists: {l: {order: rotate, pick: 1, clips: [t1.wav, lu.wav, s3.wav]}}\n"
          "programmes:\n"
          "  - {id: p, zones: [a], slots: [{at: '06:00', play: [s1.wav, s2.wav, playlist:l]}]}\n"
          "  - {id: r, zones: [b], slots: [{dates: [2026-12-01], at: '06:00:10',\n"
          "     play: [playlist:l]}]}\n");
  rig.start(local(5, 59, 50));
  rig.run_until(local(6, 1, 30));
  rig.crash();
  rig.boot();
  rig.start(local(6, 1, 40));
  rig.run_until(local(6, 10, 0, 2));
  EXPECT_EQ(clips_aired(rig, "r", {local(6, 0, 10)}), std::vector<std::string>{"lu.wav"});
  EXPECT_EQ(clips_aired(rig, "p", {local(6, 0), local(6, 0, 0, 2)}),
            (std::vector<std::string>{"s1.wav s2.wav t1.wav", "s1.wav s2.wav s3.wav"}));
}

// Issue 15: plan and run agree on a station with a journal. Two days on air (one broadcast
// missed, one drawing before one due earlier), loa stopped and started again; then the plan made
// from the journal at that moment shows, broadcast for broadcast, the clips loa goes on to air.
TEST(OnAir, ThePlanFromTheJournalIsWhatAirs) {
  const std::string yaml =
      kHead +
      "playlists: {l: {order: rotate, pick: 1, clips: [s1.wav, s2.wav, s3.wav, t1.wav]}}\n"
      "programmes:\n"
      "  - {id: p, zones: [a], slots: [{at: '06:00', play: [playlist:l]}]}\n"
      "  - {id: q, zones: [b], slots: [{at: ['06:00:30', '17:00'], play: [playlist:l]}]}\n"
      "  - {id: lu, priority: emergency, zones: [a], slots: [{dates: [2026-12-02, 2026-12-04],\n"
      "     at: '05:59', repeat: 13, play: [lu.wav]}]}\n";
  Rig rig(yaml);
  rig.start(local(5, 0));
  rig.run_until(local(12, 0, 0, 2));
  rig.air().halt("loa was stopped");
  const UtcTime now = local(12, 0, 0, 2);
  PlanStart start{now, {}};
  for (const auto& [key, next] : rig.journal().rotation()) {
    if (key.find('@') == std::string::npos) start.next.emplace(key, next);
  }
  const AirStation air = make_air(yaml);
  const auto lengths = [&air](const std::filesystem::path& p) -> std::optional<Micros> {
    const auto& clips = air.station->clips;
    const auto it = std::find(clips.begin(), clips.end(), p);
    return it == clips.end() ? std::nullopt : air.lengths[it - clips.begin()];
  };
  const auto planned = plan(*air.station, lengths, local(0, 0, 0, 3), local(0, 0, 0, 6), start);

  rig.start(now);
  rig.run_until(local(0, 0, 0, 6));
  ASSERT_EQ(planned.size(), 10U);  // p and q (twice) a day, lu once
  for (const auto& pb : planned) {
    const std::string& id = pb.broadcast.programme->id;
    if (id == "lu") continue;
    std::string clips;
    for (const auto& a : pb.outcome.aired) {
      const auto path = pb.broadcast.items[a.item].path();
      if (!a.cut) clips += (clips.empty() ? "" : " ") + std::string(path);
    }
    if (pb.outcome.status == BroadcastStatus::missed) clips = "missed";
    const int slot = static_cast<int>(pb.broadcast.slot - pb.broadcast.programme->slots.data());
    const auto journaled = rig.journal().find({id, slot, pb.broadcast.scheduled});
    ASSERT_TRUE(journaled) << id;
    std::string aired;
    for (const auto& i : journaled->items) {
      if (i.status == AirStatus::aired) aired += (aired.empty() ? "" : " ") + i.path;
    }
    if (journaled->status == AirStatus::missed) aired = "missed";
    EXPECT_EQ(clips, aired) << id << " at "
                            << format_iso(pb.broadcast.scheduled, air.station->settings.zone);
  }
}

// Relays and inputs open ahead of their start (a relay by its `preroll:`, an input by 2 s, so
// that its first words are not lost to the device opening), also when the engine idled until
// then. An input whose capture device another input holds opens only when it starts.
TEST(OnAir, RelaysAndInputsOpenAheadUnlessTheirCaptureDeviceIsHeld) {
  AirStation air = make_air(
      "station: {timezone: Asia/Ho_Chi_Minh}\n"
      "audio: {chime: none, inputs: [{id: fm, device: 'hw:1', channel: 1},\n"
      "  {id: mic, device: 'hw:1', channel: 2}, {id: desk, device: 'hw:2', channel: 1}]}\n"
      "zones: [{id: a, channel: 1}, {id: b, channel: 2}]\n"
      "programmes:\n"
      "  - {id: tiep-song, zones: [a], slots: [{at: '06:00', play: [\n"
      "     {relay: 'http://127.0.0.1:9/vov1', for: 20s, preroll: 10s}, {input: fm, for: 10s},\n"
      "     {input: mic, for: 10s}, {input: desk, for: 10s}]}]}\n");
  struct Opening {
    std::string item;
    UtcTime at;
  };
  std::vector<Opening> opened;
  const Rig* clock = nullptr;
  air.open_live = [&](const BroadcastItem& item,
                      std::shared_ptr<RelayEvents>) -> std::unique_ptr<MonoSource> {
    opened.push_back({std::string(item.path()), clock->now()});
    return std::make_unique<Level>(0.5F, item.length.count() * kRate / 1'000'000);
  };
  Rig rig(std::move(air));
  clock = &rig;
  rig.start(local(5, 50));  // idle until the relay's preroll
  rig.run_until(local(6, 1));

  ASSERT_EQ(opened.size(), 4U);
  // The engine decides a block (0.64 s here) and its lead ahead of the clock.
  const auto near = [](UtcTime at, UtcTime expected) {
    return at >= expected - 800ms && at <= expected + 100ms;
  };
  EXPECT_EQ(opened[0].item, "http://127.0.0.1:9/vov1");
  EXPECT_TRUE(near(opened[0].at, local(5, 59, 50))) << "the relay opens 10 s ahead";
  EXPECT_EQ(opened[1].item, "fm");
  EXPECT_TRUE(near(opened[1].at, local(6, 0, 18))) << "the input opens 2 s ahead";
  EXPECT_EQ(opened[2].item, "mic");
  EXPECT_TRUE(near(opened[2].at, local(6, 0, 30)))
      << "hw:1 is fm's until 06:00:30: mic opens as it starts";
  EXPECT_EQ(opened[3].item, "desk");
  EXPECT_TRUE(near(opened[3].at, local(6, 0, 38))) << "hw:2 is free: desk opens 2 s ahead";

  // Each airs on its frame and for its length, opened ahead or not.
  for (const double s : {0.0, 19.9, 20.0, 29.9, 30.0, 39.9, 40.0, 49.9}) {
    EXPECT_FLOAT_EQ(rig.heard(local(6, 0, s), 0), 0.5F) << "at 06:00:" << s;
  }
  EXPECT_FLOAT_EQ(rig.heard(local(6, 0, 50), 0), 0.0F);
  const auto jb = rig.find("tiep-song", local(6, 0));
  ASSERT_TRUE(jb);
  ASSERT_EQ(jb->items.size(), 4U);
  EXPECT_EQ(jb->items[2].start, local(6, 0, 30));
  EXPECT_EQ(jb->items[3].end, local(6, 0, 50));
}

// An operator ends their live broadcast while an emergency has cut it (it waits to resume): it
// does not come back after the emergency, and the journal says it was ended, not that it aired.
TEST(OnAir, ALiveBroadcastEndedWhileAnEmergencyPausedItDoesNotComeBack) {
  Rig rig(kHead + "programmes:\n" + kFlood);
  rig.never_idle();
  rig.start(local(6, 0, 50));
  rig.run_until(local(6, 1));
  // As air/play_now.cpp's live_station: an ad-hoc programme `live` (a clip stands in for the
  // microphone here), resumed after what cuts it.
  const UtcTime at = rig.air().play_now(
      make_air(kHead + "programmes: [{id: live, zones: [a], slots: [{at: '00:00', play: "
                       "[s1.wav]}]}]\n"),
      local(6, 1));
  rig.run_until(local(6, 1, 40));
  ASSERT_FLOAT_EQ(rig.heard(local(6, 1, 35), 0), 0.75F) << "the emergency is on air";
  EXPECT_EQ(rig.air().end_adhoc("live", "ended by lan"), ZoneSet{1}) << "zone a";
  rig.run_until(local(6, 3, 30));

  EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 20), 0), 0.125F) << "live on air before the emergency";
  EXPECT_FLOAT_EQ(rig.heard(local(6, 1, 59.99), 0), 0.75F);
  for (const double s : {0.5, 10.0, 30.0, 59.0}) {
    EXPECT_FLOAT_EQ(rig.heard(local(6, 2, s), 0), 0.0F) << "live came back at 06:02:" << s;
  }
  const auto live = rig.journal().find({"live", -1, at});
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, AirStatus::interrupted);
  EXPECT_LE(live->end, local(6, 1, 40));
  EXPECT_EQ(live->reason, "ended by lan");
  const auto lu = rig.find("lu", local(6, 1, 30));
  ASSERT_TRUE(lu);
  EXPECT_EQ(lu->status, AirStatus::aired);
}

}  // namespace
}  // namespace loa
