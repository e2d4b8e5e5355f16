#pragma once

#include <iosfwd>
#include <string>

#include "loa/report.hpp"
#include "loa/values.hpp"

namespace loa {

struct ReportPeriod {
  std::string station;   // its name
  std::string timezone;  // IANA name
  Date from;
  Date to;  // inclusive
};

// A readable table: a heading naming the station, the period and the totals, then a table per
// programme and one per reference.
void print_report_text(std::ostream& out, const ReportPeriod& period, const Report& report,
                       Language lang = Language::en);

// For spreadsheets: UTF-8 with a byte order mark (so Excel and LibreOffice read Vietnamese right),
// CRLF line ends, RFC 4180 quoting. One row per programme (kind "programme") then per reference
// (kind "reference"). Airtimes are whole seconds, so no decimal separator depends on the locale.
// The headings (and kinds) are English, which other programs parse, unless `lang` asks for
// Vietnamese (LANG=vi_VN.UTF-8).
void print_report_csv(std::ostream& out, const Report& report, Language lang = Language::en);

// One JSON object: station, timezone, from, to, total, programmes, references.
void print_report_json(std::ostream& out, const ReportPeriod& period, const Report& report);

}  // namespace loa
