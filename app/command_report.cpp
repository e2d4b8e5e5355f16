#include <iostream>

#include "command_log.hpp"
#include "command_support.hpp"
#include "commands.hpp"
#include "loa/report_output.hpp"

namespace loa {

namespace {

constexpr int kMaxDays = 366 * 5;  // as for every window a command takes

std::optional<Date> date_argument(const std::string& text, const char* name) {
  std::string why;
  auto d = parse_date(text, why);
  if (!d) std::cerr << "loa report: " << name << ": " << why << '\n';
  return d;
}

}  // namespace

int run_report(const ReportArgs& args) {
  const auto station = station_for_journal(args.config, "loa report");
  if (!station) return kExitInvalid;
  const auto from = date_argument(args.from, "--from");
  if (!from) return kExitUsage;
  const auto to = args.to.empty() ? from : date_argument(args.to, "--to");
  if (!to) return kExitUsage;
  const date::local_days first{*from};
  const date::local_days last{*to};
  if (last < first) {
    std::cerr << "loa report: --to is before --from (both days are included)\n";
    return kExitUsage;
  }
  if ((last - first).count() >= kMaxDays) {
    std::cerr << "loa report: the period is longer than 5 years; choose a shorter one\n";
    return kExitUsage;
  }
  const auto journal = open_journal_read_only(station->settings, "loa report");
  if (!journal) return kExitInvalid;

  // Whole local days, so a period across a daylight-saving change still ends at midnight.
  const date::time_zone* zone = station->settings.zone;
  const auto broadcasts =
      journal->broadcasts(resolve_local(first, zone), resolve_local(last + date::days{1}, zone));
  const Report report = make_report(broadcasts, station->settings.zone_ids());
  const std::string name =
      station->settings.name.empty() ? args.config.stem().string() : station->settings.name;
  const ReportPeriod period{name, station->settings.timezone, *from, *to};
  if (args.format == "csv") {
    print_report_csv(std::cout, report, language_from_environment());
  } else if (args.format == "json") {
    print_report_json(std::cout, period, report);
  } else {
    print_report_text(std::cout, period, report, language_from_environment());
  }
  return kExitOk;
}

}  // namespace loa
