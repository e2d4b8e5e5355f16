// The district's page over real HTTP (docs/district.md, "The district's page"; docs/api.md):
// `loa district --config district.yaml` as a process serves it beside its daemon, with no broker
// to reach (the daemon keeps retrying in the background). Its accounts come from
// `loa user add --district-config`; the status and the report are the CLI's, byte for byte,
// read from a database that DistrictStore::ingest filled as the daemon would.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "loa/district_store.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/loa_process.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// No broker listens on port 1: the daemon's connection is refused at once and retried with a
// growing wait, while the page answers.
const std::string kDistrict = R"(district:
  id: lap-vo
  name: "Huyện Lấp Vò"
  broker: mqtts://127.0.0.1:1
  credentials: district-account.yaml
  database: state/district.db
  key: keys/lap-vo.key
communes:
  - {id: xa-my-an, name: "Xã Mỹ An"}
  - {id: xa-binh-thanh, name: "Xã Bình Thạnh"}
  - {id: xa-hoi-an, name: "Xã Hội An Đông"}
control:
  listen: 127.0.0.1:0
)";

json heartbeat(const std::string& station, UtcTime t) {
  return {{"schema", 1},
          {"station", station},
          {"state", "up"},
          {"time", format_wire_time(t)},
          {"version", "0.1.0"},
          {"on_air", json::array()},
          {"next", nullptr},
          {"last_error", ""},
          {"free_disk_bytes", 1000000},
          {"clock_offset_ms", 3},
          {"campaigns", {{{"campaign", "lua-dao"}, {"version", 1}}}}};
}

json as_run_row(std::int64_t seq, const std::string& scheduled, const std::string& status) {
  const UtcTime s = *parse_wire_time(scheduled);
  json r = {{"seq", seq},       {"broadcast", seq},       {"programme", "campaign/lua-dao/lua-dao"},
            {"slot", 0},        {"scheduled", scheduled}, {"title", "Cảnh giác lừa đảo qua mạng"},
            {"reference", ""},  {"zones", {"ap-1"}},      {"priority", 50},
            {"start", nullptr}, {"end", nullptr},         {"status", status},
            {"reason", ""}};
  if (status != "missed") {
    r["start"] = scheduled;
    r["end"] = format_wire_time(s + std::chrono::seconds(90));
  }
  return r;
}

class DistrictPage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::signal(SIGPIPE, SIG_IGN);
    dir_ = new test::TempDir();
    dir_->write("district.yaml", kDistrict);
    dir_->write("ca.pem", "not used: no broker answers\n");
    const auto account =
        dir_->write("district-account.yaml", "user: district-lap-vo\npassword: pw\nca: ca.pem\n");
    ::chmod(account.c_str(), 0600);
    dir_->write("pw.txt", "secret-pw-10\n");
    const auto r = test::run_cli(
        LOA_BINARY, "user add chi --role viewer --district-config district.yaml <pw.txt", *dir_);
    ASSERT_EQ(r.exit, 0) << r.err;
    ASSERT_NE(r.out.find("district's page"), std::string::npos) << r.out;
    seed();
    office_ = new test::LoaProcess(LOA_BINARY, *dir_, {"district", "--config", "district.yaml"},
                                   "office");
    ASSERT_TRUE(office_->wait_for("the district's page on http://127.0.0.1:", 20s))
        << office_->err();
    const std::string err = office_->err();
    port_ = std::stoi(err.substr(err.find("http://127.0.0.1:") + 17));
  }
  static void TearDownTestSuite() {
    delete office_;
    delete dir_;
  }

  // Stations' messages, through the store's own ingest, as the daemon stores them.
  static void seed() {
    DistrictStore store(*dir_ / "state/district.db", "lap-vo");
    const auto t = std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
    const auto ingest = [&](const std::string& station, const std::string& kind, const json& j,
                            UtcTime received) {
      store.ingest("loa/lap-vo/stations/" + station + "/" + kind, j.dump(), received);
    };
    ingest("xa-my-an", "health", heartbeat("xa-my-an", t), t);
    ingest("xa-binh-thanh", "health", heartbeat("xa-binh-thanh", t - 10min), t - 10min);
    ingest("xa-my-an", "as-run",
           {{"schema", 1},
            {"station", "xa-my-an"},
            {"rows",
             {as_run_row(1, "2027-02-01T23:00:00Z", "aired"),
              as_run_row(2, "2027-02-03T23:00:00Z", "missed")}}},
           t);
  }

  static httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }
  static httplib::Headers login() {
    auto c = client();
    const auto res =
        c.Post("/api/login", json{{"name", "chi"}, {"password", "secret-pw-10"}}.dump(),
               "application/json");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << res->body;
    const json j = json::parse(res->body);
    EXPECT_EQ(j.at("office"), "district");
    EXPECT_EQ(j.at("district").at("name"), "Huyện Lấp Vò");
    const std::string set = res->get_header_value("Set-Cookie");
    return {{"Cookie", set.substr(0, set.find(';'))}};
  }
  static test::CliResult cli(const std::string& args) {
    return test::run_cli(LOA_BINARY, args, *dir_);
  }

  static test::TempDir* dir_;
  static test::LoaProcess* office_;
  static int port_;
};

