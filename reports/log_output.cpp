#include "loa/log_output.hpp"

#include <algorithm>
#include <ostream>

#include "loa/air_reasons.hpp"
#include "loa/message_json.hpp"
#include "loa/report.hpp"
#include "loa/text_columns.hpp"

namespace loa {

namespace {

nlohmann::json optional_time(const std::optional<UtcTime>& t, const date::time_zone* zone) {
  return t ? nlohmann::json(format_iso(*t, zone)) : nlohmann::json(nullptr);
}

std::string clock(UtcTime t, const date::time_zone* zone) {
  return date::format("%T", zone->to_local(std::chrono::floor<std::chrono::seconds>(t)));
}

// "06:00:01-06:00:09"; an end not (yet) known is left blank; nothing at all for a missed broadcast.
std::string span(const std::optional<UtcTime>& start, const std::optional<UtcTime>& end,
                 const date::time_zone* zone) {
  if (!start) return std::string(17, ' ');
  return clock(*start, zone) + "-" + (end ? clock(*end, zone) : std::string(8, ' '));
}

std::string joined(const std::vector<std::string>& zones) {
  std::string out;
  for (const auto& z : zones) out += (out.empty() ? "" : ",") + z;
  return out;
}

// What a relay or input item experienced, one line: "connected: mp3, 44100 Hz, 2 channels",
// "dead air (the stream stopped), covered by playlist nhac-nen".
std::string event_text(const JournalItemEvent& e) {
  std::string text;
  if (e.kind == "connected") {
    text = "connected";
    if (!e.codec.empty()) text += ": " + e.codec;
    if (e.rate > 0) text += ", " + std::to_string(e.rate) + " Hz";
    if (e.channels > 0) text += ", " + std::to_string(e.channels) + " channel(s)";
  } else if (e.kind == "dead_air_started") {
    text = "dead air";
    if (!e.reason.empty()) text += " (" + e.reason + ")";
    text += ", covered by " + (e.fallback.empty() ? std::string("silence") : e.fallback);
  } else if (e.kind == "dead_air_ended") {
    text = "back on air after dead air";
  } else {
    text = e.kind;
    std::replace(text.begin(), text.end(), '_', ' ');
    if (!e.reason.empty()) text += ": " + e.reason;
  }
  return text;
}

}  // namespace

void print_log_text(std::ostream& out, const Station& st,
                    const std::vector<JournalBroadcast>& list) {
  const date::time_zone* zone = st.settings.zone;
  if (list.empty()) {
    out << "Nothing was recorded for this window.\n";
    return;
  }
  std::size_t programme_width = 0;
  std::size_t zones_width = 0;
  for (const auto& b : list) {
    programme_width = std::max(programme_width, display_width(b.key.programme));
    zones_width = std::max(zones_width, display_width(joined(b.zones)));
  }
  std::optional<Date> day;
  for (const auto& b : list) {
    const Date d = local_date(b.key.scheduled, zone);
    if (day != d) {
      out << (day ? "\n" : "") << date::format("%A %F", date::sys_days{d}) << "  ("
          << st.settings.timezone << ")\n";
      day = d;
    }
    std::string line = "  " + clock(b.key.scheduled, zone) + "  " + span(b.start, b.end, zone) +
                       "  " + pad_right(air_status_name(b.status), 11) + "  " +
                       pad_right(b.key.programme, programme_width) + "  " +
                       pad_right(joined(b.zones), zones_width) + "  " + b.title;
    if (!b.reason.empty()) line += "  (" + b.reason + ")";
    // A broadcast without a title would leave the padding dangling at the end.
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
    for (const JournalItem& i : b.items) {
      out << "      " << span(i.start, i.end, zone) << "  " << pad_right(i.kind, 7) << "  "
          << pad_right(air_status_name(i.status), 7) << "  " << i.path
          << (i.reason.empty() ? "" : "  (" + i.reason + ")") << '\n';
      for (const JournalItemEvent& e : i.events) {
        out << "        " << clock(e.t, zone) << "  " << event_text(e) << '\n';
      }
      if (const Micros dead = item_dead_air(i); dead.count() > 0) {
        out << "        dead air in all: "
            << format_duration(std::chrono::round<std::chrono::seconds>(dead)) << '\n';
      }
    }
  }
}

namespace {

// "reason" as the journal keeps it, and beside it its code for the page (docs/api.md).
void add_reason(nlohmann::json& j, const std::string& reason) {
  if (reason.empty()) return;
  j["reason"] = reason;
  const Message m = reason_message(reason);
  if (m.code.empty()) return;
  j["reason_code"] = m.code;
  j["reason_params"] = params_json(m.params);
}

}  // namespace

// The contract of `loa log --json` (docs/operator-guide.md lists the fields).
nlohmann::json log_json(const JournalBroadcast& b, const date::time_zone* zone) {
  auto items = nlohmann::json::array();
  for (const JournalItem& i : b.items) {
    nlohmann::json j = {{"kind", i.kind},
                        {"path", i.path},
                        {"start", format_iso(i.start, zone)},
                        {"end", optional_time(i.end, zone)},
                        {"status", air_status_name(i.status)}};
    add_reason(j, i.reason);
    if (i.kind == "relay" || i.kind == "input") {
      auto events = nlohmann::json::array();
      for (const JournalItemEvent& e : i.events) {
        nlohmann::json ej = {{"kind", e.kind}, {"time", format_iso(e.t, zone)}};
        if (!e.reason.empty()) ej["reason"] = e.reason;
        if (!e.codec.empty()) ej["codec"] = e.codec;
        if (e.rate > 0) ej["rate"] = e.rate;
        if (e.channels > 0) ej["channels"] = e.channels;
        if (e.frame >= 0) ej["frame"] = e.frame;
        if (e.kind == "dead_air_started")
          ej["fallback"] = e.fallback.empty() ? "silence" : e.fallback;
        events.push_back(std::move(ej));
      }
      j["events"] = std::move(events);
      j["dead_air_seconds"] = std::chrono::duration<double>(item_dead_air(i)).count();
    }
    items.push_back(std::move(j));
  }
  nlohmann::json j = {{"programme", b.key.programme},
                      {"title", b.title},
                      {"reference", b.reference},
                      {"slot", b.key.slot},
                      {"scheduled", format_iso(b.key.scheduled, zone)},
                      {"start", optional_time(b.start, zone)},
                      {"end", optional_time(b.end, zone)},
                      {"zones", b.zones},
                      {"priority", b.priority},
                      {"class", priority_class(b.priority)},
                      {"status", air_status_name(b.status)},
                      {"items", std::move(items)}};
  add_reason(j, b.reason);
  return j;
}

}  // namespace loa
