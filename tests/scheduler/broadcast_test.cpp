// Expanding slots into broadcasts, playlist orders, and the planner's window.
#include "loa/broadcast.hpp"

#include <gtest/gtest.h>

#include <set>

#include "loa/planner.hpp"
#include "loa/station_loader.hpp"

namespace loa {
namespace {

Station load(const std::string& text) {
  Diagnostics d;
  Station st = load_station_text(text, "/station/st.yaml", d);
  for (const auto& m : d.all()) ADD_FAILURE() << format(m);
  return st;
}

// Every clip lasts 10 s.
const ClipLengths kTenSeconds = [](const std::filesystem::path&) -> std::optional<Micros> {
  return std::chrono::seconds(10);
};

std::vector<std::string> clip_paths(const Broadcast& b) {
  std::vector<std::string> out;
  for (const auto& i : b.items) {
    if (i.kind == BroadcastItem::Kind::clip) out.emplace_back(i.path());
  }
  return out;
}

const std::string kHead =
    "station: {timezone: UTC}\nzones: [{id: a, channel: 1}, {id: b, channel: 2}]\n";

TEST(Playlist, RotateContinuesWhereTheLastBroadcastStopped) {
  Station st =
      load(kHead +
           "programmes: [{id: p, chime: none, slots: [{at: '06:00', play: [playlist:l]}]}]\n"
           "playlists: {l: {order: rotate, pick: 1, clips: [x, y, z]}}\n");
  RotationState rotation;
  std::vector<std::string> aired;
  for (int i = 0; i < 4; ++i) {
    aired.push_back(
        clip_paths(expand_broadcast(st, st.programmes[0], st.programmes[0].slots[0], UtcTime{},
                                    rotation, clip_table(st, kTenSeconds)))[0]);
  }
  EXPECT_EQ(aired, (std::vector<std::string>{"x", "y", "z", "x"}));
}

TEST(Playlist, ShufflePlaysEveryClipOncePerPassAndIsReproducible) {
  Station st = load(kHead +
                    "programmes: [{id: p, slots: [{at: '06:00', play: [playlist:l]}]}]\n"
                    "playlists: {l: {order: shuffle, pick: 1, clips: [c1, c2, c3, c4, c5]}}\n");
  const auto draw_all = [&] {
    RotationState rotation;
    std::vector<std::string> out;
    for (int i = 0; i < 10; ++i) out.push_back(draw_from(st.playlists[0], rotation)[0]->ref);
    return out;
  };
  const auto first = draw_all();
  EXPECT_EQ(first, draw_all());
  EXPECT_EQ(std::set<std::string>(first.begin(), first.begin() + 5).size(), 5U);
  EXPECT_EQ(std::set<std::string>(first.begin() + 5, first.end()).size(), 5U);
  EXPECT_NE(std::vector<std::string>(first.begin(), first.begin() + 5),
            std::vector<std::string>(first.begin() + 5, first.end()));
}

TEST(Playlist, InOrderPlaysTheFirstPickEveryTime) {
  Station st = load(kHead +
                    "programmes: [{id: p, slots: [{at: '06:00', play: [playlist:l]}]}]\n"
                    "playlists: {l: {pick: 2, clips: [x, y, z]}}\n");
  RotationState rotation;
  for (int i = 0; i < 3; ++i) {
    auto drawn = draw_from(st.playlists[0], rotation);
    ASSERT_EQ(drawn.size(), 2U);
    EXPECT_EQ(drawn[0]->ref, "x");
    EXPECT_EQ(drawn[1]->ref, "y");
  }
}

TEST(Expand, ChimeThenThePlayListRepeatedWithGaps) {
  Station st = load(kHead +
                    "programmes: [{id: p, slots: [{at: '06:00', play: [x, playlist:l, {silence: "
                    "3s}], repeat: 2, gap: 30s}]}]\n"
                    "playlists: {l: {order: rotate, pick: 1, clips: [y, z]}}\n");
  RotationState rotation;
  auto b = expand_broadcast(st, st.programmes[0], st.programmes[0].slots[0], UtcTime{}, rotation,
                            clip_table(st, kTenSeconds));
  std::vector<std::string> kinds;
  for (const auto& i : b.items)
    kinds.push_back(std::string(item_kind_name(i.kind)) + ":" + std::string(i.path()));
  EXPECT_EQ(kinds, (std::vector<std::string>{"chime:builtin", "clip:x", "clip:y", "silence:silence",
                                             "gap:gap", "clip:x", "clip:y", "silence:silence"}));
  EXPECT_EQ(b.length(), std::chrono::milliseconds(2500 + 10000 * 4 + 3000 * 2 + 30000));
  EXPECT_EQ(rotation["l"], 1U);  // drawn once: a repeat airs the same announcement
}

TEST(Expand, ChimeChoices) {
  Station st = load(
      "station: {timezone: UTC}\naudio: {chime: none}\nzones: [{id: a, channel: 1}]\n"
      "programmes:\n"
      "  - {id: quiet, slots: [{at: '06:00', play: [x]}]}\n"
      "  - {id: gong, chime: builtin, slots: [{at: '06:00', play: [x]}]}\n"
      "  - {id: own, chime: siren.wav, slots: [{at: '06:00', play: [x]}]}\n");
  RotationState r;
  auto first_kind = [&](std::size_t p) {
    auto b = expand_broadcast(st, st.programmes[p], st.programmes[p].slots[0], UtcTime{}, r,
                              clip_table(st, kTenSeconds));
    return std::string(item_kind_name(b.items[0].kind)) + ":" + std::string(b.items[0].path());
  };
  EXPECT_EQ(first_kind(0), "clip:x");
  EXPECT_EQ(first_kind(1), "chime:builtin");
  EXPECT_EQ(first_kind(2), "chime:siren.wav");
}

TEST(Expand, UnreadableClipsAreMarked) {
  Station st =
      load(kHead + "programmes: [{id: p, chime: none, slots: [{at: '06:00', play: [x]}]}]\n");
  RotationState r;
  const ClipLengths none = [](const std::filesystem::path&) -> std::optional<Micros> {
    return std::nullopt;
  };
  auto b = expand_broadcast(st, st.programmes[0], st.programmes[0].slots[0], UtcTime{}, r,
                            clip_table(st, none));
  ASSERT_EQ(b.items.size(), 1U);
  EXPECT_TRUE(b.items[0].unreadable);
  EXPECT_EQ(b.items[0].length.count(), 0);
}

TEST(Planner, ABroadcastBeforeTheWindowStillDelaysOneInside) {
  Station st = load(kHead + R"(programmes:
  - {id: long, chime: none, slots: [{at: '23:59', play: [x, x, x, x, x, x, x, x, x, x, x, x]}]}
  - {id: midnight, chime: none, slots: [{at: '00:00', play: [x]}]}
)");
  const UtcTime from = UtcTime{} + date::days{20000};
  auto p = plan(st, kTenSeconds, from, from + std::chrono::hours(1));
  ASSERT_EQ(p.size(), 1U);
  EXPECT_EQ(p[0].broadcast.programme->id, "midnight");
  EXPECT_EQ(p[0].outcome.status, BroadcastStatus::delayed);
  EXPECT_EQ(*p[0].outcome.start, from + std::chrono::seconds(60));
}

TEST(Planner, TheSameInputsGiveTheSamePlan) {
  Station st = load(kHead +
                    "programmes: [{id: p, slots: [{every: 30m, play: [playlist:l]}]}]\n"
                    "playlists: {l: {order: shuffle, pick: 1, clips: [x, y, z]}}\n");
  const UtcTime from = UtcTime{} + date::days{20000};
  auto a = plan(st, kTenSeconds, from, from + date::days{2});
  auto b = plan(st, kTenSeconds, from, from + date::days{2});
  ASSERT_EQ(a.size(), 96U);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(clip_paths(a[i].broadcast), clip_paths(b[i].broadcast));
    EXPECT_EQ(a[i].outcome.start, b[i].outcome.start);
  }
}

// A slot with mistakes is kept (so `loa check` reports all of them at once), holding only what was
// read right. Such a station never airs, but nothing that reads it may misbehave: the planner
// plans what was read right and nothing else.
TEST(Planner, SlotsKeptWithErrorsPlanOnlyWhatWasReadRight) {
  Diagnostics d;
  const Station st = load_station_text(kHead + R"(programmes:
  - id: bản tin
    chime: none
    slots:
      - {at: '25:00', play: [x]}
      - {every: 10s, play: [x]}
      - {at: '05:00', every: 1h, play: [x]}
      - {at: '05:30', days: [someday], play: [x]}
      - {at: '06:00', play: [playlist:nope, {silence: 0s}]}
      - {at: '06:30'}
      - {at: '07:00', play: [x], repeat: 0, gap: 30, late: -1m, start: never}
)",
                                       "/station/st.yaml", d);
  ASSERT_GE(d.error_count(), 9U);
  ASSERT_EQ(st.programmes.at(0).slots.size(), 7U);
  const UtcTime from = UtcTime{} + date::days{20000};
  const auto p = plan(st, kTenSeconds, from, from + date::days{1});
  ASSERT_EQ(p.size(), 3U);
  EXPECT_EQ(p[0].broadcast.scheduled, from + std::chrono::hours(6));
  EXPECT_TRUE(p[0].broadcast.items.empty());
  EXPECT_EQ(p[1].broadcast.scheduled, from + std::chrono::minutes(390));
  EXPECT_EQ(p[2].broadcast.scheduled, from + std::chrono::hours(7));
  EXPECT_EQ(clip_paths(p[2].broadcast), std::vector<std::string>{"x"});  // repeat 1, the default
}

}  // namespace
}  // namespace loa

