// The district's database at the size issue 13 names: 1,000 stations x 6 months of as-run (about
// 2 million rows), fed through DistrictStore::ingest in the stations' own messages (200 rows each,
// as the daemon receives them), then the six-monthly report over all of it. Prints figures.
//
//   build/release/bench/district_bench [STATIONS [DAYS]]    (default 1000 182)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "loa/district_report.hpp"
#include "loa/district_store.hpp"
#include "loa_test/temp_dir.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A day of one station: 11 broadcasts, 6 of them campaigns (3 campaigns twice a day).
struct Slot {
  int minute;  // local minutes after midnight (UTC+7)
  const char* programme;
};
constexpr Slot kDay[] = {{300, "tin-sang"},
                         {330, "campaign/lua-dao/lua-dao"},
                         {360, "campaign/tiem-chung/tiem-chung"},
                         {390, "thoi-su"},
                         {420, "campaign/an-toan-giao-thong/atgt"},
                         {660, "nhac"},
                         {1020, "campaign/lua-dao/lua-dao"},
                         {1050, "campaign/tiem-chung/tiem-chung"},
                         {1080, "tin-chieu"},
                         {1110, "campaign/an-toan-giao-thong/atgt"},
                         {1140, "thoi-su"}};

}  // namespace

int main(int argc, char** argv) {
  const int stations = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int days = argc > 2 ? std::atoi(argv[2]) : 182;
  loa::test::TempDir dir;
  loa::DistrictConfig config;
  config.id = "lap-vo";
  config.name = "Huyện Lấp Vò";
  config.zone = date::locate_zone("Asia/Ho_Chi_Minh");
  for (int s = 0; s < stations; ++s) {
    config.communes.push_back({"xa-" + std::to_string(s), "Xã số " + std::to_string(s), {}});
  }
  const loa::UtcTime first =
      loa::UtcTime{date::sys_days{date::year{2027} / 1 / 1}} - std::chrono::hours{7};
  loa::DistrictStore store(dir / "district.db", "lap-vo");

  // Ingest: each station's rows in messages of 200, as the daemon would receive them.
  const auto t0 = Clock::now();
  std::int64_t rows = 0;
  std::int64_t messages = 0;
  std::uint64_t bytes = 0;
  double building = 0;
  for (int s = 0; s < stations; ++s) {
    const std::string station = "xa-" + std::to_string(s);
    const std::string topic = "loa/lap-vo/stations/" + station + "/as-run";
    nlohmann::json batch = nlohmann::json::array();
    std::int64_t seq = 0;
    const auto flush = [&] {
      if (batch.empty()) return;
      const auto b0 = Clock::now();
      const std::string payload =
          nlohmann::json{{"schema", 1}, {"station", station}, {"rows", std::move(batch)}}.dump();
      building += since(b0);
      store.ingest(topic, payload, first);
      bytes += payload.size();
      ++messages;
      batch = nlohmann::json::array();
    };
    for (int d = 0; d < days; ++d) {
      for (const Slot& slot : kDay) {
        ++seq;
        const loa::UtcTime at = first + date::days{d} + std::chrono::minutes{slot.minute};
        const int kind = static_cast<int>((seq * 7919 + s) % 100);
        const char* status = kind < 90   ? "aired"
                             : kind < 96 ? "missed"
                             : kind < 99 ? "interrupted"
                                         : "failed";
        nlohmann::json row = {{"seq", seq},
                              {"broadcast", seq},
                              {"programme", slot.programme},
                              {"slot", 0},
                              {"scheduled", loa::format_wire_time(at)},
                              {"title", "Cảnh giác lừa đảo qua mạng"},
                              {"reference", ""},
                              {"zones", {"ap-1", "ap-2"}},
                              {"priority", 50},
                              {"start", nullptr},
                              {"end", nullptr},
                              {"status", status},
                              {"reason", ""}};
        if (status[0] != 'm') {
          row["start"] = loa::format_wire_time(at);
          row["end"] =
              loa::format_wire_time(at + std::chrono::seconds(status[0] == 'a' ? 180 : 40));
        }
        batch.push_back(std::move(row));
        ++rows;
        if (batch.size() == 200) flush();
      }
    }
    flush();
  }
  const double ingest_s = since(t0);
  std::printf(
      "ingest: %lld rows in %lld messages (%.1f MB of JSON) in %.2f s: %.0f rows/s "
      "(%.0f rows/s without making the JSON, %.2f s)\n",
      static_cast<long long>(rows), static_cast<long long>(messages),
      static_cast<double>(bytes) / 1e6, ingest_s, static_cast<double>(rows) / ingest_s,
      static_cast<double>(rows) / (ingest_s - building), building);
  std::printf("store: %lld rows held, %.1f MB on disk\n",
              static_cast<long long>(store.as_run_rows()),
              static_cast<double>(std::filesystem::file_size(dir / "district.db")) / 1e6);

  // The report, as `loa district report` makes it, three times (the first reads a cold cache).
  for (int run = 0; run < 3; ++run) {
    const auto r0 = Clock::now();
    const auto counts = store.campaign_counts(first, first + date::days{days});
    const auto report = loa::make_district_report(
        config, store.campaigns(), counts, date::year{2027} / 1 / 1,
        date::year_month_day{date::sys_days{date::year{2027} / 1 / 1} + date::days{days - 1}});
    const double report_s = since(r0);
    std::printf("report #%d: %zu campaigns x %d communes, %d campaign broadcasts counted, %.3f s\n",
                run + 1, report.campaigns.size(), stations, report.total.planned, report_s);
  }
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("peak RSS: %.1f MB\n", static_cast<double>(u.ru_maxrss) / 1024.0);
  return 0;
}
