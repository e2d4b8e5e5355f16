// POST /api/play-now and POST /api/stop (docs/api.md).
#include "control_context.hpp"
#include "loa/air_reasons.hpp"
#include "loa/clip_library.hpp"
#include "loa/play_now.hpp"
#include "loa/values.hpp"

namespace loa {

namespace {

constexpr std::size_t kMaxClips = 50;

}  // namespace

void add_air_routes(ControlServer::Context& c) {
  c.server->Post("/api/play-now", c.guard(Role::operator_, [&c](const httplib::Request& req,
                                                                httplib::Response& res,
                                                                const Caller& caller) {
    const nlohmann::json body = json_body(req);
    const auto snapshot = c.snapshot();
    const Station& station = *snapshot->air->station;
    const StationSettings& settings = station.settings;
    AirStation adhoc;
    ZoneSet zones = 0;
    int priority = 50;
    std::string what;  // for the journal's actions
    if (body.contains("programme")) {
      // A programme prepared for it (on_demand: true): its own play list, chime and priority.
      if (!body["programme"].is_string()) throw BadRequest(Message{"play_now.programme_not_id"});
      const std::string id = body["programme"].get<std::string>();
      const Programme* p = station.programme(id);
      if (p == nullptr || !p->on_demand) {
        reply_error(res, 404, Message{"play_now.no_programme", {{"id", id}}});
        return;
      }
      const bool all = !body.contains("zones") || body["zones"] == "all";
      zones =
          all ? caller.zones(settings) & p->zones : requested_zones(body, caller, settings, res);
      if (!all && zones == 0) return;
      if (zones == 0) {
        reply_error(res, 403,
                    Message{"play_now.programme_zones_not_yours",
                            {{"id", id}, {"zones", settings.zone_names(p->zones)}}});
        return;
      }
      if ((zones & ~p->zones) != 0) {
        reply_error(res, 422,
                    Message{"play_now.programme_zones_only",
                            {{"id", id}, {"zones", settings.zone_names(p->zones)}}});
        return;
      }
      priority = p->priority;
      adhoc = on_demand_station(*snapshot->air, id, zones);
      what = "programme " + id;
    } else {
      if (!body.contains("clips") || !body["clips"].is_array() || body["clips"].empty()) {
        throw BadRequest(Message{"play_now.clips_missing"});
      }
      if (body["clips"].size() > kMaxClips) {
        throw BadRequest(Message{"play_now.too_many_clips", {{"max", kMaxClips}}});
      }
      std::vector<std::filesystem::path> files;
      std::vector<std::string> names;
      for (const auto& n : body["clips"]) {
        if (!n.is_string()) throw BadRequest(Message{"play_now.clips_not_names"});
        const auto file = clip_file(settings.clips, n.get<std::string>());
        if (!file) throw BadRequest(Message{"play_now.no_clip", {{"name", n.get<std::string>()}}});
        files.push_back(*file);
        names.push_back(n.get<std::string>());
      }
      zones = requested_zones(body, caller, settings, res);
      if (zones == 0) return;
      priority = requested_priority(body);
      try {
        adhoc = play_now_station(station, files, names, zones, priority);
      } catch (const std::invalid_argument& e) {
        reply_error(res, 422, Message{"play_now.refused", {{"reason", e.what()}}});
        return;
      }
      for (const auto& n : names) what += (what.empty() ? "" : ", ") + n;
    }
    auto shared = std::make_shared<AirStation>(std::move(adhoc));
    auto scheduled = std::make_shared<UtcTime>();
    std::string error;
    if (!c.queue.call(
            [shared, scheduled](AirControl& air) { *scheduled = air.play_now(std::move(*shared)); },
            std::chrono::seconds(5), error)) {
      reply_error(res, 503, engine_failure(error));
      return;
    }
    const std::string klass(priority_class(priority));
    c.record(caller, "play now (" + klass + ") on " + settings.zone_names(zones) + ": " + what);
    nlohmann::json z = nlohmann::json::array();
    for (const auto& id : settings.zone_ids()) {
      if ((zones >> static_cast<unsigned>(settings.zone_index(id)) & 1U) != 0) z.push_back(id);
    }
    reply_json(
        res, 202,
        {{"scheduled", format_iso(*scheduled, settings.zone)}, {"zones", z}, {"priority", klass}});
  }));

  c.server->Post(
      "/api/stop", c.guard(Role::operator_, [&c](const httplib::Request& req,
                                                 httplib::Response& res, const Caller& caller) {
        const nlohmann::json body = json_body(req);
        const StationSettings& settings = c.snapshot()->air->station->settings;
        const ZoneSet zones = requested_zones(body, caller, settings, res);
        if (zones == 0) return;
        auto stopped = std::make_shared<ZoneSet>(0);
        const std::string reason = std::string(air_reason::kStoppedBy) + caller.who();
        std::string error;
        if (!c.queue.call(
                [zones, stopped, reason](AirControl& air) { *stopped = air.stop(zones, reason); },
                std::chrono::seconds(5), error)) {
          reply_error(res, 503, engine_failure(error));
          return;
        }
        c.record(caller, "stop on " + settings.zone_names(zones));
        nlohmann::json z = nlohmann::json::array();
        for (std::size_t i = 0; i < settings.zones.size(); ++i) {
          if (((*stopped >> i) & 1U) != 0) z.push_back(settings.zones[i].id);
        }
        reply_json(res, 200, {{"stopped", z}});
      }));
}

}  // namespace loa
