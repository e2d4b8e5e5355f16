#include "loa/district_report.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "loa/report_cells.hpp"
#include "loa/station_time.hpp"
#include "loa/text_columns.hpp"

namespace loa {

DistrictReport district_report_for(const DistrictConfig& config, DistrictStore& store, Date from,
                                   Date to) {
  const date::local_days first{from};
  const date::local_days last{to};
  const auto counts = store.campaign_counts(resolve_local(first, config.zone),
                                            resolve_local(last + date::days{1}, config.zone));
  return make_district_report(config, store.campaigns(), counts, from, to);
}

DistrictReport make_district_report(const DistrictConfig& config,
                                    const std::vector<PushedCampaign>& pushed,
                                    const std::vector<AsRunCount>& counts, Date from, Date to) {
  DistrictReport r{config.id, config.name, config.timezone, from, to, {}, {}};
  std::map<std::string, DistrictReportCampaign> campaigns;
  const std::string first = format_date(from);
  const std::string last = format_date(to);
  for (const auto& p : pushed) {
    if (p.valid_until < first || p.valid_from > last) continue;  // YYYY-MM-DD sorts as dates
    campaigns[p.campaign].campaign = p.campaign;
  }
  for (const auto& c : counts) campaigns[c.campaign].campaign = c.campaign;
  for (auto& [id, c] : campaigns) {
    for (const auto& p : pushed) {
      if (p.campaign != id) continue;
      c.version = p.version;
      c.valid_from = p.valid_from;
      c.valid_until = p.valid_until;
      for (const auto& s : p.slots) {
        if (c.title.empty()) c.title = s.title;
      }
    }
    for (const auto& commune : config.communes)
      c.communes.push_back({commune.id, commune.name, true, {}});
  }
  std::map<std::pair<std::string, std::string>, DistrictReportRow> unlisted;
  for (const auto& n : counts) {
    DistrictReportCampaign& c = campaigns[n.campaign];
    const auto status = parse_air_status(n.status).value_or(AirStatus::playing);
    const int broadcasts = static_cast<int>(n.broadcasts);
    DistrictReportRow* row = nullptr;
    for (auto& x : c.communes) {
      if (x.commune == n.station) row = &x;
    }
    if (row == nullptr) {
      row = &unlisted[{n.campaign, n.station}];
      row->commune = n.station;
      row->name = n.station;
      row->listed = false;
    }
    row->tally.add(status, broadcasts, n.airtime);
    c.total.add(status, broadcasts, n.airtime);
    r.total.add(status, broadcasts, n.airtime);
  }
  for (auto& [key, row] : unlisted) campaigns[key.first].communes.push_back(std::move(row));
  for (auto& [id, c] : campaigns) r.campaigns.push_back(std::move(c));
  return r;
}

namespace {

nlohmann::json tally_json(const AirTally& t) {
  return {{"planned", t.planned},
          {"aired", t.aired},
          {"missed", t.missed},
          {"interrupted", t.interrupted},
          {"failed", t.failed},
          {"playing", t.playing},
          {"airtime_seconds", seconds(t.airtime)}};
}

std::string totals_line(const AirTally& t, Language lang) {
  std::string line = Message{
      "report.totals",
      {{"planned", t.planned},
       {"aired", t.aired},
       {"missed", t.missed},
       {"interrupted", t.interrupted},
       {"failed",
        t.failed}}}.text(lang);
  if (t.playing > 0) line += Message{"report.totals.playing", {{"playing", t.playing}}}.text(lang);
  return line + Message{"report.totals.airtime", {{"airtime", hms(t.airtime)}}}.text(lang);
}

std::string commune_label(const DistrictReportRow& row, Language lang) {
  std::string label = row.name == row.commune ? row.commune : row.name + " (" + row.commune + ")";
  if (!row.listed) label += Message{"district_status.not_listed"}.text(lang);
  return label;
}

}  // namespace

void print_district_report_text(std::ostream& out, const DistrictReport& r, Language lang) {
  out << (r.name.empty() ? r.district : r.name + " (" + r.district + ")") << '\n'
      << Message{"district_report.period",
                 {{"from", format_date(r.from)},
                  {"to", format_date(r.to)},
                  {"timezone", r.timezone}}}
             .text(lang)
      << '\n';
  if (r.campaigns.empty()) {
    out << Message{"district_report.nothing"}.text(lang) << '\n';
    return;
  }
  std::vector<std::string> heads{Message{"district_report.commune"}.text(lang)};
  for (const MessageCode code : {MessageCode{"report.planned"}, MessageCode{"report.aired"},
                                 MessageCode{"report.missed"}, MessageCode{"report.interrupted"},
                                 MessageCode{"report.failed"}, MessageCode{"report.airtime"}}) {
    heads.push_back(Message{code}.text(lang));
  }
  for (const auto& c : r.campaigns) {
    out << '\n';
    if (c.version == 0) {
      out << Message{"district_report.campaign.not_pushed", {{"campaign", c.campaign}}}.text(lang);
    } else {
      out << Message{"district_report.campaign",
                     {{"campaign", c.campaign},
                      {"title", c.title.empty() ? std::string() : " \"" + c.title + "\""},
                      {"version", c.version},
                      {"from", c.valid_from},
                      {"to", c.valid_until}}}
                 .text(lang);
    }
    out << '\n' << totals_line(c.total, lang) << '\n';
    std::vector<std::vector<std::string>> lines{heads};
    for (const auto& row : c.communes) {
      const AirTally& t = row.tally;
      lines.push_back({commune_label(row, lang), std::to_string(t.planned), std::to_string(t.aired),
                       std::to_string(t.missed), std::to_string(t.interrupted),
                       std::to_string(t.failed), hms(t.airtime)});
    }
    std::vector<std::size_t> widths(heads.size(), 0);
    for (const auto& line : lines) {
      for (std::size_t i = 0; i < line.size(); ++i)
        widths[i] = std::max(widths[i], display_width(line[i]));
    }
    for (const auto& line : lines) {
      std::string text = pad_right(line[0], widths[0]);
      for (std::size_t i = 1; i < line.size(); ++i) text += "  " + pad_left(line[i], widths[i]);
      out << text << '\n';
    }
  }
}

void print_district_report_csv(std::ostream& out, const DistrictReport& r, Language lang) {
  out << kCsvByteOrderMark;
  std::vector<std::string> head;
  for (const MessageCode code :
       {MessageCode{"district_report.csv.campaign"}, MessageCode{"district_report.csv.version"},
        MessageCode{"district_report.csv.commune"}, MessageCode{"district_report.csv.commune_name"},
        MessageCode{"report.csv.planned"}, MessageCode{"report.csv.aired"},
        MessageCode{"report.csv.missed"}, MessageCode{"report.csv.interrupted"},
        MessageCode{"report.csv.failed"}, MessageCode{"report.csv.airtime_seconds"}}) {
    head.push_back(Message{code}.text(lang));
  }
  csv_row(out, head);
  for (const auto& c : r.campaigns) {
    for (const auto& row : c.communes) {
      const AirTally& t = row.tally;
      csv_row(out, {c.campaign, c.version == 0 ? std::string() : std::to_string(c.version),
                    row.commune, row.name, std::to_string(t.planned), std::to_string(t.aired),
                    std::to_string(t.missed), std::to_string(t.interrupted),
                    std::to_string(t.failed), std::to_string(whole_seconds(t.airtime))});
    }
  }
}

void print_district_report_json(std::ostream& out, const DistrictReport& r) {
  auto campaigns = nlohmann::json::array();
  for (const auto& c : r.campaigns) {
    auto communes = nlohmann::json::array();
    for (const auto& row : c.communes) {
      auto j = tally_json(row.tally);
      j["commune"] = row.commune;
      j["name"] = row.name;
      j["listed"] = row.listed;
      communes.push_back(std::move(j));
    }
    campaigns.push_back(
        {{"campaign", c.campaign},
         {"version", c.version == 0 ? nlohmann::json(nullptr) : nlohmann::json(c.version)},
         {"title", c.title},
         {"valid_from", c.valid_from},
         {"valid_until", c.valid_until},
         {"total", tally_json(c.total)},
         {"communes", std::move(communes)}});
  }
  const nlohmann::json j = {{"district", r.district},           {"name", r.name},
                            {"timezone", r.timezone},           {"from", format_date(r.from)},
                            {"to", format_date(r.to)},          {"total", tally_json(r.total)},
                            {"campaigns", std::move(campaigns)}};
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace loa
