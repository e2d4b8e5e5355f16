#include <iostream>

#include "check_online.hpp"
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
  // Online: the relays and input devices as they are now; an address that cannot be reached
  // fails the check as an error in the files does (exit 1).
  const int unreachable = args.online ? check_online(st, std::cout, std::cerr, lang) : 0;
  return c.ok() && unreachable == 0 ? kExitOk : kExitInvalid;
}

}  // namespace loa
