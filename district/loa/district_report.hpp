#pragma once
// `loa district report`: the six-monthly report over every commune, per campaign and commune
// (docs/district.md, "Report" says precisely what counts). Pure over the store's counts.

#include <iosfwd>
#include <string>
#include <vector>

#include "loa/district_config.hpp"
#include "loa/district_store.hpp"
#include "loa/messages.hpp"
#include "loa/report.hpp"

namespace loa {

struct DistrictReportRow {
  std::string commune;  // the station's id
  std::string name;     // its name on the list ("Xã Mỹ An"); the id when not listed
  bool listed = true;
  AirTally tally;
};

struct DistrictReportCampaign {
  std::string campaign;
  std::uint64_t version = 0;  // the newest pushed; 0 if this office never pushed it
  std::string title;          // its first programme's title
  std::string valid_from;
  std::string valid_until;
  AirTally total;
  std::vector<DistrictReportRow> communes;  // the list's order, then unlisted stations by id
};

struct DistrictReport {
  std::string district;
  std::string name;
  std::string timezone;
  Date from;
  Date to;  // inclusive
  AirTally total;
  std::vector<DistrictReportCampaign> campaigns;  // by id
};

// The campaigns are those with as-run rows in the period and those pushed with a validity window
// that meets it; each lists every commune on the list (zeros for one that journaled none of it)
// and any other station that sent rows for it.
DistrictReport make_district_report(const DistrictConfig& config,
                                    const std::vector<PushedCampaign>& pushed,
                                    const std::vector<AsRunCount>& counts, Date from, Date to);

// The report of the days `from`..`to` (inclusive, the district's time) as the store holds it now:
// what `loa district report` prints and GET /api/district/report answers. Throws
// std::runtime_error on database failures.
DistrictReport district_report_for(const DistrictConfig& config, DistrictStore& store, Date from,
                                   Date to);

void print_district_report_text(std::ostream& out, const DistrictReport& r,
                                Language lang = Language::en);
// UTF-8 with a byte order mark, CRLF, RFC 4180: one row per campaign and commune.
void print_district_report_csv(std::ostream& out, const DistrictReport& r,
                               Language lang = Language::en);
void print_district_report_json(std::ostream& out, const DistrictReport& r);

}  // namespace loa
