#include "command_log.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "command_support.hpp"
#include "commands.hpp"
#include "loa/time_window.hpp"
#include "text_columns.hpp"

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

void print_text(std::ostream& out, const Station& st, const std::vector<JournalBroadcast>& list) {
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
    }
  }
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
    if (!i.reason.empty()) j["reason"] = i.reason;
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
  if (!b.reason.empty()) j["reason"] = b.reason;
  return j;
}

int run_log(const LogArgs& args) {
  const auto station = station_for_journal(args.config, "loa log");
  if (!station) return kExitInvalid;
  const date::time_zone* zone = station->settings.zone;
  const auto window = parse_time_window(args.from, args.to, zone, "loa log");
  if (!window) return kExitUsage;
  const auto journal = open_journal_read_only(station->settings, "loa log");
  if (!journal) return kExitInvalid;
  if (args.actions) {
    for (const auto& a : journal->actions(window->from, window->to)) {
      if (args.json) {
        const nlohmann::json j = {
            {"time", format_iso(a.t, zone)}, {"who", a.who}, {"from", a.from}, {"what", a.what}};
        std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      } else {
        std::cout << format_iso(a.t, zone).substr(0, 19) << "  " << a.who << " (" << a.from
                  << "): " << a.what << '\n';
      }
    }
    return kExitOk;
  }
  const auto list = journal->broadcasts(window->from, window->to);
  if (args.json) {
    for (const auto& b : list) {
      std::cout << log_json(b, zone).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << '\n';
    }
  } else {
    print_text(std::cout, *station, list);
  }
  return kExitOk;
}

}  // namespace loa
