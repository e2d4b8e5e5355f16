#include <iostream>

#include "command_support.hpp"
#include "commands.hpp"
#include "loa/checked_station.hpp"
#include "loa/plan_output.hpp"
#include "loa/planner.hpp"

namespace loa {

int run_plan(const PlanArgs& args) {
  CheckOptions options;
  options.date_warnings = false;
  options.command_problems_are_errors = false;
  CheckedStation c = check_station(args.config, options);
  if (!c.ok()) {
    c.diags.print(std::cerr, language_from_environment());
    std::cerr << "loa plan: the station has errors; fix them (loa check --config "
              << args.config.string() << ") and plan again\n";
    return kExitInvalid;
  }
  if (!args.to.empty() && args.days > 0) {
    std::cerr << "loa plan: give --to or --days, not both\n";
    return kExitUsage;
  }
  auto window = parse_time_window(args.from, args.to, c.station.settings.zone, "loa plan");
  if (!window) return kExitUsage;
  if (args.days > 0) {
    // Whole local days, so a window across a daylight-saving change still ends at midnight.
    const date::time_zone* zone = c.station.settings.zone;
    const Date first = local_date(window->from, zone);
    window->to = resolve_local(date::local_days{first} + date::days{args.days}, zone);
  }
  // Rotating and shuffled playlists go on from where the journal says they stand, as in loa run.
  std::string problem;
  const PlanStart start =
      plan_start(c.station.settings,
                 std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now()), problem);
  if (!problem.empty()) std::cerr << "loa plan: note: " << problem << '\n';
  const auto broadcasts = plan(c.station, c.lengths(), window->from, window->to, start);
  if (args.json) {
    print_plan_json(std::cout, c.station, broadcasts);
  } else {
    print_plan_text(std::cout, c.station, broadcasts, args.items);
  }
  return kExitOk;
}

}  // namespace loa
