#include "loa/plan_output.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "loa/lunar_calendar.hpp"

namespace loa {

namespace {

nlohmann::json optional_time(const std::optional<UtcTime>& t, const date::time_zone* zone) {
  return t ? nlohmann::json(format_iso(*t, zone)) : nlohmann::json(nullptr);
}

nlohmann::json zone_list(const Station& st, ZoneSet set) {
  auto list = nlohmann::json::array();
  for (std::size_t i = 0; i < st.settings.zones.size(); ++i) {
    if ((set >> i) & 1U) list.push_back(st.settings.zones[i].id);
  }
  return list;
}

std::string clock(UtcTime t, const date::time_zone* zone) {
  const auto local = zone->to_local(std::chrono::floor<std::chrono::seconds>(t));
  return date::format("%T", local);
}

std::string length_text(Micros d) {
  return format_duration(std::chrono::round<std::chrono::milliseconds>(
      std::chrono::round<std::chrono::duration<std::int64_t, std::deci>>(d)));
}

// "âm lịch 24/10 Bính Ngọ", "âm lịch 15/2 nhuận Quý Mão": the day's lunar date, as the commune
// counts its days (mùng 1, rằm, Tết).
std::string lunar_text(const Date& d) {
  const LunarDate l = to_lunar(d);
  return "âm lịch " + std::to_string(l.day) + "/" + std::to_string(l.month) +
         (l.leap ? " nhuận " : " ") + lunar_year_name(l.year);
}

}  // namespace

void print_plan_json(std::ostream& out, const Station& st,
                     const std::vector<PlannedBroadcast>& plan) {
  const date::time_zone* zone = st.settings.zone;
  for (const auto& [b, o] : plan) {
    nlohmann::json items = nlohmann::json::array();
    for (const AiredItem& a : o.aired) {
      const BroadcastItem& item = b.items[a.item];
      nlohmann::json j = {{"kind", item_kind_name(item.kind)},
                          {"path", item.path()},
                          {"start", format_iso(a.start, zone)},
                          {"end", format_iso(a.end, zone)}};
      if (a.cut) j["cut"] = true;
      if (item.unreadable) j["unreadable"] = true;
      items.push_back(std::move(j));
    }
    nlohmann::json j = {{"scheduled", format_iso(b.scheduled, zone)},
                        {"lunar", format_lunar_day_month(to_lunar(local_date(b.scheduled, zone)))},
                        {"start", optional_time(o.start, zone)},
                        {"end", optional_time(o.end, zone)},
                        {"programme", b.programme->id},
                        {"title", b.programme->title},
                        {"reference", b.programme->reference},
                        {"slot", b.slot->pos.str()},
                        {"zones", zone_list(st, b.zones)},
                        {"priority", b.priority},
                        {"class", priority_class(b.priority)},
                        {"status", status_name(o.status)},
                        {"items", std::move(items)}};
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
}

void print_plan_text(std::ostream& out, const Station& st,
                     const std::vector<PlannedBroadcast>& plan, bool items) {
  const date::time_zone* zone = st.settings.zone;
  std::optional<Date> day;
  int day_count = 0;
  if (plan.empty()) out << "Nothing is scheduled in this window.\n";
  for (const auto& [b, o] : plan) {
    const Date d = local_date(b.scheduled, zone);
    if (!day || *day != d) {
      day = d;
      out << (day_count++ > 0 ? "\n" : "") << date::format("%A %F", date::sys_days{d}) << "  "
          << lunar_text(d) << "  (" << st.settings.timezone << ")\n";
    }
    std::string when = clock(b.scheduled, zone);
    std::string span =
        o.start ? clock(*o.start, zone) + "-" + clock(*o.end, zone) : "                 ";
    std::string status(status_name(o.status));
    if (o.status == BroadcastStatus::delayed) status += " " + length_text(*o.start - b.scheduled);
    char line[512];
    std::snprintf(line, sizeof line, "  %s  %s  %-9s  %-24s  %-12s  %s", when.c_str(), span.c_str(),
                  std::string(priority_class(b.priority)).c_str(), b.programme->id.c_str(),
                  st.settings.zone_names(b.zones).c_str(), status.c_str());
    out << line << '\n';
    if (!items) continue;
    for (const AiredItem& a : o.aired) {
      const BroadcastItem& item = b.items[a.item];
      out << "      " << clock(a.start, zone) << "  " << item_kind_name(item.kind) << "  "
          << item.path() << "  " << length_text(a.end - a.start) << (a.cut ? "  (cut)" : "")
          << (item.unreadable ? "  (unreadable, skipped)" : "") << '\n';
    }
  }
}

}  // namespace loa
