#pragma once
// The district office's commands (issue 13): its daemon, push a campaign, the communes' status,
// the report.

#include <filesystem>
#include <string>

namespace loa {

struct DistrictArgs {
  std::filesystem::path config;    // district.yaml
  std::filesystem::path campaign;  // push: a bundle folder (loa sign) or a CAMPAIGN.yaml
  bool json = false;               // status
  std::string from;                // report
  std::string to;
  std::string format = "text";
  std::string listen;  // the daemon's page: ADDR:PORT or off; "": district.yaml's control.listen
};
int run_district_push(const DistrictArgs& args);
int run_district_status(const DistrictArgs& args);
int run_district_report(const DistrictArgs& args);
// `loa district --config district.yaml`: the district daemon (district/loa/district_daemon.hpp)
// and, with control.listen or --listen, the district's page (control/loa/district_server.hpp)
// until SIGINT or SIGTERM; exit 0 when stopped, 1 for a bad district.yaml, credentials or
// database, or a page that cannot listen.
int run_district_daemon_command(const DistrictArgs& args);

}  // namespace loa
