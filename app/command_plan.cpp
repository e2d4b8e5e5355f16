#include <iostream>

#include "checked_station.hpp"
#include "commands.hpp"
#include "loa/planner.hpp"
#include "plan_output.hpp"

namespace loa {

namespace {

std::optional<UtcTime> time_argument(const std::string& text, const char* name,
                                     const date::time_zone* zone) {
  std::string why;
  auto t = parse_time_argument(text, zone, why);
  if (!t) std::cerr << "loa plan: " << name << ": " << why << '\n';
  return t;
}

}  // namespace

int run_plan(const PlanArgs& args) {
  CheckOptions options;
  options.date_warnings = false;
  CheckedStation c = check_station(args.config, options);
  if (!c.ok()) {
    c.diags.print(std::cerr);
    std::cerr << "loa plan: the station has errors; fix them (loa check --config "
              << args.config.string() << ") and plan again\n";
    return kExitInvalid;
  }
  const date::time_zone* zone = c.station.settings.zone;
  UtcTime from;
  if (args.from.empty()) {
    const auto now = std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
    from = resolve_local(date::local_days{local_date(now, zone)}, zone);
  } else if (auto t = time_argument(args.from, "--from", zone)) {
    from = *t;
  } else {
    return kExitUsage;
  }
  UtcTime to = from + std::chrono::hours(24);
  if (!args.to.empty()) {
    auto t = time_argument(args.to, "--to", zone);
    if (!t) return kExitUsage;
    to = *t;
  }
  if (to <= from) {
    std::cerr << "loa plan: --to must be after --from\n";
    return kExitUsage;
  }
  if (to - from > std::chrono::hours(24 * 366 * 5)) {
    std::cerr << "loa plan: the window is longer than 5 years; plan a shorter one\n";
    return kExitUsage;
  }
  const auto broadcasts = plan(c.station, c.lengths(), from, to);
  if (args.json) {
    print_plan_json(std::cout, c.station, broadcasts);
  } else {
    print_plan_text(std::cout, c.station, broadcasts, args.items);
  }
  return kExitOk;
}

}  // namespace loa
