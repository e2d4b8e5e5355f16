#include "loa/as_run.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "loa/live_sound.hpp"

namespace loa {

void write_as_run(std::ostream& out, const Station& station,
                  const std::vector<PlannedBroadcast>& plan, UtcTime from, UtcTime to,
                  const FailureOf& failure) {
  const date::time_zone* zone = station.settings.zone;
  for (std::size_t b = 0; b < plan.size(); ++b) {
    const auto& [broadcast, outcome] = plan[b];
    nlohmann::json common = {{"programme", broadcast.programme->id},
                             {"reference", broadcast.programme->reference},
                             {"scheduled", format_iso(broadcast.scheduled, zone)},
                             {"zones", nlohmann::json::parse("[]")},
                             {"priority", broadcast.priority}};
    for (std::size_t i = 0; i < station.settings.zones.size(); ++i) {
      if (((broadcast.zones >> i) & 1U) != 0)
        common["zones"].push_back(station.settings.zones[i].id);
    }
    if (outcome.status == BroadcastStatus::missed) {
      if (broadcast.scheduled < from || broadcast.scheduled >= to) continue;
      nlohmann::json j = common;
      j["status"] = "missed";
      out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      continue;
    }
    for (std::size_t a = 0; a < outcome.aired.size(); ++a) {
      const AiredItem& stretch = outcome.aired[a];
      if (stretch.end < from || stretch.start >= to) continue;
      const BroadcastItem& item = broadcast.items[stretch.item];
      nlohmann::json j = common;
      j["kind"] = item_kind_name(item.kind);
      j["path"] = item.path();
      j["start"] = format_iso(stretch.start, zone);
      j["end"] = format_iso(stretch.end, zone);
      const std::string reason = failure(b, a);
      if (!reason.empty()) {
        j["status"] = "failed";
        j["reason"] = reason;
      } else {
        j["status"] = stretch.cut ? "cut" : "aired";
      }
      if (item.is_live() && reason.empty()) {
        // A render cannot wait for a live stream: what is heard in its place is its fallback.
        j["reason"] = std::string(item_kind_name(item.kind)) + " rendered as its fallback (" +
                      fallback_name(*item.clip) + ")";
        j["fallback"] = fallback_name(*item.clip);
      }
      out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
  }
}

}  // namespace loa
