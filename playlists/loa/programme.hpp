#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "loa/source_pos.hpp"
#include "loa/station_settings.hpp"
#include "loa/values.hpp"

namespace loa {

// One entry of a slot's `play:` list.
struct PlayItem {
  // relay: an http(s) stream (`ref` is its URL); input: a capture input of audio.inputs (`ref` is
  // its id). Both live for an exact length (`live`), with a fallback for dead air.
  enum class Kind { clip, playlist, silence, relay, input };
  Kind kind = Kind::clip;
  std::string ref;             // clip path as written (relative to station.clips), or playlist id
  std::filesystem::path file;  // clip only: the resolved file
  std::uint32_t clip = 0;      // clip only: index into Station::clips, set by the loader
  Duration silence{0};         // silence only
  SourcePos pos;
  // A spoken item (`say:` or `say_file:`) is a clip whose file is synthesized from `say` in
  // `voice` (check_station sets `file` to it; empty until then). `ref` then shows the text, as
  // journal, plan and log print it: say: "Thông báo: ngày mai…".
  std::string say;
  SpeechVoice voice;

  // relay and input only: `for:` or `until:`, `dead_air:`, `return:`, `preroll:` (relay) and
  // `fallback:`, a clip (`fallback_clip`, holding one clip item, which the station indexes and
  // probes like any clip) or a playlist (`fallback_playlist`), or neither: silence.
  struct Live {
    std::optional<Duration> length;  // `for:`
    std::optional<TimeOfDay> until;  // `until:` (one of the two is set once checked)
    Duration dead_air{std::chrono::seconds(10)};
    Duration preroll{std::chrono::seconds(15)};
    bool return_now = false;  // `return: now`; else at the end of the fallback item airing
    std::string fallback_playlist;
    SourcePos fallback_pos;
  };
  Live live;
  std::vector<PlayItem> fallback_clip;  // at most one

  bool is_live() const { return kind == Kind::relay || kind == Kind::input; }
};

// A yearly day of the lunar calendar, as in `lunar_dates: ["10/3", "15/8", "1/4n", "last/12"]`.
struct LunarDayOfYear {
  int day = 1;  // 1..30, or -1 for the last day of the month
  int month = 1;
  bool leap = false;  // "n": the leap month (tháng nhuận) of that number, in years that have one

  auto operator<=>(const LunarDayOfYear&) const = default;
};

// Which days a slot airs on. Exactly one of the forms is used.
struct DayRule {
  enum class Kind { weekdays, dates, monthdays, lunar_days, lunar_dates };
  Kind kind = Kind::weekdays;
  std::uint8_t weekdays = 0x7F;  // bit 0 = Sunday .. bit 6 = Saturday
  // "last-sun", "1st-mon": (ordinal 1..5 or -1 for last, weekday 0..6). Match in addition to
  // `weekdays` (which is then 0 unless plain days are listed too).
  std::vector<std::pair<int, unsigned>> nth_weekdays;
  std::vector<Date> dates;     // sorted
  std::vector<int> monthdays;  // 1..31, or -1 for the last day of the month
  // Days of every lunar month, leap months too: 1 (mùng 1), 15 (rằm) .. 30, or -1 for the last.
  std::vector<int> lunar_days;
  // Days of the lunar year; a regular month's date never matches in its leap month.
  std::vector<LunarDayOfYear> lunar_dates;

  bool matches(const Date& d) const;
};

enum class StartMode { soft, hard };
enum class OnInterrupt { resume, drop };

struct Slot {
  SourcePos pos;
  std::vector<TimeOfDay> at;  // sorted, unique
  // `every` with `between` (inclusive); when every is set, `at` is empty.
  std::optional<Duration> every;
  TimeOfDay between_from{0};
  TimeOfDay between_to{86399};
  DayRule days;
  std::vector<PlayItem> play;
  int repeat = 1;
  Duration gap{0};
  StartMode start = StartMode::soft;
  Duration late{std::chrono::minutes(5)};
  OnInterrupt on_interrupt = OnInterrupt::resume;
};

// What plays before a programme's broadcasts.
struct ChimeChoice {
  enum class Kind { station_default, builtin, none, clip };
  Kind kind = Kind::station_default;
  PlayItem clip;  // Kind::clip only
  SourcePos pos;
};

struct Programme {
  std::string id;
  std::string title;
  std::string reference;
  int priority = 50;
  ZoneSet zones = 0;
  std::optional<Date> valid_from;
  std::optional<Date> valid_until;
  std::vector<Date> except;      // sorted; with `except: holidays`, the station's holidays too
  bool except_holidays = false;  // `except: holidays`: not on Vietnam's public holidays
  ChimeChoice chime;
  std::vector<Slot> slots;
  // `on_demand: true`: what it airs when an operator asks (play now, from the page or loa
  // play-now --programme): `play`, `repeat` and `gap` as in a slot, never at a time of its own.
  // A ready emergency, prepared and approved in advance.
  std::optional<Slot> on_demand;
  std::optional<SpeechVoice> speech;  // `speech:`, for this programme's say items
  SourcePos pos;

  // Within valid from/until and not an exception.
  bool runs_on(const Date& d) const;
};

struct Playlist {
  enum class Order { in_order, shuffle, rotate };
  std::string id;
  Order order = Order::in_order;
  int pick = 0;                 // clips per broadcast; 0 means all
  std::vector<PlayItem> clips;  // each Kind::clip
  SourcePos pos;
};

// A whole station as loaded and validated: its settings and everything it airs.
struct Station {
  StationSettings settings;
  std::vector<Programme> programmes;
  std::vector<Playlist> playlists;
  std::vector<std::filesystem::path> files;  // the station file and every included file
  // Included files left out because they are not approved (station.approval: required): in
  // `files` too, their programmes not in `programmes`.
  std::vector<std::filesystem::path> unapproved;
  std::optional<PlayItem> chime;  // the station's chime when audio.chime is a clip
  // Every distinct clip file the station names, once; PlayItem::clip indexes it.
  std::vector<std::filesystem::path> clips;

  const Playlist* playlist(std::string_view id) const;
  const Programme* programme(std::string_view id) const;
};

// Calls `f(item)` for every clip the station names: its chime, programmes' chimes, play lists and
// playlists. Works on a const or a mutable station.
template <typename StationT, typename F>
void for_each_clip(StationT& station, F&& f) {
  if (station.chime) f(*station.chime);
  for (auto& p : station.programmes) {
    if (p.chime.kind == ChimeChoice::Kind::clip) f(p.chime.clip);
    const auto play = [&f](auto& list) {
      for (auto& i : list) {
        if (i.kind == PlayItem::Kind::clip) f(i);
        for (auto& c : i.fallback_clip) f(c);  // a relay's or input's fallback clip
      }
    };
    for (auto& s : p.slots) play(s.play);
    if (p.on_demand) play(p.on_demand->play);
  }
  for (auto& pl : station.playlists) {
    for (auto& c : pl.clips) f(c);
  }
}

}  // namespace loa
