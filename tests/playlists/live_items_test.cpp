// Relay and input items as operators write them (issue 12): read with their settings, and every
// mistake reported at once at its line and column.
#include "loa/live_items.hpp"

#include <gtest/gtest.h>

#include "loa/station_loader.hpp"

namespace loa {
namespace {

const std::string kStation = R"(station:
  name: Test
  timezone: Asia/Ho_Chi_Minh
audio:
  inputs:
    - {id: fm-tuner, device: "hw:1", channel: 1}
    - {id: mic, device: "USB Audio", channel: 2}
zones:
  - {id: ap-1, name: Ấp 1, channel: 1}
playlists:
  nhac-nen: {clips: [nen.wav]}
)";

struct Loaded {
  Station station;
  Diagnostics diags;
  std::string text;
};

Loaded load(const std::string& programmes) {
  Loaded l;
  l.station = load_station_text(kStation + programmes, "st.yaml", l.diags);
  for (const auto& d : l.diags.all()) l.text += format(d) + "\n";
  return l;
}

TEST(LiveItems, TheIssueExampleReads) {
  const auto l = load(R"(programmes:
  - id: tiep-song-vov
    title: "Tiếp sóng VOV1 thời sự sáng"
    slots:
      - at: "06:00"
        play:
          - {relay: "https://example.invalid/vov1/playlist.m3u8", for: 30m, fallback: playlist:nhac-nen, dead_air: 8s}
  - id: tiep-song-fm
    slots:
      - {at: "18:00", play: [{input: fm-tuner, for: 15m, fallback: playlist:nhac-nen}]}
      - {at: "19:00", play: [{input: mic, until: "19:30", fallback: bao.wav, return: now}]}
)");
  EXPECT_FALSE(l.diags.has_errors()) << l.text;
  ASSERT_EQ(l.station.settings.audio.inputs.size(), 2U);
  EXPECT_EQ(l.station.settings.audio.inputs[1].device, "USB Audio");
  EXPECT_EQ(l.station.settings.audio.inputs[1].channel, 2);
  ASSERT_EQ(l.station.programmes.size(), 2U);
  const PlayItem& relay = l.station.programmes[0].slots[0].play.at(0);
  EXPECT_EQ(relay.kind, PlayItem::Kind::relay);
  EXPECT_EQ(relay.ref, "https://example.invalid/vov1/playlist.m3u8");
  EXPECT_EQ(relay.live.length, Duration(std::chrono::minutes(30)));
  EXPECT_EQ(relay.live.dead_air, Duration(std::chrono::seconds(8)));
  EXPECT_EQ(relay.live.preroll, Duration(std::chrono::seconds(15)));
  EXPECT_EQ(relay.live.fallback_playlist, "nhac-nen");
  EXPECT_FALSE(relay.live.return_now);
  const PlayItem& fm = l.station.programmes[1].slots[0].play.at(0);
  EXPECT_EQ(fm.kind, PlayItem::Kind::input);
  EXPECT_EQ(fm.ref, "fm-tuner");
  EXPECT_EQ(fm.live.dead_air, Duration(std::chrono::seconds(10)));
  const PlayItem& mic = l.station.programmes[1].slots[1].play.at(0);
  EXPECT_EQ(mic.live.until, TimeOfDay(std::chrono::hours(19) + std::chrono::minutes(30)));
  EXPECT_FALSE(mic.live.length);
  EXPECT_TRUE(mic.live.return_now);
  ASSERT_EQ(mic.fallback_clip.size(), 1U);
  // The fallback clip is one of the station's clips: probed, measured and opened like any other.
  ASSERT_LT(mic.fallback_clip[0].clip, l.station.clips.size());
  EXPECT_EQ(l.station.clips[mic.fallback_clip[0].clip].filename(), "bao.wav");
}

TEST(LiveItems, EveryMistakeIsReportedAtOnceAtItsPlace) {
  const auto l = load(R"(programmes:
  - id: p
    slots:
      - at: "06:00"
        play:
          - {relay: "ftp://example.org/live", for: 30m}
          - {relay: "http://exa mple.org/live", for: 30m}
          - {relay: "https://example.org:99999/live", for: 30m}
          - {relay: "https:///live", for: 30m}
          - {relay: "https://example.org/a", for: 30m, until: "07:00"}
          - {relay: "https://example.org/b"}
          - {relay: "https://example.org/c", for: 0s}
          - {relay: "https://example.org/d", for: 25h}
          - {input: fm-tunr, for: 15m}
          - {relay: "https://example.org/e", for: 1m, fallback: playlist:nhac-nn}
          - {relay: "https://example.org/f", for: 1m, dead_air: 0s}
          - {relay: "https://example.org/g", for: 1m, return: later}
          - {input: mic, for: 1m, preroll: 5s}
)");
  const std::string& t = l.text;
  EXPECT_NE(t.find("st.yaml:17:21: error: relay 'ftp://example.org/live' is not an http:// or "
                   "https:// address"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:18:21: error: relay 'http://exa mple.org/live' is not a valid "
                   "address: it holds a space"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:19:21: error: relay 'https://example.org:99999/live' is not a valid "
                   "address: the port '99999' is not a number from 1 to 65535"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:20:21: error: relay 'https:///live' is not a valid address: it has no "
                   "host name"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:21:13: error: give either for: or until:, not both"), std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:22:13: error: a relay item needs for:"), std::string::npos) << t;
  EXPECT_NE(t.find("st.yaml:23:51: error: for: must be longer than 0s"), std::string::npos) << t;
  EXPECT_NE(t.find("st.yaml:24:51: error: for: '25h' is longer than a day"), std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:25:21: error: unknown input 'fm-tunr' (did you mean 'fm-tuner'?); "
                   "inputs are declared under audio.inputs:"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:26:65: error: unknown playlist 'nhac-nn' (did you mean 'nhac-nen'?)"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:27:65: error: dead_air: must be longer than 0s"), std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:28:63: error: return 'later' is not one of"), std::string::npos) << t;
  EXPECT_NE(t.find("st.yaml:29:35: error: unknown key 'preroll' in input item"), std::string::npos)
      << t;
  EXPECT_EQ(l.diags.error_count(), 13U) << t;
}

TEST(LiveItems, InputsAreDeclaredOnceWithAChannelFromOne) {
  Diagnostics d;
  load_station_text(R"(station: {name: T, timezone: Asia/Ho_Chi_Minh}
audio:
  inputs:
    - {id: fm, device: "hw:1", channel: 1}
    - {id: fm, device: "hw:2", channel: 1}
    - {id: mic, device: "hw:3", channel: 0}
zones: [{id: a, channel: 1}]
)",
                    "st.yaml", d);
  std::string t;
  for (const auto& m : d.all()) t += format(m) + "\n";
  EXPECT_NE(t.find("st.yaml:5:12: error: duplicate input id 'fm' (first at line 4)"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("st.yaml:6:42: error: input channel must be a whole number from 1 to 64"),
            std::string::npos)
      << t;
}

TEST(LiveItems, AddressesAreCheckedForTheirSyntax) {
  bool scheme = false;
  EXPECT_FALSE(relay_url_problem("https://example.invalid/vov1/playlist.m3u8", scheme));
  EXPECT_TRUE(scheme);
  EXPECT_FALSE(relay_url_problem("HTTP://127.0.0.1:8000/stream?x=1", scheme));
  EXPECT_TRUE(scheme);
  EXPECT_FALSE(relay_url_problem("http://[::1]:8000/live", scheme));
  EXPECT_FALSE(relay_url_problem("http://user:pw@radio.example:80/", scheme));
  relay_url_problem("rtsp://example.org/", scheme);
  EXPECT_FALSE(scheme);
  EXPECT_TRUE(relay_url_problem("http://exa<mple/", scheme));
  EXPECT_TRUE(relay_url_problem("http://example.org:/", scheme));
  EXPECT_TRUE(relay_url_problem("http://example.org:abc/", scheme));
}

}  // namespace
}  // namespace loa
