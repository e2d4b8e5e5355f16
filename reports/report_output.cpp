#include "loa/report_output.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "loa/report_cells.hpp"
#include "loa/text_columns.hpp"

namespace loa {

namespace {

constexpr const char* kNoReference = "(none)";

Micros zone_time(const AirTally& t, const std::string& zone) {
  const auto it = t.zones.find(zone);
  return it == t.zones.end() ? Micros{0} : it->second;
}

// ---------------------------------------------------------------------------------------------
// Text.

void print_table(std::ostream& out, const std::string& heading, const std::vector<ReportRow>& rows,
                 const Report& report, bool programmes, Language lang) {
  const auto key = [&](const ReportRow& r) {
    if (programmes) return r.programme;
    return r.reference.empty() ? std::string(kNoReference) : r.reference;
  };
  std::size_t key_width = display_width(heading);
  for (const auto& r : rows) key_width = std::max(key_width, display_width(key(r)));

  std::vector<std::string> heads;
  for (const MessageCode code : {MessageCode{"report.planned"}, MessageCode{"report.aired"},
                                 MessageCode{"report.missed"}, MessageCode{"report.interrupted"},
                                 MessageCode{"report.failed"}, MessageCode{"report.airtime"}}) {
    heads.push_back(Message{code}.text(lang));
  }
  // Only for a station that relays or takes inputs: the others' report reads as before.
  const bool live = report.total.live.count() > 0;
  if (live) {
    heads.push_back(Message{"report.live"}.text(lang));
    heads.push_back(Message{"report.dead_air"}.text(lang));
  }
  for (const auto& z : report.zones) heads.push_back(z);
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    const AirTally& t = r.tally;
    cells.push_back({std::to_string(t.planned), std::to_string(t.aired), std::to_string(t.missed),
                     std::to_string(t.interrupted), std::to_string(t.failed), hms(t.airtime)});
    if (live) {
      cells.back().push_back(hms(t.live));
      cells.back().push_back(hms(t.dead_air));
    }
    for (const auto& z : report.zones) cells.back().push_back(hms(zone_time(t, z)));
  }
  std::vector<std::size_t> widths;
  for (const auto& h : heads) widths.push_back(display_width(h));
  for (const auto& line : cells) {
    for (std::size_t c = 0; c < line.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(line[c]));
    }
  }
  const auto print = [&](const std::string& first, const std::vector<std::string>& line,
                         const std::string& last) {
    std::string text = pad_right(first, key_width);
    for (std::size_t c = 0; c < line.size(); ++c) text += "  " + pad_left(line[c], widths[c]);
    if (!last.empty()) text += "  " + last;
    out << text << '\n';
  };
  print(heading, heads, programmes ? Message{"report.title"}.text(lang) : "");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    print(key(rows[i]), cells[i], programmes ? rows[i].title : "");
  }
}

// ---------------------------------------------------------------------------------------------
// JSON.

nlohmann::json json_of(const AirTally& t, const Report& report) {
  auto zones = nlohmann::json::object();
  for (const auto& z : report.zones) zones[z] = seconds(zone_time(t, z));
  return {{"planned", t.planned},
          {"aired", t.aired},
          {"missed", t.missed},
          {"interrupted", t.interrupted},
          {"failed", t.failed},
          {"playing", t.playing},
          {"airtime_seconds", seconds(t.airtime)},
          {"live_seconds", seconds(t.live)},
          {"dead_air_seconds", seconds(t.dead_air)},
          {"zones", std::move(zones)}};
}

}  // namespace

void print_report_text(std::ostream& out, const ReportPeriod& period, const Report& report,
                       Language lang) {
  const AirTally& t = report.total;
  out << period.station << '\n'
      << Message{"report.period",
                 {{"from", format_date(period.from)},
                  {"to", format_date(period.to)},
                  {"timezone", period.timezone}}}
             .text(lang)
      << '\n';
  if (t.planned == 0) {
    out << Message{"report.nothing"}.text(lang) << '\n';
    return;
  }
  out << Message{"report.totals",
                 {{"planned", t.planned},
                  {"aired", t.aired},
                  {"missed", t.missed},
                  {"interrupted", t.interrupted},
                  {"failed", t.failed}}}
             .text(lang);
  if (t.playing > 0) out << Message{"report.totals.playing", {{"playing", t.playing}}}.text(lang);
  out << Message{"report.totals.airtime", {{"airtime", hms(t.airtime)}}}.text(lang) << "\n\n";
  print_table(out, Message{"report.programme"}.text(lang), report.programmes, report, true, lang);
  out << '\n';
  print_table(out, Message{"report.reference"}.text(lang), report.references, report, false, lang);
}

void print_report_csv(std::ostream& out, const Report& report, Language lang) {
  out << kCsvByteOrderMark;
  std::vector<std::string> head;
  for (const MessageCode code :
       {MessageCode{"report.csv.kind"}, MessageCode{"report.csv.programme"},
        MessageCode{"report.csv.title"}, MessageCode{"report.csv.reference"},
        MessageCode{"report.csv.planned"}, MessageCode{"report.csv.aired"},
        MessageCode{"report.csv.missed"}, MessageCode{"report.csv.interrupted"},
        MessageCode{"report.csv.failed"}, MessageCode{"report.csv.airtime_seconds"}}) {
    head.push_back(Message{code}.text(lang));
  }
  for (const auto& z : report.zones)
    head.push_back(Message{"report.csv.zone_seconds", {{"zone", z}}}.text(lang));
  // Added after the zones, so that the columns spreadsheets already read keep their places.
  head.push_back(Message{"report.csv.live_seconds"}.text(lang));
  head.push_back(Message{"report.csv.dead_air_seconds"}.text(lang));
  csv_row(out, head);
  const std::string programme = Message{"report.csv.kind.programme"}.text(lang);
  const std::string reference = Message{"report.csv.kind.reference"}.text(lang);
  const auto row = [&](const std::string& kind, const ReportRow& r) {
    const AirTally& t = r.tally;
    std::vector<std::string> fields = {kind,
                                       r.programme,
                                       r.title,
                                       r.reference,
                                       std::to_string(t.planned),
                                       std::to_string(t.aired),
                                       std::to_string(t.missed),
                                       std::to_string(t.interrupted),
                                       std::to_string(t.failed),
                                       std::to_string(whole_seconds(t.airtime))};
    for (const auto& z : report.zones)
      fields.push_back(std::to_string(whole_seconds(zone_time(t, z))));
    fields.push_back(std::to_string(whole_seconds(t.live)));
    fields.push_back(std::to_string(whole_seconds(t.dead_air)));
    csv_row(out, fields);
  };
  for (const auto& r : report.programmes) row(programme, r);
  for (const auto& r : report.references) row(reference, r);
}

void print_report_json(std::ostream& out, const ReportPeriod& period, const Report& report) {
  auto programmes = nlohmann::json::array();
  for (const auto& r : report.programmes) {
    auto j = json_of(r.tally, report);
    j["programme"] = r.programme;
    j["title"] = r.title;
    j["reference"] = r.reference;
    programmes.push_back(std::move(j));
  }
  auto references = nlohmann::json::array();
  for (const auto& r : report.references) {
    auto j = json_of(r.tally, report);
    j["reference"] = r.reference;
    references.push_back(std::move(j));
  }
  const nlohmann::json j = {{"station", period.station},
                            {"timezone", period.timezone},
                            {"from", format_date(period.from)},
                            {"to", format_date(period.to)},
                            {"total", json_of(report.total, report)},
                            {"programmes", std::move(programmes)},
                            {"references", std::move(references)}};
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace loa