namespace loa {
namespace {

// Relay and input items are items of exactly their length: `for:`, or up to `until:` (the next
// day's when it is not later than the item's start), whatever comes before them.
TEST(LiveItems, LastExactlyTheirForOrUpToTheirUntil) {
  Station st = load(
      "station: {timezone: Asia/Ho_Chi_Minh}\n"
      "audio: {inputs: [{id: fm, device: 'hw:1', channel: 1}]}\n"
      "zones: [{id: a, channel: 1}]\n"
      "programmes:\n"
      "  - {id: p, chime: builtin, slots: [{at: '06:00', play: [x, {relay: 'https://r.example/s',"
      " for: 30m}, {input: fm, until: '07:00'}]}]}\n"
      "  - {id: night, chime: none, slots: [{at: '22:00', play: [{input: fm, until: "
      "'05:00'}]}]}\n");
  const auto zone = st.settings.zone;
  const UtcTime six =
      resolve_local(date::local_days{date::year{2026} / 12 / 1} + std::chrono::hours(6), zone);
  RotationState rotation;
  const Broadcast b = expand_broadcast(st, st.programmes[0], st.programmes[0].slots[0], six,
                                       rotation, clip_table(st, kTenSeconds));
  ASSERT_EQ(b.items.size(), 4U);
  EXPECT_EQ(b.items[2].kind, BroadcastItem::Kind::relay);
  EXPECT_EQ(b.items[2].path(), "https://r.example/s");
  EXPECT_EQ(b.items[2].length, std::chrono::minutes(30));
  EXPECT_EQ(b.items[3].kind, BroadcastItem::Kind::input);
  EXPECT_EQ(b.items[3].path(), "fm");
  // Up to 07:00 after the chime, the clip and the relay: the broadcast ends at 07:00 exactly.
  EXPECT_EQ(six + b.length(), six + std::chrono::hours(1));
  const UtcTime ten = six + std::chrono::hours(16);
  const Broadcast night = expand_broadcast(st, st.programmes[1], st.programmes[1].slots[0], ten,
                                           rotation, clip_table(st, kTenSeconds));
  EXPECT_EQ(night.items.at(0).length, std::chrono::hours(7));  // 22:00 until 05:00 the next day
  EXPECT_EQ(longest_broadcast(st, st.programmes[0], st.programmes[0].slots[0],
                              clip_table(st, kTenSeconds)),
            b.items[0].length + std::chrono::seconds(10) + std::chrono::minutes(30) +
                std::chrono::hours(24));
}

}  // namespace
}  // namespace loa
