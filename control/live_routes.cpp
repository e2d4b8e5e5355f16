// POST, GET and DELETE /api/live: speaking live into an input of audio.inputs (docs/api.md).
#include <mutex>

#include "control_context.hpp"
#include "loa/air_reasons.hpp"
#include "loa/play_now.hpp"
#include "loa/values.hpp"

namespace loa {

namespace {

// The body's "max" ("30m", "1h", or seconds as a number); the default when absent. Throws
// BadRequest for anything else, zero, or longer than kLiveMaxLimit.
Micros requested_max(const nlohmann::json& body) {
  if (!body.contains("max")) return kLiveMaxDefault;
  const auto& m = body["max"];
  std::optional<Micros> max;
  if (m.is_string()) {
    std::string why;
    if (const auto d = parse_duration(m.get<std::string>(), why)) max = *d;
  } else if (m.is_number() && m.get<double>() > 0 && m.get<double>() < 1e7) {
    max = Micros{static_cast<std::int64_t>(m.get<double>() * 1e6)};
  }
  if (!max || *max < std::chrono::seconds(1) || *max > kLiveMaxLimit) {
    throw BadRequest(Message{"live.max_bad", {{"limit", "4h"}}});
  }
  return *max;
}

std::string input_ids(const StationSettings& settings) {
  std::string out;
  for (const auto& i : settings.audio.inputs) out += (out.empty() ? "" : ", ") + i.id;
  return out;
}

nlohmann::json level_json(const std::optional<AirLevel>& level) {
  if (!level) return nullptr;
  return {{"peak_dbfs", level->peak_dbfs}, {"rms_dbfs", level->rms_dbfs}};
}

}  // namespace

nlohmann::json live_json(const std::optional<LiveBroadcast>& live,
                         const StationSettings& settings) {
  if (!live) return nullptr;
  nlohmann::json j = {{"title", live->title},
                      {"zones", zone_ids_json(live->zones, settings)},
                      {"priority", std::string(priority_class(live->priority))},
                      {"scheduled", format_iso(live->key.scheduled, settings.zone)},
                      {"on_air", live->on_air},
                      {"speaking", live->speaking},
                      {"ends", nullptr},
                      {"level", level_json(live->level)},
                      {"input_level", level_json(live->input_level)}};
  if (live->ends) j["ends"] = format_iso(*live->ends, settings.zone);
  return j;
}

void add_live_routes(ControlServer::Context& c) {
  // One live broadcast at a time: the check and the start are one step for concurrent requests.
  static std::mutex starting;

  c.server->Get("/api/live", c.guard(Role::viewer, [&c](const httplib::Request&,
                                                        httplib::Response& res, const Caller&) {
    const auto snapshot = c.snapshot();
    reply_json(res, 200, {{"live", live_json(snapshot->live, snapshot->air->station->settings)}});
  }));

  c.server->Post("/api/live", c.guard(Role::operator_, [&c](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const Caller& caller) {
    const nlohmann::json body = json_body(req);
    const std::lock_guard lock(starting);
    const auto snapshot = c.snapshot();
    const Station& station = *snapshot->air->station;
    const StationSettings& settings = station.settings;
    if (settings.audio.inputs.empty()) throw BadRequest(Message{"live.no_inputs"});
    std::string asked;
    if (body.contains("input")) {
      if (!body["input"].is_string()) throw BadRequest(Message{"live.input_not_id"});
      asked = body["input"].get<std::string>();
    }
    const CaptureInput* input = live_input(settings, asked);
    if (input == nullptr) {
      throw BadRequest(Message{"live.no_input", {{"id", asked}, {"inputs", input_ids(settings)}}});
    }
    const Micros max = requested_max(body);
    const ZoneSet zones = requested_zones(body, caller, settings, res);
    if (zones == 0) return;
    const int priority = requested_priority(body);
    if (snapshot->live) {
      reply_error(res, 409,
                  Message{"live.already", {{"zones", settings.zone_names(snapshot->live->zones)}}});
      return;
    }
    auto shared =
        std::make_shared<AirStation>(live_station(station, input->id, zones, priority, max));
    auto scheduled = std::make_shared<UtcTime>();
    std::string error;
    if (!c.queue.call(
            [shared, scheduled](AirControl& air) { *scheduled = air.play_now(std::move(*shared)); },
            std::chrono::seconds(5), error)) {
      reply_error(res, 503, engine_failure(error));
      return;
    }
    const std::string klass(priority_class(priority));
    c.record(caller, "live (" + klass + ") on " + settings.zone_names(zones) + ": input " +
                         input->id + " for at most " +
                         format_duration(std::chrono::duration_cast<Duration>(max)));
    // The next snapshot shows it: the engine published when it took it.
    reply_json(res, 202,
               {{"scheduled", format_iso(*scheduled, settings.zone)},
                {"zones", zone_ids_json(zones, settings)},
                {"priority", klass},
                {"input", input->id},
                {"max_seconds", std::chrono::duration<double>(max).count()}});
  }));

  c.server->Delete(
      "/api/live", c.guard(Role::operator_, [&c](const httplib::Request&, httplib::Response& res,
                                                 const Caller& caller) {
        const auto snapshot = c.snapshot();
        const StationSettings& settings = snapshot->air->station->settings;
        if (snapshot->live && (snapshot->live->zones & ~caller.zones(settings)) != 0) {
          reply_error(res, 403,
                      Message{"api.zones.not_yours",
                              {{"zones", settings.zone_names(snapshot->live->zones &
                                                             ~caller.zones(settings))}}});
          return;
        }
        auto ended = std::make_shared<ZoneSet>(0);
        const std::string reason = std::string(air_reason::kStoppedBy) + caller.who();
        std::string error;
        if (!c.queue.call([ended, reason](AirControl& air) { *ended = air.end_live(reason); },
                          std::chrono::seconds(5), error)) {
          reply_error(res, 503, engine_failure(error));
          return;
        }
        if (*ended != 0) c.record(caller, "live ended on " + settings.zone_names(*ended));
        reply_json(res, 200, {{"ended", zone_ids_json(*ended, settings)}});
      }));
}

}  // namespace loa
