// What several routes read from a request the same way: the zones and the priority asked for.
#include "control_context.hpp"
#include "loa/values.hpp"

namespace loa {

// The zones asked for (all the caller may use when absent); throws BadRequest, or answers 403
// and returns 0 when the account may not use one of them.
ZoneSet requested_zones(const nlohmann::json& body, const Caller& caller,
                        const StationSettings& settings, httplib::Response& res) {
  const ZoneSet allowed = caller.zones(settings);
  if (!body.contains("zones")) return allowed;
  const ZoneSet asked = zones_of(body["zones"], settings);
  if (asked == 0) throw BadRequest(Message{"api.zones.empty"});
  if ((asked & ~allowed) != 0) {
    reply_error(res, 403,
                Message{"api.zones.not_yours", {{"zones", settings.zone_names(asked & ~allowed)}}});
    return 0;
  }
  return asked;
}

int requested_priority(const nlohmann::json& body) {
  if (!body.contains("priority")) return 50;
  const auto& p = body["priority"];
  Message why;
  std::optional<int> value;
  if (p.is_string()) value = parse_priority(p.get<std::string>(), why);
  if (p.is_number_integer()) value = parse_priority(std::to_string(p.get<long long>()), why);
  if (!value) {
    if (why.code.empty()) throw BadRequest(Message{"api.priority.bad"});
    throw BadRequest(why);
  }
  return *value;
}

nlohmann::json zone_ids_json(ZoneSet zones, const StationSettings& settings) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& id : settings.zone_ids()) {
    if ((zones >> static_cast<unsigned>(settings.zone_index(id)) & 1U) != 0) out.push_back(id);
  }
  return out;
}

}  // namespace loa
