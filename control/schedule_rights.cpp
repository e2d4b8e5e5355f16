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
      out.error(p.pos, "programme '" + p.id + "' airs on " + settings.zone_names(beyond) +
                           ", which your account may not use; " +
                           (deleting ? std::string("ask an admin to delete it")
                                     : "limit its zones to " + settings.zone_names(allowed) +
                                           ", or ask an admin to save it"));
    }
    if (p.priority >= 90 && caller.account.role != Role::admin) {
      out.error(p.pos, "programme '" + p.id + "' has emergency priority, which only an admin may " +
                           (deleting ? "remove; ask an admin to delete it"
                                     : "schedule; give it priority high, or ask an admin to "
                                       "save it"));
    }
  }
  return out;
}

}  // namespace loa
