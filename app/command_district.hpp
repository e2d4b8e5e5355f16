#pragma once
// The district office's commands (issue 13): push a campaign, the communes' status, the report.

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
};
int run_district_push(const DistrictArgs& args);
int run_district_status(const DistrictArgs& args);
int run_district_report(const DistrictArgs& args);

}  // namespace loa
