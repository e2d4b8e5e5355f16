#pragma once

#include <filesystem>
#include <string>

namespace loa {

struct LogArgs {
  std::filesystem::path config;
  std::string from;  // as for plan; empty: today 00:00
  std::string to;    // empty: a day after `from`
  bool json = false;
  bool actions = false;  // the control actions (who changed what) instead of the broadcasts
};

// `loa log`: what the journal recorded for every broadcast scheduled in [from, to): a line per
// broadcast and its items, or one JSON object per line. Exit 1 if there is no journal yet.
int run_log(const LogArgs& args);

struct ReportArgs {
  std::filesystem::path config;
  std::string from;             // a local date, the first day of the report
  std::string to;               // a local date, the last day (inclusive); empty: the same as `from`
  std::string format = "text";  // text, csv or json
};

// `loa report`: per programme and per reference, how many broadcasts were planned, aired, missed,
// interrupted or failed in whole local days [from, to], and their airtime, in total and per zone.
int run_report(const ReportArgs& args);

}  // namespace loa
