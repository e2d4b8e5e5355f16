#include "command_log.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "command_support.hpp"
#include "commands.hpp"
#include "loa/log_output.hpp"
#include "loa/time_window.hpp"

namespace loa {

int run_log(const LogArgs& args) {
  const auto station = station_for_journal(args.config, "loa log");
  if (!station) return kExitInvalid;
  const date::time_zone* zone = station->settings.zone;
  const auto window = parse_time_window(args.from, args.to, zone, "loa log");
  if (!window) return kExitUsage;
  const auto journal = open_journal_read_only(station->settings, "loa log");
  if (!journal) return kExitInvalid;
  if (args.actions) {
    for (const auto& a : journal->actions(window->from, window->to)) {
      if (args.json) {
        const nlohmann::json j = {
            {"time", format_iso(a.t, zone)}, {"who", a.who}, {"from", a.from}, {"what", a.what}};
        std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      } else {
        std::cout << format_iso(a.t, zone).substr(0, 19) << "  " << a.who << " (" << a.from
                  << "): " << a.what << '\n';
      }
    }
    return kExitOk;
  }
  const auto list = journal->broadcasts(window->from, window->to);
  if (args.json) {
    for (const auto& b : list) {
      std::cout << log_json(b, zone).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << '\n';
    }
  } else {
    print_log_text(std::cout, *station, list);
  }
  return kExitOk;
}

}  // namespace loa
