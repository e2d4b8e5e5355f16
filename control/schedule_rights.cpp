#include "schedule_rights.hpp"

namespace loa {

Diagnostics schedule_rights(const Caller& caller, const Station& station,
                            const std::filesystem::path& file, bool deleting) {
  Diagnostics out;
  const StationSettings& settings = station.settings;
  const ZoneSet allowed = caller.zones(settings);
  for (const Programme& p : station.programmes) {
    if (p.pos.path() != file.string()) continue;
    if (const ZoneSet beyond = p.zones & ~allowed; beyond != 0) {
      std::vector<MessageParam> params{{"programme", p.id}, {"zones", settings.zone_names(beyond)}};
      if (deleting) {
        out.error(p.pos, {"rights.zones.delete", std::move(params)});
      } else {
        params.emplace_back("allowed", settings.zone_names(allowed));
        out.error(p.pos, {"rights.zones.save", std::move(params)});
      }
    }
    if (p.priority >= 90 && caller.account.role != Role::admin) {
      // Not ?: between consteval codes: that crashes clang 14 (the fuzz preset's compiler).
      if (deleting) {
        out.error(p.pos, {"rights.emergency.delete", {{"programme", p.id}}});
      } else {
        out.error(p.pos, {"rights.emergency.save", {{"programme", p.id}}});
      }
    }
  }
  return out;
}

}  // namespace loa
