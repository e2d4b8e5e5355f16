// The station loader as operators meet it: every mistake reported at its line, with a message that
// says what to write instead.
#include <gtest/gtest.h>

#include "loa/station_loader.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

const std::string kHead = R"(station:
  name: Test
  timezone: Asia/Ho_Chi_Minh
zones:
  - {id: ap-1, name: Ấp 1, channel: 1}
  - {id: ap-2, name: Ấp 2, channel: 2}
)";

struct Loaded {
  Station station;
  Diagnostics diags;
  std::vector<std::string> lines;

  bool has(const std::string& text) const {
    for (const auto& l : lines) {
      if (l.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::string all() const {
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
  }
};

Loaded load(const std::string& text) {
  Loaded l;
  l.station = load_station_text(text, "st.yaml", l.diags);
  for (const auto& d : l.diags.all()) l.lines.push_back(format(d));
  return l;
}

// A station whose only programme has `slot` as its slot (indented as a list item at 6 spaces).
Loaded load_slot(const std::string& slot) {
  return load(kHead + "programmes:\n  - id: p\n    slots:\n      - " + slot + "\n");
}

TEST(Loader, ReadsTheIssueExample) {
  auto l = load(kHead + R"(programmes:
  - id: mang-xa-hoi
    title: Cảnh báo trào lưu độc hại trên mạng xã hội
    reference: 956-CV/HU
    priority: normal
    zones: all
    valid: {from: 2024-01-20, until: 2024-06-30}
    except: [2024-02-10]
    chime: default
    slots:
      - at: ["06:00", "17:30"]
        days: weekdays
        play: [a.mp3, playlist:canh-bao, {silence: 3s}]
        repeat: 2
        gap: 30s
      - every: 30m
        between: ["07:00", "20:00"]
        dates: [2024-02-01, 2024-02-02]
        start: hard
        late: 10m
        on_interrupt: resume
        play: [b.ogg]
playlists:
  canh-bao: {order: rotate, pick: 1, clips: [a.mp3, b.ogg, c.wav]}
)");
  EXPECT_FALSE(l.diags.has_errors()) << l.all();
  ASSERT_EQ(l.station.programmes.size(), 1U);
  const Programme& p = l.station.programmes[0];
  EXPECT_EQ(p.zones, 3U);
  ASSERT_EQ(p.slots.size(), 2U);
  EXPECT_EQ(p.slots[0].at.size(), 2U);
  EXPECT_EQ(p.slots[0].days.weekdays, 0x3E);
  EXPECT_EQ(p.slots[0].play.size(), 3U);
  EXPECT_EQ(p.slots[0].repeat, 2);
  EXPECT_EQ(p.slots[1].every, std::chrono::minutes(30));
  EXPECT_EQ(p.slots[1].between_to, std::chrono::hours(20));
  EXPECT_EQ(p.slots[1].start, StartMode::hard);
  EXPECT_EQ(p.slots[1].days.kind, DayRule::Kind::dates);
  ASSERT_EQ(l.station.playlists.size(), 1U);
  EXPECT_EQ(l.station.playlists[0].order, Playlist::Order::rotate);
}

TEST(Loader, UnknownKeyWithSuggestion) {
  auto l = load(
      kHead +
      "programmes:\n  - id: p\n    priorty: high\n    slots: [{at: '06:00', play: [a.mp3]}]\n");
  EXPECT_TRUE(l.has(
      "st.yaml:9:5: error: unknown key 'priorty' in programme 'p' (did you mean 'priority'?)"))
      << l.all();
}

TEST(Loader, WrongTypes) {
  auto l = load_slot("{at: {h: 6}, play: a.mp3, repeat: twice}");
  EXPECT_TRUE(l.has("expected at (a time or a list of times) as a list, found a mapping"))
      << l.all();
  EXPECT_TRUE(l.has("repeat must be a whole number from 1 to 100, not 'twice'")) << l.all();
}

TEST(Loader, BadTimeOfDay) {
  auto l = load_slot("{at: '25:00', play: [a.mp3]}");
  EXPECT_TRUE(l.has("st.yaml:10:14: error: at: '25:00' is not a time of day")) << l.all();
}

TEST(Loader, NegativeDuration) {
  auto l = load_slot("{at: '06:00', play: [a.mp3], late: -5s}");
  EXPECT_TRUE(l.has("late: a duration cannot be negative")) << l.all();
}

TEST(Loader, EveryZero) {
  auto l = load_slot("{every: 0m, play: [a.mp3]}");
  EXPECT_TRUE(l.has("st.yaml:10:17: error: every: 0m is too often; the shortest period is 1m"))
      << l.all();
}

TEST(Loader, InvalidDate) {
  auto l = load_slot("{at: '06:00', dates: [2025-02-29], play: [a.mp3]}");
  EXPECT_TRUE(l.has("dates: '2025-02-29' is not a real date")) << l.all();
}

TEST(Loader, UntilBeforeFrom) {
  auto l = load(kHead +
                "programmes:\n  - id: p\n    valid: {from: 2024-06-30, until: 2024-01-01}\n    "
                "slots: [{at: '06:00', play: [a.mp3]}]\n");
  EXPECT_TRUE(l.has("st.yaml:9:38: error: valid until 2024-01-01 is before from 2024-06-30"))
      << l.all();
}

TEST(Loader, DuplicateProgrammeIds) {
  auto l = load(kHead +
                "programmes:\n  - id: p\n    slots: [{at: '06:00', play: [a.mp3]}]\n  - id: p\n    "
                "slots: [{at: '07:00', play: [a.mp3]}]\n");
  EXPECT_TRUE(
      l.has("st.yaml:10:5: error: duplicate programme id 'p' (first defined at st.yaml:8:5)"))
      << l.all();
}

TEST(Loader, ReferencesToNothing) {
  auto l = load(kHead +
                "programmes:\n  - id: p\n    zones: [ap1]\n    slots: [{at: '06:00', play: "
                "[playlist:canhbao]}]\nplaylists:\n  canh-bao: {clips: [a.mp3]}\n");
  EXPECT_TRUE(l.has("st.yaml:9:13: error: unknown zone 'ap1' (did you mean 'ap-1'?)")) << l.all();
  EXPECT_TRUE(l.has("error: unknown playlist 'canhbao' (did you mean 'canh-bao'?)")) << l.all();
}

TEST(Loader, BadDayName) {
  auto l = load_slot("{at: '06:00', days: [mon, wendesday], play: [a.mp3]}");
  EXPECT_TRUE(l.has("'wendesday' is not a day")) << l.all();
}

TEST(Loader, AtAndEveryTogether) {
  auto l = load_slot("{at: '06:00', every: 30m, play: [a.mp3]}");
  EXPECT_TRUE(l.has("a slot has either 'at' or 'every', not both")) << l.all();
}

TEST(Loader, MissingPlay) {
  auto l = load_slot("{at: '06:00'}");
  EXPECT_TRUE(l.has("the slot needs 'play'")) << l.all();
}

TEST(Loader, BetweenBackwards) {
  auto l = load_slot("{every: 30m, between: ['20:00', '07:00'], play: [a.mp3]}");
  EXPECT_TRUE(l.has("between ends (07:00) before it starts (20:00)")) << l.all();
}

TEST(Loader, UnknownTimeZone) {
  auto l = load("station: {timezone: Asia/Ho_Chi_Min}\nzones: [{id: a, channel: 1}]\n");
  EXPECT_TRUE(l.has("unknown time zone 'Asia/Ho_Chi_Min' (did you mean 'Asia/Ho_Chi_Minh'?)"))
      << l.all();
}

TEST(Loader, NoZones) {
  auto l = load("station: {name: x}\n");
  EXPECT_TRUE(l.has("the station has no zones")) << l.all();
}

TEST(Loader, EmptyPlaylistIsAWarning) {
  auto l = load(kHead +
                "programmes:\n  - id: p\n    slots: [{at: '06:00', play: "
                "[playlist:x]}]\nplaylists:\n  x: {clips: []}\n");
  EXPECT_FALSE(l.diags.has_errors()) << l.all();
  EXPECT_TRUE(l.has("warning: playlist 'x' is empty")) << l.all();
}

TEST(Loader, EmergencyDefaultsToHardStart) {
  auto l = load(kHead +
                "programmes:\n  - id: lu\n    priority: emergency\n    slots: [{at: '06:00', play: "
                "[a.mp3]}]\n");
  ASSERT_FALSE(l.diags.has_errors()) << l.all();
  EXPECT_EQ(l.station.programmes[0].slots[0].start, StartMode::hard);
}

TEST(Loader, EveryErrorIsReportedAtOnce) {
  auto l = load(kHead + R"(programmes:
  - id: a
    priority: urgent
    slots: [{at: '24:00', play: [x.mp3], gap: 5}]
  - id: b
    zones: [nowhere]
    slots: [{every: 0m, play: [x.mp3]}]
)");
  EXPECT_GE(l.diags.error_count(), 5U) << l.all();
}

TEST(Loader, ManyProgrammesLoad) {
  std::string text = kHead + "programmes:\n";
  for (int i = 0; i < 20000; ++i) {
    text += "  - {id: p" + std::to_string(i) + ", slots: [{at: '06:00', play: [a.mp3]}]}\n";
  }
  auto l = load(text);
  EXPECT_FALSE(l.diags.has_errors());
  EXPECT_EQ(l.station.programmes.size(), 20000U);
}

TEST(Loader, IncludesAreReadRelativeToTheStationFile) {
  test::TempDir dir;
  dir.write("station.yaml", kHead + "  # end of zones\nstation_extra: 1\n");
  dir.write("s2.yaml", R"(station: {timezone: UTC, include: [programmes/*.yaml, missing/*.yaml]}
zones: [{id: a, channel: 1}]
)");
  dir.write("programmes/one.yaml",
            "programmes:\n  - {id: one, slots: [{at: '06:00', play: [a.mp3]}]}\n");
  dir.write("programmes/two.yaml",
            "programmes:\n  - {id: two, slots: [{at: '07:00', play: [playlist:pl]}]}\nplaylists:\n "
            " pl: {clips: [b.mp3]}\n");
  dir.write("programmes/bad.yaml", "station: {name: nope}\n");
  Diagnostics d;
  Station st = load_station(dir / "s2.yaml", d);
  std::string all;
  for (const auto& m : d.all()) all += format(m) + "\n";
  EXPECT_EQ(st.programmes.size(), 2U) << all;
  EXPECT_EQ(st.playlists.size(), 1U) << all;
  EXPECT_EQ(st.files.size(), 4U) << all;
  EXPECT_NE(all.find("bad.yaml:1:1: error: unknown key 'station' in included file"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("warning: include 'missing/*.yaml' matches no file"), std::string::npos)
      << all;
  EXPECT_EQ(st.programmes[0].slots[0].play[0].file, dir.path() / "clips" / "a.mp3");
}

TEST(Loader, ExpiredCampaignWarns) {
  auto l = load(kHead +
                "programmes:\n  - id: old\n    valid: {until: 2024-06-30}\n    slots: [{at: "
                "'06:00', play: [a.mp3]}]\n");
  warn_expired(l.station, Date(date::year{2026}, date::month{11}, date::day{28}), l.diags);
  EXPECT_FALSE(l.diags.has_errors());
  EXPECT_EQ(l.diags.warning_count(), 1U);
}

TEST(Loader, UnquotedNullOutputMeansTheNullSink) {
  auto l = load(
      "station: {timezone: UTC}\naudio: {output: null, preview: wav:/tmp/p.wav}\nzones: [{id: a, "
      "channel: 1}]\n");
  EXPECT_EQ(l.station.settings.audio.output, "null");
  EXPECT_EQ(l.station.settings.audio.preview, "wav:/tmp/p.wav");
}

TEST(Loader, NthWeekdaysAndMonthdays) {
  auto l = load_slot("{at: '06:00', days: [last-sun, 1st-mon], play: [a.mp3]}");
  ASSERT_FALSE(l.diags.has_errors()) << l.all();
  const auto& rule = l.station.programmes[0].slots[0].days;
  EXPECT_EQ(rule.weekdays, 0);
  EXPECT_EQ(rule.nth_weekdays.size(), 2U);
  auto m = load_slot("{at: '06:00', monthdays: [1, 15, last], play: [a.mp3]}");
  ASSERT_FALSE(m.diags.has_errors()) << m.all();
  EXPECT_EQ(m.station.programmes[0].slots[0].days.monthdays, (std::vector<int>{1, 15, -1}));
}

TEST(Loader, AnOnDemandProgrammeNeedsNoSlotsButSomethingToPlay) {
  auto l = load(kHead +
                "programmes:\n  - id: bao-chay\n    priority: emergency\n    zones: [ap-1]\n"
                "    on_demand: true\n    play: [coi.mp3, bao-chay.mp3]\n    repeat: 3\n");
  ASSERT_FALSE(l.diags.has_errors()) << l.all();
  const Programme& p = l.station.programmes[0];
  ASSERT_TRUE(p.on_demand.has_value());
  EXPECT_TRUE(p.slots.empty());
  EXPECT_EQ(p.on_demand->play.size(), 2u);
  EXPECT_EQ(p.on_demand->repeat, 3);
  EXPECT_EQ(p.on_demand->start, StartMode::hard);

  auto empty = load(kHead + "programmes:\n  - id: x\n    on_demand: true\n");
  EXPECT_TRUE(empty.has("st.yaml:8:5: error: an on_demand programme needs play")) << empty.all();

  auto stray = load(kHead +
                    "programmes:\n  - id: x\n    play: [a.mp3]\n    slots: [{at: '06:00', play: "
                    "[a.mp3]}]\n");
  EXPECT_TRUE(stray.has("st.yaml:9:11: error: play goes in a slot, or beside on_demand: true"))
      << stray.all();
}

// --- Every mistake at once (issue 15: a slot with an error used to be dropped unread). ---

TEST(Loader, ASlotWithAnErrorStillHasItsPlaylistsChecked) {
  auto l = load_slot("{at: '25:00', play: [playlist:nope]}");
  EXPECT_TRUE(l.has("st.yaml:10:14: error: at: '25:00' is not a time of day")) << l.all();
  EXPECT_TRUE(l.has("st.yaml:10:30: error: unknown playlist 'nope'")) << l.all();
  // What was kept holds nothing wrong: no time at all rather than a bad one.
  ASSERT_EQ(l.station.programmes.at(0).slots.size(), 1U);
  EXPECT_TRUE(l.station.programmes[0].slots[0].at.empty());
}

TEST(Loader, AProgrammeWithABadIdStillHasItsSlotsChecked) {
  auto l = load(kHead + "programmes:\n  - id: bản tin\n    slots: [{at: '6h', play: [a.mp3]}]\n");
  EXPECT_TRUE(l.has("st.yaml:8:9: error: programme id 'bản tin' is not a valid id")) << l.all();
  EXPECT_TRUE(l.has("st.yaml:9:18: error: at: '6h'")) << l.all();
  auto none = load(kHead + "programmes:\n  - slots: [{at: '6h', play: [a.mp3]}]\n  - slots: []\n");
  EXPECT_TRUE(none.has("st.yaml:8:5: error: the programme needs 'id'")) << none.all();
  EXPECT_TRUE(none.has("st.yaml:8:18: error: at: '6h'")) << none.all();
  EXPECT_FALSE(none.has("duplicate")) << none.all();  // two without an id are not one id twice
}

TEST(Loader, APlaylistWithABadIdStillHasItsClipsRead) {
  auto l = load(kHead +
                "programmes:\n  - id: p\n    slots: [{at: '06:00', play: ['playlist:tin tức']}]\n"
                "playlists:\n  tin tức: {order: random, clips: [a.mp3]}\n");
  EXPECT_TRUE(l.has("st.yaml:11:3: error: playlist id 'tin tức' is not a valid id")) << l.all();
  EXPECT_TRUE(l.has("st.yaml:11:22: error: order 'random' is not one of")) << l.all();
  EXPECT_FALSE(l.has("unknown playlist")) << l.all();  // one mistake, one message
  ASSERT_EQ(l.station.playlists.size(), 1U);
  EXPECT_EQ(l.station.playlists[0].clips.size(), 1U);
}

// `- playlist: tin` (with a space) is a mapping to YAML; operators mean the playlist.
TEST(Loader, PlaylistWithASpaceIsAPlaylist) {
  auto l = load(kHead + R"(programmes:
  - id: p
    slots:
      - at: "06:00"
        play:
          - playlist: tin
          - {playlist: nope}
playlists:
  tin: {clips: [a.mp3]}
)");
  EXPECT_EQ(l.diags.error_count(), 1U) << l.all();
  EXPECT_TRUE(l.has("st.yaml:13:24: error: unknown playlist 'nope'")) << l.all();
  const auto& play = l.station.programmes.at(0).slots.at(0).play;
  ASSERT_EQ(play.size(), 2U);
  EXPECT_EQ(play[0].kind, PlayItem::Kind::playlist);
  EXPECT_EQ(play[0].ref, "tin");
  auto both = load_slot("{at: '06:00', play: [{playlist: tin, silence: 3s}]}");
  EXPECT_TRUE(both.has("a play item is either silence or a playlist, not both")) << both.all();
}

// --- Keys from other tools, and Vietnamese where an ASCII id goes. ---

TEST(Loader, ValidToSuggestsUntil) {
  auto l = load(kHead +
                "programmes:\n  - id: p\n    valid: {from: 2026-01-01, to: 2026-06-30}\n"
                "    slots: [{time: '06:00', play: [a.mp3]}]\n");
  EXPECT_TRUE(
      l.has("st.yaml:9:31: error: unknown key 'to' in valid section (did you mean 'until'?)"))
      << l.all();
  EXPECT_TRUE(l.has("st.yaml:10:14: error: unknown key 'time' in slot (did you mean 'at'?)"))
      << l.all();
}

TEST(Loader, ZoneTypedInVietnameseSuggestsItsId) {
  auto l = load(R"(station: {timezone: Asia/Ho_Chi_Minh}
zones:
  - {id: cho, name: Chợ, channel: 1}
  - {id: ap-1, name: Ấp 1, channel: 2}
programmes:
  - id: p
    zones: [chợ, Ấp 1]
    slots: [{at: '06:00', play: ['playlist:tin-tức']}]
playlists:
  tin-tuc: {clips: [a.mp3]}
)");
  EXPECT_TRUE(
      l.has("st.yaml:7:13: error: unknown zone 'chợ' (did you mean 'cho' (Chợ)?); zones are "
            "declared under zones:"))
      << l.all();
  // Columns count bytes, as yaml-cpp does: "chợ" takes five.
  EXPECT_TRUE(l.has("st.yaml:7:20: error: unknown zone 'Ấp 1' (did you mean 'ap-1' (Ấp 1)?)"))
      << l.all();
  EXPECT_TRUE(l.has("error: unknown playlist 'tin-tức' (did you mean 'tin-tuc'?)")) << l.all();
}

// --- Clip names written by a Mac (decomposed, NFD) and typed on anything else (NFC). ---

const std::string kNfc = "b\u00E1o b\u00E3o.wav";    // báo bão.wav, as typed
const std::string kNfd = "ba\u0301o ba\u0303o.wav";  // the same, as macOS writes it

Station load_with_clip(const test::TempDir& dir, const std::string& on_disk,
                       const std::string& in_programme, Diagnostics& d) {
  dir.write("clips/tin/" + on_disk, "RIFF");
  dir.write("station.yaml", kHead +
                                "programmes:\n  - id: p\n    slots: [{at: '06:00', play: ['tin/" +
                                in_programme + "', 'tin/" + kNfc + "']}]\n");
  return load_station(dir / "station.yaml", d);
}

TEST(Loader, AClipNamedDecomposedOnDiskIsFound) {
  test::TempDir dir;
  Diagnostics d;
  const Station st = load_with_clip(dir, kNfd, kNfc, d);
  ASSERT_EQ(st.clips.size(), 1U);
  EXPECT_EQ(st.clips[0], dir / "clips" / "tin" / kNfd);  // the real file, for every reader of it
  EXPECT_EQ(st.programmes.at(0).slots.at(0).play.at(0).file, dir / "clips" / "tin" / kNfd);
  EXPECT_EQ(st.programmes[0].slots[0].play[0].ref, "tin/" + kNfc);  // messages say what was written
}

TEST(Loader, AClipTypedDecomposedFindsTheComposedFile) {
  test::TempDir dir;
  Diagnostics d;
  const Station st = load_with_clip(dir, kNfc, kNfd, d);
  ASSERT_EQ(st.clips.size(), 1U);
  EXPECT_EQ(st.clips[0], dir / "clips" / "tin" / kNfc);
}

TEST(Loader, AFolderNamedDecomposedOnDiskIsFound) {
  test::TempDir dir;
  dir.write("clips/Tin t\u01B0\u0301c/a.wav", "RIFF");  // "Tin tức" with the acute apart
  dir.write("station.yaml", kHead +
                                "programmes:\n  - id: p\n    slots: [{at: '06:00', play: ['Tin "
                                "t\u1EE9c/a.wav']}]\n");
  Diagnostics d;
  const Station st = load_station(dir / "station.yaml", d);
  ASSERT_EQ(st.clips.size(), 1U);
  EXPECT_EQ(st.clips[0], dir / "clips" / "Tin t\u01B0\u0301c" / "a.wav");
}

}  // namespace
}  // namespace loa

namespace loa {
namespace {

Date ymd(int y, unsigned m, unsigned d) {
  return Date{date::year{y}, date::month{m}, date::day{d}};
}

TEST(LunarDays, MungMotAndRamEveryLunarMonthLeapMonthsToo) {
  auto l = load_slot("{at: '06:00', lunar_days: [1, 15], play: [a.mp3]}");
  ASSERT_FALSE(l.diags.has_errors()) << l.all();
  const DayRule& rule = l.station.programmes[0].slots[0].days;
  EXPECT_TRUE(rule.matches(ymd(2027, 2, 6)));   // mùng 1 Tết Đinh Mùi
  EXPECT_TRUE(rule.matches(ymd(2027, 2, 20)));  // rằm tháng Giêng
  EXPECT_FALSE(rule.matches(ymd(2027, 2, 7)));  // mùng 2
  EXPECT_FALSE(rule.matches(ymd(2027, 3, 1)));  // a solar 1st that is no mùng 1
  EXPECT_TRUE(rule.matches(ymd(2023, 3, 22)));  // mùng 1 of the leap second month of 2023
  EXPECT_TRUE(rule.matches(ymd(2023, 4, 5)));   // its rằm
  auto last = load_slot("{at: '06:00', lunar_days: [last], play: [a.mp3]}");
  ASSERT_FALSE(last.diags.has_errors()) << last.all();
  EXPECT_TRUE(last.station.programmes[0].slots[0].days.matches(ymd(2027, 2, 5)));  // 29 Tết
  EXPECT_FALSE(last.station.programmes[0].slots[0].days.matches(ymd(2027, 2, 4)));
}

TEST(LunarDates, YearlyAndTheLeapMonthByName) {
  auto l = load_slot("{at: '06:00', lunar_dates: ['10/3', 15/8, 15/2n, last/12], play: [a.mp3]}");
  ASSERT_FALSE(l.diags.has_errors()) << l.all();
  const DayRule& rule = l.station.programmes[0].slots[0].days;
  EXPECT_TRUE(rule.matches(ymd(2026, 4, 26)));  // Giỗ Tổ Hùng Vương 2026
  EXPECT_TRUE(rule.matches(ymd(2027, 4, 16)));  // and 2027
  EXPECT_TRUE(rule.matches(ymd(2025, 10, 6)));  // Trung thu 2025
  EXPECT_TRUE(rule.matches(ymd(2027, 2, 5)));   // the last day of the year (29 Tết)
  EXPECT_TRUE(rule.matches(ymd(2024, 2, 9)));   // ... or 30 Tết
  // 2023 has two second months: "15/2n" names the leap one only, "15/2" would the first.
  EXPECT_TRUE(rule.matches(ymd(2023, 4, 5)));
  EXPECT_FALSE(rule.matches(ymd(2023, 3, 6)));
  EXPECT_FALSE(rule.matches(ymd(2026, 4, 25)));
}

TEST(LunarDates, MistakesSayWhatToWrite) {
  auto l = load_slot("{at: '06:00', lunar_days: [1, 31], play: [a.mp3]}");
  EXPECT_TRUE(
      l.has("st.yaml:10:39: error: lunar day 31 does not exist; a lunar month has 29 or "
            "30 days: write 1 (mùng 1) to 30, or last"))
      << l.all();
  auto zero = load_slot("{at: '06:00', lunar_days: [0], play: [a.mp3]}");
  EXPECT_TRUE(zero.has("st.yaml:10:36: error: lunar day 0 does not exist")) << zero.all();
  auto m = load_slot("{at: '06:00', lunar_dates: ['1/13', '31/3', '10/3', x], play: [a.mp3]}");
  EXPECT_TRUE(
      m.has("st.yaml:10:37: error: '1/13': month 13 is not a lunar month; the lunar year "
            "has months 1 to 12"))
      << m.all();
  EXPECT_TRUE(m.has("st.yaml:10:45: error: lunar day 31 does not exist")) << m.all();
  EXPECT_TRUE(
      m.has("st.yaml:10:61: error: 'x' is not a lunar date; write day/month, for example "
            "\"10/3\""))
      << m.all();
  auto both = load_slot("{at: '06:00', days: [mon], lunar_days: [1], play: [a.mp3]}");
  EXPECT_TRUE(
      both.has("a slot takes one of 'days', 'dates', 'monthdays', 'lunar_days' or "
               "'lunar_dates'"))
      << both.all();
}

TEST(WeekdaysOfMonth, SpelledAsTheIssueWritesThem) {
  auto l = load_slot("{at: '06:00', weekdays_of_month: [first-mon, last-sun], play: [a.mp3]}");
  ASSERT_FALSE(l.diags.has_errors()) << l.all();
  const DayRule& rule = l.station.programmes[0].slots[0].days;
  EXPECT_TRUE(rule.matches(ymd(2027, 3, 1)));   // the first Monday of March 2027
  EXPECT_FALSE(rule.matches(ymd(2027, 3, 8)));  // the second
  EXPECT_TRUE(rule.matches(ymd(2027, 3, 28)));  // the last Sunday
  EXPECT_FALSE(rule.matches(ymd(2027, 3, 21)));
}

TEST(ExceptHolidays, BuiltInListAndTheStationsOwn) {
  auto l = load(R"(station:
  name: Test
  timezone: Asia/Ho_Chi_Minh
  holidays: [2027-02-09, 2027-09-03]
zones:
  - {id: ap-1, name: Ấp 1, channel: 1}
programmes:
  - id: p
    except: [holidays, 2027-06-01]
    slots: [{at: '06:00', days: daily, play: [a.mp3]}]
  - id: q
    except: 2027-06-01
    slots: [{at: '06:00', days: daily, play: [a.mp3]}]
)");
  ASSERT_FALSE(l.diags.has_errors()) << l.all();
  const Programme& p = l.station.programmes[0];
  for (const Date& d : {ymd(2027, 1, 1), ymd(2027, 2, 5), ymd(2027, 2, 6), ymd(2027, 2, 8),
                        ymd(2027, 4, 16), ymd(2027, 4, 30), ymd(2027, 5, 1), ymd(2027, 9, 2),
                        ymd(2027, 2, 9), ymd(2027, 9, 3), ymd(2027, 6, 1)}) {
    EXPECT_FALSE(p.runs_on(d)) << format_date(d);
  }
  EXPECT_TRUE(p.runs_on(ymd(2027, 2, 10)));
  EXPECT_TRUE(p.runs_on(ymd(2027, 9, 4)));
  const Programme& q = l.station.programmes[1];  // no `holidays`: airs on them
  EXPECT_TRUE(q.runs_on(ymd(2027, 1, 1)));
  EXPECT_FALSE(q.runs_on(ymd(2027, 6, 1)));
}

TEST(ExceptHolidays, AMisspeltWordSaysWhatToWrite) {
  auto l = load(kHead +
                "programmes:\n  - id: p\n    except: [holydays]\n    slots: [{at: '06:00', "
                "play: [a.mp3]}]\n");
  EXPECT_TRUE(
      l.has("st.yaml:9:14: error: except: 'holydays' is not a date; write YYYY-MM-DD, for "
            "example 2027-02-08, or holidays (did you mean 'holidays'?)"))
      << l.all();
}

// Say items: text read at its line, spoken in the station's voice unless the programme has its own.
TEST(SayItems, ReadTextFilesVoicesAndPlaylists) {
  test::TempDir dir;
  dir.write("clips/thong-bao.txt", "  Thông báo: ngày 17/12 cúp điện.\n");
  dir.write("station.yaml", kHead + R"(audio:
  speech: {voice: vi, rate: 140}
programmes:
  - id: p
    speech: {pitch: 30}
    slots:
      - at: "06:00"
        play: [{say: "Xin chào bà con"}, {say_file: thong-bao.txt}, playlist:pl]
playlists:
  pl: {clips: [{say: "Trong playlist"}]}
)");
  Diagnostics d;
  const Station st = load_station(dir / "station.yaml", d);
  for (const auto& x : d.all()) ADD_FAILURE() << format(x);
  ASSERT_EQ(st.programmes.size(), 1U);
  const auto& play = st.programmes[0].slots.at(0).play;
  ASSERT_EQ(play.size(), 3U);
  EXPECT_EQ(play[0].say, "Xin chào bà con");
  EXPECT_EQ(play[0].ref, "say: \"Xin chào bà con\"");
  EXPECT_EQ(play[0].kind, PlayItem::Kind::clip);
  EXPECT_EQ(play[1].say, "Thông báo: ngày 17/12 cúp điện.");
  EXPECT_EQ(play[0].voice.rate, 140);
  EXPECT_EQ(play[0].voice.pitch, 30);
  const auto& in_playlist = st.playlists.at(0).clips.at(0);
  EXPECT_EQ(in_playlist.say, "Trong playlist");
  EXPECT_EQ(in_playlist.voice.rate, 140);
  EXPECT_EQ(in_playlist.voice.pitch, 50);
}

TEST(SayItems, ALongTextIsShownShortened) {
  auto l = load_slot(
      R"({at: "06:00", play: [{say: "Thông báo: ngày mai cúp điện từ 7 giờ đến 11 giờ để sửa đường dây."}]})");
  EXPECT_FALSE(l.diags.has_errors()) << l.all();
  EXPECT_EQ(l.station.programmes.at(0).slots.at(0).play.at(0).ref,
            "say: \"Thông báo: ngày mai cúp điện từ 7 giờ…\"");
}

TEST(SayItems, MistakesAreReportedAtTheirLineAndColumn) {
  const std::string long_text(10'001, 'a');
  auto l =
      load(kHead + "programmes:\n  - id: p\n    slots:\n      - at: \"06:00\"\n        play:\n" +
           "          - {say: \"\"}\n" +                       // line 12
           "          - {say_file: khong-co.txt}\n" +          // line 13
           "          - {say: \"Chúc mừng 新年 vui vẻ\"}\n" +  // line 14
           "          - {say: " + long_text + "}\n" +          // line 15
           "          - {say: a, say_file: b.txt}\n" +         // line 16
           "          - {say: \"สวัสดี\"}\n");                   // line 17
  EXPECT_TRUE(l.has("st.yaml:12:19: error: say is empty")) << l.all();
  EXPECT_TRUE(l.has("st.yaml:13:24: error: say_file 'khong-co.txt' cannot be read")) << l.all();
  EXPECT_TRUE(
      l.has("st.yaml:14:19: error: character 11 of the text (U+65B0, Chinese) cannot be "
            "spoken by voice vi"))
      << l.all();
  EXPECT_TRUE(
      l.has("st.yaml:15:19: error: the text is 10001 characters long; a say item holds "
            "at most 10000"))
      << l.all();
  EXPECT_TRUE(l.has("st.yaml:16:13: error: a play item is either say: TEXT or say_file: FILE"))
      << l.all();
  EXPECT_TRUE(l.has("st.yaml:17:19: error: character 1 of the text (U+0E2A, Thai)")) << l.all();
}

TEST(SayItems, ASayFileThatIsAFolderOrTooLongIsRefused) {
  test::TempDir dir;
  dir.write("clips/folder/x.txt", "x");
  dir.write("clips/long.txt", std::string(50'000, 'a'));
  dir.write("station.yaml", kHead + R"(programmes:
  - id: p
    slots:
      - at: "06:00"
        play: [{say_file: folder}, {say_file: long.txt}]
)");
  Diagnostics d;
  load_station(dir / "station.yaml", d);
  std::string all;
  for (const auto& x : d.all()) all += format(x) + "\n";
  EXPECT_NE(all.find("station.yaml:11:27: error: say_file 'folder' cannot be read"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("station.yaml:11:47: error: say_file 'long.txt' is too long"),
            std::string::npos)
      << all;
}

TEST(SayItems, AWrongVoiceSettingIsReported) {
  auto l = load(kHead + "audio:\n  speech: {rate: 1000, tone: 3}\n");
  EXPECT_TRUE(l.has("st.yaml:8:18: error: rate")) << l.all();
  EXPECT_TRUE(l.has("tone")) << l.all();
}

}  // namespace
}  // namespace loa
