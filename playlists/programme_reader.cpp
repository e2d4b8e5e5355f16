#include "loa/programme_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "loa/did_you_mean.hpp"
#include "loa/live_items.hpp"
#include "loa/spoken_items.hpp"
#include "loa/yaml_read.hpp"

namespace loa {

namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat"};
constexpr std::array<std::string_view, 5> kOrdinals = {"1st", "2nd", "3rd", "4th", "5th"};
// The same ordinals spelled out, as in `weekdays_of_month: [first-mon, last-sun]`.
constexpr std::array<std::string_view, 5> kOrdinalWords = {"first", "second", "third", "fourth",
                                                           "fifth"};

std::vector<std::string> day_words() {
  std::vector<std::string> words = {"daily", "weekdays", "weekends"};
  for (auto d : kDayNames) {
    words.emplace_back(d);
    words.emplace_back("last-" + std::string(d));
    for (auto o : kOrdinals) words.push_back(std::string(o) + "-" + std::string(d));
  }
  return words;
}

std::optional<unsigned> day_index(std::string_view name) {
  for (unsigned i = 0; i < kDayNames.size(); ++i) {
    if (kDayNames[i] == name) return i;
  }
  return std::nullopt;
}

// One word of `days:`. Returns false (after reporting) if it is not a day.
bool add_day_word(const YamlNode& n, DayRule& rule, Diagnostics& d) {
  const std::string& w = n.value;
  if (w == "daily") {
    rule.weekdays = 0x7F;
  } else if (w == "weekdays") {
    rule.weekdays |= 0x3E;
  } else if (w == "weekends") {
    rule.weekdays |= 0x41;
  } else if (auto i = day_index(w)) {
    rule.weekdays |= static_cast<std::uint8_t>(1U << *i);
  } else if (auto dash = w.find('-'); dash != std::string::npos && day_index(w.substr(dash + 1))) {
    const std::string ord = w.substr(0, dash);
    int ordinal = 0;
    if (ord == "last") ordinal = -1;
    for (std::size_t k = 0; k < kOrdinals.size(); ++k) {
      if (kOrdinals[k] == ord || kOrdinalWords[k] == ord) ordinal = static_cast<int>(k) + 1;
    }
    if (ordinal == 0) {
      d.error(n.pos, {"day.bad_nth", {{"word", w}, suggestion(w, day_words())}});
      return false;
    }
    rule.nth_weekdays.emplace_back(ordinal, *day_index(w.substr(dash + 1)));
  } else {
    d.error(n.pos, {"day.bad", {{"word", w}, suggestion(w, day_words())}});
    return false;
  }
  return true;
}

void read_days(const YamlNode& n, DayRule& rule, Diagnostics& d) {
  rule.kind = DayRule::Kind::weekdays;
  rule.weekdays = 0;
  for (const YamlNode* w : read_list(n, "days", true, d)) {
    if (!w->is_scalar()) {
      d.error(w->pos, {"day.expected", {{"found", w->kind_message()}}});
      continue;
    }
    add_day_word(*w, rule, d);
  }
}

std::vector<Date> read_dates(const YamlNode& n, std::string_view what, Diagnostics& d) {
  std::vector<Date> dates;
  for (const YamlNode* v : read_list(n, what, true, d)) {
    if (auto date = read_date(*v, what, d)) dates.push_back(*date);
  }
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  return dates;
}

void read_monthdays(const YamlNode& n, DayRule& rule, Diagnostics& d) {
  rule.kind = DayRule::Kind::monthdays;
  for (const YamlNode* v : read_list(n, "monthdays", true, d)) {
    if (v->is_scalar() && v->value == "last") {
      rule.monthdays.push_back(-1);
    } else if (auto day = read_integer(*v, "a day of the month", 1, 31, d)) {
      rule.monthdays.push_back(static_cast<int>(*day));
    }
  }
}

// "1".."30" or "last" (-1): a day of a lunar month. Reports and returns nullopt otherwise.
std::optional<int> lunar_day(const YamlNode& n, std::string_view text, const Message& example,
                             Diagnostics& d) {
  if (text == "last") return -1;
  const auto digits = parse_digits(text, 0, text.size());
  if (text.empty() || text.size() > 3 || !digits) {
    d.error(n.pos, {"lunar.day.bad", {{"text", text}, {"example", example}}});
    return std::nullopt;
  }
  if (*digits < 1 || *digits > 30) {
    d.error(n.pos, {"lunar.day.out_of_range", {{"day", *digits}, {"example", example}}});
    return std::nullopt;
  }
  return *digits;
}

void read_lunar_days(const YamlNode& n, DayRule& rule, Diagnostics& d) {
  rule.kind = DayRule::Kind::lunar_days;
  for (const YamlNode* v : read_list(n, "lunar_days", true, d)) {
    if (!v->is_scalar()) {
      d.error(v->pos, {"lunar.day.expected", {{"found", v->kind_message()}}});
      continue;
    }
    if (auto day = lunar_day(*v, v->value, {"hint.lunar_days_example"}, d))
      rule.lunar_days.push_back(*day);
  }
}

// "10/3", "1/4n" (the leap month 4), "last/12".
std::optional<LunarDayOfYear> lunar_date(const YamlNode& n, Diagnostics& d) {
  const auto slash = n.is_scalar() ? n.value.find('/') : std::string::npos;
  if (slash == std::string::npos) {
    d.error(n.pos, n.is_scalar() ? Message{"lunar.date.bad", {{"text", n.value}}}
                                 : Message{"lunar.date.expected", {{"found", n.kind_message()}}});
    return std::nullopt;
  }
  std::string month_text = n.value.substr(slash + 1);
  LunarDayOfYear out;
  if (month_text.ends_with('n')) {
    out.leap = true;
    month_text.pop_back();
  }
  const auto month = parse_digits(month_text, 0, month_text.size());
  if (month_text.empty() || month_text.size() > 2 || !month) {
    d.error(n.pos, {"lunar.date.bad", {{"text", n.value}}});
    return std::nullopt;
  }
  if (*month < 1 || *month > 12) {
    d.error(n.pos, {"lunar.date.bad_month", {{"text", n.value}, {"month", *month}}});
    return std::nullopt;
  }
  out.month = *month;
  const auto day =
      lunar_day(n, std::string_view(n.value).substr(0, slash), {"hint.lunar_date_day"}, d);
  if (!day) return std::nullopt;
  out.day = *day;
  return out;
}

void read_lunar_dates(const YamlNode& n, DayRule& rule, Diagnostics& d) {
  rule.kind = DayRule::Kind::lunar_dates;
  for (const YamlNode* v : read_list(n, "lunar_dates", true, d)) {
    if (auto l = lunar_date(*v, d)) rule.lunar_dates.push_back(*l);
  }
  std::sort(rule.lunar_dates.begin(), rule.lunar_dates.end());
  rule.lunar_dates.erase(std::unique(rule.lunar_dates.begin(), rule.lunar_dates.end()),
                         rule.lunar_dates.end());
}

// `except:` dates, and `holidays`: Vietnam's public holidays and the station's own.
void read_except(const YamlNode& n, Programme& p, const StationSettings& s, Diagnostics& d) {
  for (const YamlNode* v : read_list(n, "except", true, d)) {
    if (v->is_scalar() && v->value == "holidays") {
      p.except_holidays = true;
      p.except.insert(p.except.end(), s.holidays.begin(), s.holidays.end());
    } else if (v->is_scalar() && !v->value.empty() &&
               std::isalpha(static_cast<unsigned char>(v->value[0])) != 0) {
      d.error(v->pos,
              {"except.bad_date", {{"text", v->value}, suggestion(v->value, {"holidays"})}});
    } else if (auto date = read_date(*v, "except", d)) {
      p.except.push_back(*date);
    }
  }
  std::sort(p.except.begin(), p.except.end());
  p.except.erase(std::unique(p.except.begin(), p.except.end()), p.except.end());
}

PlayItem playlist_item(const YamlNode& n, std::string ref, Diagnostics& d) {
  PlayItem item;
  item.kind = PlayItem::Kind::playlist;
  item.pos = n.pos;
  item.ref = std::move(ref);
  while (!item.ref.empty() && item.ref.front() == ' ') item.ref.erase(0, 1);
  if (item.ref.empty()) d.error(n.pos, "play.playlist_needs_id");
  return item;
}

// {silence: 3s}, {say: TEXT}, {say_file: FILE}, or {playlist: ID}: what `- playlist: ID` (with a
// space) reads as in YAML.
std::optional<PlayItem> read_play_mapping(const YamlNode& n, const StationSettings& s,
                                          Diagnostics& d) {
  if (n.find("say") != nullptr || n.find("say_file") != nullptr) return read_spoken_item(n, s, d);
  if (n.find("relay") != nullptr || n.find("input") != nullptr) return read_live_item(n, s, d);
  MapReader r(n, "play item", {"silence", "playlist", "say", "say_file"}, d);
  const YamlNode* silence = r.get("silence");
  const YamlNode* playlist = r.get("playlist");
  if ((silence == nullptr) == (playlist == nullptr)) {
    // Two calls, not one with ?: between consteval codes: that crashes clang 14 (fuzz preset).
    if (silence != nullptr) {
      d.error(n.pos, "play.silence_and_playlist");
    } else {
      d.error(n.pos, "play.item_forms");
    }
    return std::nullopt;
  }
  if (playlist != nullptr) {
    auto ref = read_text(*playlist, "playlist", d);
    if (!ref) return std::nullopt;
    PlayItem item = playlist_item(*playlist, *ref, d);
    if (item.ref.empty()) return std::nullopt;
    return item;
  }
  auto len = read_duration(*silence, "silence", d);
  if (!len) return std::nullopt;
  if (len->count() == 0) {
    d.error(silence->pos, "play.silence_zero");
    return std::nullopt;
  }
  PlayItem item;
  item.pos = n.pos;
  item.kind = PlayItem::Kind::silence;
  item.silence = *len;
  return item;
}

std::optional<PlayItem> read_play_item(const YamlNode& n, const StationSettings& s,
                                       Diagnostics& d) {
  if (n.is_mapping()) return read_play_mapping(n, s, d);
  if (!n.is_scalar() || n.value.empty()) {
    d.error(n.pos, {"play.item_forms_found", {{"found", n.kind_message()}}});
    return std::nullopt;
  }
  if (n.value.starts_with("playlist:")) {
    PlayItem item = playlist_item(n, n.value.substr(9), d);
    if (item.ref.empty()) return std::nullopt;
    return item;
  }
  PlayItem item;
  item.pos = n.pos;
  item.kind = PlayItem::Kind::clip;
  item.ref = n.value;
  item.file = s.clips / n.value;
  return item;
}

std::vector<TimeOfDay> read_times(const YamlNode& n, Diagnostics& d) {
  std::vector<TimeOfDay> times;
  for (const YamlNode* v : read_list(n, "at (a time or a list of times)", true, d)) {
    if (auto t = read_time_of_day(*v, "at", d)) times.push_back(*t);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

void read_every(const MapReader& r, Slot& slot, Diagnostics& d) {
  const YamlNode* every = r.get("every");
  auto period = read_duration(*every, "every", d);
  if (period && *period < std::chrono::minutes(1)) {
    d.error(every->pos, {"slot.every.too_often", {{"every", every->value}}});
    period.reset();
  }
  slot.every = period;
  if (const auto* b = r.get("between")) {
    const auto ends = read_list(*b, "between (a list of two times)", false, d);
    if (b->is_sequence() && ends.size() != 2) {
      d.error(b->pos, "slot.between.two_times");
      return;
    }
    if (ends.size() != 2) return;
    auto from = read_time_of_day(*ends[0], "between", d);
    auto to = read_time_of_day(*ends[1], "between", d);
    if (from && to && *to < *from) {
      d.error(ends[1]->pos,
              {"slot.between.reversed", {{"to", ends[1]->value}, {"from", ends[0]->value}}});
      return;
    }
    if (from) slot.between_from = *from;
    if (to) slot.between_to = *to;
  }
}

// The slot's days: one of days (or weekdays_of_month), dates, monthdays, lunar_days, lunar_dates.
void read_day_rule(const MapReader& r, const YamlNode& n, DayRule& rule, Diagnostics& d) {
  static constexpr std::array<std::string_view, 6> kForms = {
      "days", "weekdays_of_month", "dates", "monthdays", "lunar_days", "lunar_dates"};
  const YamlNode* form = nullptr;
  std::string_view form_key;
  for (auto key : kForms) {
    const YamlNode* v = r.get(key);
    if (v == nullptr) continue;
    if (form != nullptr) {
      d.error(n.pos, "slot.one_day_rule");
      return;
    }
    form = v;
    form_key = key;
  }
  if (form == nullptr) return;
  if (form_key == "days" || form_key == "weekdays_of_month") {
    read_days(*form, rule, d);
  } else if (form_key == "dates") {
    rule.kind = DayRule::Kind::dates;
    rule.dates = read_dates(*form, "dates", d);
  } else if (form_key == "monthdays") {
    read_monthdays(*form, rule, d);
  } else if (form_key == "lunar_days") {
    read_lunar_days(*form, rule, d);
  } else {
    read_lunar_dates(*form, rule, d);
  }
}

std::optional<Slot> read_slot(const YamlNode& n, const Programme& p, const StationSettings& s,
                              Diagnostics& d) {
  MapReader r(
      n, "slot",
      {"at", "every", "between", "days", "weekdays_of_month", "dates", "monthdays", "lunar_days",
       "lunar_dates", "play", "repeat", "gap", "start", "late", "on_interrupt"},
      d);
  if (!r.ok()) return std::nullopt;
  Slot slot;
  slot.pos = n.pos;
  slot.start = p.priority >= 90 ? StartMode::hard : StartMode::soft;
  const YamlNode* at = r.get("at");
  const YamlNode* every = r.get("every");
  if ((at != nullptr) == (every != nullptr)) {
    if (at != nullptr) {
      d.error(n.pos, "slot.at_and_every");
    } else {
      d.error(n.pos, "slot.at_or_every");
    }
  } else if (at != nullptr) {
    slot.at = read_times(*at, d);
    if (at->is_sequence() && at->items.empty()) d.error(at->pos, "slot.at.empty");
    if (r.get("between") != nullptr) d.error(r.get("between")->pos, "slot.between_without_every");
  } else {
    read_every(r, slot, d);
  }
  read_day_rule(r, n, slot.days, d);
  if (const YamlNode* play = r.require("play")) {
    for (const YamlNode* item : read_list(*play, "play", true, d)) {
      if (auto i = read_play_item(*item, s, d)) slot.play.push_back(std::move(*i));
    }
    if (play->is_sequence() && play->items.empty()) d.error(play->pos, "play.empty_slot");
  }
  if (const auto* v = r.get("repeat"))
    slot.repeat = static_cast<int>(read_integer(*v, "repeat", 1, 100, d).value_or(1));
  if (const auto* v = r.get("gap")) slot.gap = read_duration(*v, "gap", d).value_or(slot.gap);
  if (const auto* v = r.get("start")) {
    if (auto c = read_choice(*v, "start", {"soft", "hard"}, d))
      slot.start = *c == "hard" ? StartMode::hard : StartMode::soft;
  }
  if (const auto* v = r.get("late")) slot.late = read_duration(*v, "late", d).value_or(slot.late);
  if (const auto* v = r.get("on_interrupt")) {
    if (auto c = read_choice(*v, "on_interrupt", {"resume", "drop"}, d)) {
      slot.on_interrupt = *c == "drop" ? OnInterrupt::drop : OnInterrupt::resume;
    }
  }
  // Kept even with errors, so that its clips are probed and its playlists looked up in the same
  // check: every mistake is reported at once. A station with errors never airs; what is kept holds
  // only values that were read correctly or the defaults.
  return slot;
}

void read_validity(const YamlNode& n, Programme& p, Diagnostics& d) {
  MapReader r(n, "valid section", {"from", "until"}, d);
  if (const auto* v = r.get("from")) p.valid_from = read_date(*v, "valid from", d);
  if (const auto* v = r.get("until")) {
    p.valid_until = read_date(*v, "valid until", d);
    if (p.valid_from && p.valid_until && *p.valid_until < *p.valid_from) {
      d.error(v->pos,
              {"programme.valid.reversed",
               {{"until", format_date(*p.valid_until)}, {"from", format_date(*p.valid_from)}}});
    }
  }
}

void read_chime(const YamlNode& n, ChimeChoice& c, const StationSettings& s, Diagnostics& d) {
  auto text = read_text(n, "chime", d);
  if (!text) return;
  c.pos = n.pos;
  if (*text == "default") {
    c.kind = ChimeChoice::Kind::station_default;
  } else if (*text == "builtin") {
    c.kind = ChimeChoice::Kind::builtin;
  } else if (*text == "none") {
    c.kind = ChimeChoice::Kind::none;
  } else {
    c.kind = ChimeChoice::Kind::clip;
    c.clip.ref = *text;
    c.clip.file = s.clips / *text;
    c.clip.pos = n.pos;
  }
}

// The programme's own `speech:` for the say items of its slots (playlists keep the station's).
void use_programme_voice(Programme& p) {
  const auto use = [&](Slot& slot) {
    for (auto& item : slot.play) {
      if (!item.say.empty()) item.voice = *p.speech;
    }
  };
  for (auto& slot : p.slots) use(slot);
  if (p.on_demand) use(*p.on_demand);
}

// What an on_demand: true programme airs when asked: its `play`, `repeat` and `gap`, with the
// start and late of a play-now (an emergency cuts in at once).
Slot read_on_demand(const MapReader& r, const Programme& p, const StationSettings& s,
                    Diagnostics& d) {
  Slot slot;
  slot.pos = r.node().pos;
  slot.start = p.priority >= 90 ? StartMode::hard : StartMode::soft;
  slot.late = std::chrono::minutes(10);
  if (const YamlNode* play = r.get("play")) {
    for (const YamlNode* item : read_list(*play, "play", true, d)) {
      if (auto i = read_play_item(*item, s, d)) slot.play.push_back(std::move(*i));
    }
    if (play->is_sequence() && play->items.empty()) d.error(play->pos, "play.empty_on_demand");
  } else {
    d.error(r.node().pos, "programme.on_demand.needs_play");
  }
  if (const auto* v = r.get("repeat"))
    slot.repeat = static_cast<int>(read_integer(*v, "repeat", 1, 100, d).value_or(1));
  if (const auto* v = r.get("gap")) slot.gap = read_duration(*v, "gap", d).value_or(slot.gap);
  return slot;
}

std::optional<Programme> read_programme(const YamlNode& n, const StationSettings& s,
                                        Diagnostics& d) {
  const YamlNode* id_node = n.is_mapping() ? n.find("id") : nullptr;
  const std::string name = id_node != nullptr && id_node->is_scalar()
                               ? "programme '" + id_node->value + "'"
                               : "programme";
  MapReader r(n, name,
              {"id", "title", "reference", "priority", "zones", "valid", "except", "chime", "slots",
               "on_demand", "play", "repeat", "gap", "speech"},
              d);
  if (!r.ok()) return std::nullopt;
  Programme p;
  p.pos = n.pos;
  p.zones = s.all_zones();
  // A programme with a wrong or missing id is still read (as written, or ""), so the mistakes in
  // the rest of it are reported in the same check; the station has an error and never airs.
  if (const YamlNode* id = r.require("id")) {
    p.id = read_id(*id, "programme id", d).value_or(id->is_scalar() ? id->value : "");
  }
  if (const auto* v = r.get("title")) p.title = read_text(*v, "title", d).value_or("");
  if (const auto* v = r.get("reference")) p.reference = read_text(*v, "reference", d).value_or("");
  if (const auto* v = r.get("priority")) p.priority = read_priority(*v, d).value_or(p.priority);
  if (const auto* v = r.get("zones")) p.zones = read_zone_set(*v, s, d).value_or(p.zones);
  if (const auto* v = r.get("valid")) read_validity(*v, p, d);
  if (const auto* v = r.get("except")) read_except(*v, p, s, d);
  if (const auto* v = r.get("chime")) read_chime(*v, p.chime, s, d);
  if (const auto* v = r.get("speech")) p.speech = read_speech_voice(*v, s.audio.speech, d);
  if (const auto* v = r.get("on_demand")) {
    if (read_choice(*v, "on_demand", {"true", "false"}, d) == "true") {
      p.on_demand = read_on_demand(r, p, s, d);
    }
  }
  if (!p.on_demand) {
    for (const char* key : {"play", "repeat", "gap"}) {
      if (const auto* v = r.get(key)) {
        d.error(v->pos, {"programme.key_in_slot", {{"key", key}}});
      }
    }
  }
  // An on-demand programme needs no slots; any other does.
  const YamlNode* slots = p.on_demand ? r.get("slots") : r.require("slots");
  if (slots != nullptr) {
    for (const YamlNode* slot : read_list(*slots, "slots", false, d)) {
      if (auto sl = read_slot(*slot, p, s, d)) p.slots.push_back(std::move(*sl));
    }
    if (slots->is_sequence() && slots->items.empty() && !p.on_demand)
      d.error(slots->pos, "programme.slots.empty");
  }
  if (p.speech) use_programme_voice(p);
  return p;
}

std::optional<Playlist> read_playlist(const YamlNode& key, const YamlNode& n,
                                      const StationSettings& s, Diagnostics& d) {
  // Read on with a wrong id, as written: its clips are checked too, and the slots that name it the
  // same way do not get a second error.
  const std::string id = read_id(key, "playlist id", d).value_or(key.is_scalar() ? key.value : "");
  MapReader r(n, "playlist '" + id + "'", {"order", "pick", "clips"}, d);
  if (!r.ok()) return std::nullopt;
  Playlist pl;
  pl.id = id;
  pl.pos = key.pos;
  if (const auto* v = r.get("order")) {
    if (auto o = read_choice(*v, "order", {"in-order", "shuffle", "rotate"}, d)) {
      pl.order = *o == "rotate"    ? Playlist::Order::rotate
                 : *o == "shuffle" ? Playlist::Order::shuffle
                                   : Playlist::Order::in_order;
    }
  }
  if (const YamlNode* clips = r.require("clips")) {
    for (const YamlNode* c : read_list(*clips, "clips", false, d)) {
      if (c->is_mapping() && (c->find("say") != nullptr || c->find("say_file") != nullptr)) {
        if (auto spoken = read_spoken_item(*c, s, d)) pl.clips.push_back(std::move(*spoken));
        continue;
      }
      if (!c->is_scalar() || c->value.empty() || c->value.starts_with("playlist:")) {
        d.error(c->pos, "playlist.bad_item");
        continue;
      }
      PlayItem item;
      item.kind = PlayItem::Kind::clip;
      item.ref = c->value;
      item.file = s.clips / c->value;
      item.pos = c->pos;
      pl.clips.push_back(std::move(item));
    }
    if (clips->is_sequence() && clips->items.empty()) {
      d.warning(clips->pos, {"playlist.empty", {{"playlist", pl.id}}});
    }
  }
  if (const auto* v = r.get("pick")) {
    if (auto pick = read_integer(*v, "pick", 1, 1000, d)) {
      pl.pick = static_cast<int>(*pick);
      if (!pl.clips.empty() && pl.pick > static_cast<int>(pl.clips.size())) {
        d.warning(v->pos,
                  {"playlist.pick.too_many", {{"pick", pl.pick}, {"clips", pl.clips.size()}}});
        pl.pick = static_cast<int>(pl.clips.size());
      }
    }
  }
  return pl;
}

}  // namespace

void read_programmes(const YamlNode& list, const StationSettings& settings,
                     std::vector<Programme>& out, Diagnostics& diags) {
  for (const YamlNode* n : read_list(list, "programmes", false, diags)) {
    if (auto p = read_programme(*n, settings, diags)) out.push_back(std::move(*p));
  }
}

void read_playlists(const YamlNode& map, const StationSettings& settings,
                    std::vector<Playlist>& out, Diagnostics& diags) {
  if (!map.is_mapping()) {
    diags.error(map.pos, {"playlists.expected_mapping", {{"found", map.kind_message()}}});
    return;
  }
  for (const auto& [k, v] : map.entries) {
    if (auto p = read_playlist(k, v, settings, diags)) out.push_back(std::move(*p));
  }
}

}  // namespace loa