test::TempDir* DistrictPage::dir_ = nullptr;
test::LoaProcess* DistrictPage::office_ = nullptr;
int DistrictPage::port_ = 0;

TEST_F(DistrictPage, NothingIsShownWithoutLoggingIn) {
  auto c = client();
  for (const char* path :
       {"/api/district/status", "/api/district/report?from=2027-01-01", "/api/session"}) {
    const auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(json::parse(res->body).at("code"), "api.login_first") << path;
  }
  const auto wrong = c.Post("/api/login", json{{"name", "chi"}, {"password", "wrong-pw-10"}}.dump(),
                            "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  // The page itself is public (it holds no data), the same page as a station's.
  const auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("screen-district"), std::string::npos);
}

TEST_F(DistrictPage, StatusIsTheCommandLinesWhileTheBrokerIsAway) {
  const auto h = login();
  auto c = client();
  const auto res = c.Get("/api/district/status", h);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json api = json::parse(res->body);
  const auto r = cli("district status --config district.yaml --json");
  ASSERT_EQ(r.exit, 0) << r.err;
  json mine = json::parse(r.out);
  // Taken a moment apart: the clock is the only difference.
  api.erase("time");
  mine.erase("time");
  EXPECT_EQ(api, mine);
  const auto& communes = api.at("communes");
  ASSERT_EQ(communes.size(), 3u);
  EXPECT_EQ(communes[0].at("name"), "Xã Mỹ An");
  EXPECT_EQ(communes[0].at("state"), "up");
  EXPECT_EQ(communes[1].at("state"), "silent");
  EXPECT_EQ(communes[2].at("state"), "unknown");
  // The daemon has been retrying its broker all along, and still runs.
  EXPECT_FALSE(office_->wait(0ms).has_value()) << office_->err();
}

TEST_F(DistrictPage, ReportIsTheCommandLinesInJsonAndCsv) {
  const auto h = login();
  auto c = client();
  auto res = c.Get("/api/district/report?from=2027-01-01&to=2027-06-30&format=json", h);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const auto r =
      cli("district report --config district.yaml --from 2027-01-01 --to 2027-06-30 "
          "--format json");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(res->body, r.out);
  const json j = json::parse(res->body);
  EXPECT_EQ(j.at("total").at("aired"), 1);
  EXPECT_EQ(j.at("total").at("missed"), 1);

  res = c.Get("/api/district/report?from=2027-01-01&to=2027-06-30&format=csv&lang=vi", h);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(res->body.starts_with("\xEF\xBB\xBF")) << "a BOM, so that spreadsheets read UTF-8";
  EXPECT_NE(res->body.find("Xã Mỹ An"), std::string::npos) << res->body;
  EXPECT_NE(res->get_header_value("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_NE(res->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
}

TEST_F(DistrictPage, BadDaysAreRefusedWithAClearMessage) {
  const auto h = login();
  auto c = client();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/api/district/report?from=2027-13-01", "district.report.bad_day"},
      {"/api/district/report?from=2027-01-01&to=yesterday", "district.report.bad_day"},
      {"/api/district/report?to=2027-01-01", "district.report.no_from"},
      {"/api/district/report?from=2027-06-30&to=2027-01-01", "district.report.order"},
      {"/api/district/report?from=2027-01-01&format=xls", "district.report.format"},
  };
  for (const auto& [path, code] : cases) {
    const auto res = c.Get(path, h);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 400) << path;
    const json j = json::parse(res->body);
    EXPECT_EQ(j.at("code"), code) << path;
  }
  const auto res = c.Get("/api/district/report?from=2027-13-01", h);
  EXPECT_EQ(json::parse(res->body).at("error"),
            "from: '2027-13-01' is not a day; write YYYY-MM-DD, for example 2027-01-01");
}

TEST_F(DistrictPage, AccountsAreTheDistrictsOwn) {
  const auto r = cli("user list --district-config district.yaml");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("chi"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("viewer"), std::string::npos) << r.out;
  const auto zones =
      cli("user add ba --role viewer --zones cho --district-config district.yaml "
          "<pw.txt");
  EXPECT_EQ(zones.exit, 2) << zones.err;
  EXPECT_NE(zones.err.find("no zones"), std::string::npos) << zones.err;
  const auto neither = cli("user list");
  EXPECT_EQ(neither.exit, 2) << neither.err;
  EXPECT_NE(neither.err.find("--district-config"), std::string::npos) << neither.err;
}

TEST_F(DistrictPage, AnAddressItCannotListenOnStopsTheOfficeWithTheReason) {
  auto r = cli("district --config district.yaml --listen 127.0.0.1:" + std::to_string(port_));
  EXPECT_EQ(r.exit, 1) << r.err;
  EXPECT_NE(
      r.err.find("cannot listen on 127.0.0.1:" + std::to_string(port_) + ": the port is in use"),
      std::string::npos)
      << r.err;
  r = cli("district --config district.yaml --listen somewhere");
  EXPECT_EQ(r.exit, 1) << r.err;
  EXPECT_NE(r.err.find("give ADDRESS:PORT"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace loa
