#include "notice_programme.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "loa/spoken_items.hpp"
#include "loa/values.hpp"

namespace loa {

namespace {

// A YAML double-quoted scalar: JSON's escapes are YAML's too.
std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The word the programme format uses for the classes' own values, else the number.
std::string priority_word(int priority) {
  for (const char* word : {"low", "normal", "high", "emergency"}) {
    std::string why;
    if (parse_priority(word, why) == priority) return word;
  }
  return std::to_string(priority);
}

}  // namespace

std::string notice_programme_id(const NoticeTime& at) {
  const auto hm = date::hh_mm_ss<TimeOfDay>(at.time);
  char buf[128];
  std::snprintf(buf, sizeof buf, "thong-bao-nhanh-%04d%02u%02u-%02lld%02lld", int{at.date.year()},
                unsigned{at.date.month()}, unsigned{at.date.day()},
                static_cast<long long>(hm.hours().count()),
                static_cast<long long>(hm.minutes().count()));
  return buf;
}

std::string notice_programme_yaml(const Notice& n, const std::string& id, const NoticeTime& at,
                                  const StationSettings& s, const std::string& who) {
  // The title shows the notice's first words, as the plan and the journal name a say item.
  std::string shown = say_item_name(n.text);
  shown = shown.substr(6, shown.size() - 7);  // without `say: "` and the closing quote
  std::string zones;
  for (const auto& z : s.zone_ids()) {
    if ((n.zones >> static_cast<unsigned>(s.zone_index(z)) & 1U) == 0) continue;
    zones += (zones.empty() ? "" : ", ") + z;
  }
  std::string out = "# Thông báo nhanh from the control page, by " + who +
                    ". It airs once; delete this file to cancel it.\n";
  out += "programmes:\n";
  out += "  - id: " + id + "\n";
  out += "    title: " + quoted("Thông báo nhanh: " + shown) + "\n";
  out += "    priority: " + priority_word(n.priority) + "\n";
  out += "    zones: [" + zones + "]\n";
  if (n.own_voice) {
    out += "    speech: {voice: " + quoted(n.voice.voice) +
           ", rate: " + std::to_string(n.voice.rate) + ", pitch: " + std::to_string(n.voice.pitch) +
           ", volume: " + std::to_string(n.voice.volume) + "}\n";
  }
  out += "    slots:\n";
  out += "      - at: \"" + format_time_of_day(at.time) + "\"\n";
  out += "        dates: [" + format_date(at.date) + "]\n";
  out += "        play:\n";
  out += "          - say: " + quoted(n.text) + "\n";
  return out;
}

}  // namespace loa
