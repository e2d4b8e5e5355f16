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
  c.diags.print(std::cout);
  const auto& st = c.station;
  std::size_t slots = 0;
  for (const auto& p : st.programmes) slots += p.slots.size();
  std::cerr << args.config.string() << ": " << c.diags.error_count() << " error(s), "
            << c.diags.warning_count() << " warning(s); " << st.programmes.size()
            << " programme(s), " << slots << " slot(s), " << st.playlists.size() << " playlist(s), "
            << c.clips.size() << " clip(s) in " << st.files.size() << " file(s)\n";
  return c.ok() ? kExitOk : kExitInvalid;
}

}  // namespace loa
