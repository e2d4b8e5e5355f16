// GET /api/status, /api/plan, /api/log (docs/api.md).
#include <chrono>
#include <map>
#include <sstream>

#include "control_context.hpp"
#include "loa/log_output.hpp"
#include "loa/lunar_calendar.hpp"
#include "loa/plan_output.hpp"
#include "loa/planner.hpp"
#include "loa/time_window.hpp"

namespace loa {

namespace {

// Decisions run a little ahead of the sound: an item starting this soon counts as on air.
constexpr Micros kOnAirSlack = std::chrono::milliseconds(300);

UtcTime wall_now() {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

nlohmann::json key_json(const BroadcastKey& key, const date::time_zone* zone) {
  return {{"programme", key.programme},
          {"slot", key.slot},
          {"scheduled", format_iso(key.scheduled, zone)}};
}

nlohmann::json zone_ids(ZoneSet set, const StationSettings& settings) {
  auto out = nlohmann::json::array();
  for (std::size_t i = 0; i < settings.zones.size(); ++i) {
    if (((set >> i) & 1U) != 0) out.push_back(settings.zones[i].id);
  }
  return out;
}

nlohmann::json on_air_json(const NowPlaying& p, UtcTime now, const date::time_zone* zone) {
  nlohmann::json j = key_json(p.key, zone);
  j["title"] = p.title;
  j["priority"] = p.priority;
  j["item"] = {{"index", p.item},
               {"kind", p.kind},
               {"path", p.path},
               {"start", format_iso(p.item_start, zone)},
               {"end", format_iso(p.item_end, zone)}};
  const auto position = std::max(Micros{0}, now - p.item_start);
  j["position"] = static_cast<double>(position.count()) / 1e6;
  return j;
}

nlohmann::json status_json(const AirSnapshot& s, UtcTime now) {
  const StationSettings& settings = s.air->station->settings;
  const date::time_zone* zone = settings.zone;
  nlohmann::json j;
  j["station"] = {{"name", settings.name}, {"timezone", settings.timezone}};
  j["now"] = format_iso(now, zone);
  j["lunar"] = format_lunar_day_month(to_lunar(local_date(now, zone)));
  j["version"] = {{"id", s.version},
                  {"loaded_at", format_iso(s.loaded_at, zone)},
                  {"programmes", s.air->station->programmes.size()}};
  j["output"] = {{"spec", s.output}, {"state", s.output_state}, {"error", s.output_error}};
  j["amplifiers"] = nlohmann::json::array();
  for (const auto& a : s.amplifiers) {
    j["amplifiers"].push_back({{"id", a.id}, {"zones", zone_ids(a.zones, settings)}, {"on", a.on}});
  }
  j["zones"] = nlohmann::json::array();
  for (std::size_t i = 0; i < settings.zones.size(); ++i) {
    nlohmann::json z = {{"id", settings.zones[i].id}, {"name", settings.zones[i].name}};
    z["on_air"] = nullptr;
    for (const auto& p : s.on_air) {
      if (((p.zones >> i) & 1U) == 0) continue;
      if (p.item_start > now + kOnAirSlack || p.item_end <= now) continue;
      z["on_air"] = on_air_json(p, now, zone);
    }
    j["zones"].push_back(std::move(z));
  }
  j["next"] = nlohmann::json::array();
  for (const auto& n : s.next) {
    nlohmann::json b = key_json(n.key, zone);
    b["title"] = n.title;
    b["zones"] = zone_ids(n.zones, settings);
    b["priority"] = n.priority;
    b["waiting"] = n.waiting;
    b["lunar"] = format_lunar_day_month(to_lunar(local_date(n.key.scheduled, zone)));
    j["next"].push_back(std::move(b));
  }
  j["live"] = live_json(s.live, settings);
  return j;
}

std::optional<TimeWindow> window_of(const httplib::Request& req, const date::time_zone* zone,
                                    httplib::Response& res) {
  std::string why;
  auto w = parse_time_window(req.get_param_value("from"), req.get_param_value("to"), zone, "from",
                             "to", why);
  if (!w) reply_error(res, 400, Message{"api.window.bad", {{"reason", why}}});
  return w;
}

// `loa plan --json`'s lines as one JSON array.
nlohmann::json plan_json(const AirStation& air, const TimeWindow& w) {
  const Station& station = *air.station;
  std::map<std::filesystem::path, std::optional<Micros>> by_file;
  for (std::size_t i = 0; i < station.clips.size() && i < air.lengths.size(); ++i) {
    by_file[station.clips[i]] = air.lengths[i];
  }
  const ClipLengths lengths = [&by_file](const std::filesystem::path& f) -> std::optional<Micros> {
    const auto it = by_file.find(f);
    return it == by_file.end() ? std::nullopt : it->second;
  };
  std::ostringstream lines;
  // The clips of rotating and shuffled playlists as they will air: from where the journal says.
  std::string problem;
  const PlanStart start =
      plan_start(station.settings,
                 std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now()), problem);
  print_plan_json(lines, station, plan(station, lengths, w.from, w.to, start));
  auto out = nlohmann::json::array();
  std::istringstream in(lines.str());
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

}  // namespace

void add_status_routes(ControlServer::Context& c) {
  c.server->Get("/api/status", c.guard(Role::viewer, [&c](const httplib::Request&,
                                                          httplib::Response& res, const Caller&) {
    reply_json(res, 200, status_json(*c.snapshot(), wall_now()));
  }));

  c.server->Get("/api/plan", c.guard(Role::viewer, [&c](const httplib::Request& req,
                                                        httplib::Response& res, const Caller&) {
    const auto s = c.snapshot();
    const auto w = window_of(req, s->air->station->settings.zone, res);
    if (!w) return;
    if (w->to - w->from > std::chrono::hours(24 * 62)) {
      reply_error(res, 400, Message{"api.window.too_long"});
      return;
    }
    reply_json(res, 200, plan_json(*s->air, *w));
  }));

  c.server->Get("/api/log", c.guard(Role::viewer, [&c](const httplib::Request& req,
                                                       httplib::Response& res, const Caller&) {
    const auto s = c.snapshot();
    const StationSettings& settings = s->air->station->settings;
    const auto w = window_of(req, settings.zone, res);
    if (!w) return;
    auto out = nlohmann::json::array();
    std::error_code ec;
    if (std::filesystem::exists(journal_path(settings), ec)) {
      const Journal journal(journal_path(settings), true);
      for (const auto& b : journal.broadcasts(w->from, w->to)) {
        out.push_back(log_json(b, settings.zone));
      }
    }
    reply_json(res, 200, out);
  }));
}

}  // namespace loa
