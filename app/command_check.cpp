#include <iostream>

#include "commands.hpp"
#include "loa/checked_station.hpp"
#include "loa/station_time.hpp"

namespace loa {

int run_check(const CheckArgs& args) {
  std::optional<Date> today;
  if (!args.today.empty()) {
    std::string why;
    today = parse_date(args.today, why);
    if (!today) {
      std::cerr << "loa check: --today: " << why << '\n';
      return kExitUsage;
    }
  }
  CheckOptions options;
  options.today = today;
  CheckedStation c = check_station(args.config, options);
  const Language lang = language_from_environment();
  c.diags.print(std::cout, lang);
  const auto& st = c.station;
  std::size_t slots = 0;
  for (const auto& p : st.programmes) slots += p.slots.size();
  std::cerr << args.config.string() << ": "
            << Message{"check.summary",
                       {{"errors", c.diags.error_count()},
                        {"warnings", c.diags.warning_count()},
                        {"programmes", st.programmes.size()},
                        {"slots", slots},
                        {"playlists", st.playlists.size()},
                        {"clips", c.clips.size()},
                        {"files", st.files.size()}}}
                   .text(lang)
            << '\n';
  return c.ok() ? kExitOk : kExitInvalid;
}

}  // namespace loa
