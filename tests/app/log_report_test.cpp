// `loa log` and `loa report` run as a process over a journal the test writes itself (as `loa run`
// will), for a station in Hanoi time (+07:00, no daylight saving).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "loa/journal.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using std::chrono::seconds;
using test::json_lines;

const char* kStation = R"(station:
  name: Đài truyền thanh xã Thử Nghiệm
  timezone: Asia/Ho_Chi_Minh
  clips: clips/
  state: state/
zones:
  - {id: ap-1, name: Ấp 1, channel: 1}
  - {id: ap-2, name: Ấp 2, channel: 2}
  - {id: cho, name: Chợ, channel: 3}
programmes:
  - id: sang
    title: Chương trình buổi sáng
    reference: Công văn 12/UBND
    zones: [ap-1, ap-2]
    slots:
      - {at: ["06:00", "17:00"], play: [tin.wav]}
  - id: lu
    priority: emergency
    zones: [ap-1]
    slots:
      - {at: "06:30", dates: [2026-12-01], play: [lu.wav]}
  - id: tiem
    title: Tiêm chủng, phòng dịch
    reference: Kế hoạch 5/TYT
    slots:
      - {at: ["18:00", "07:00"], play: [tiem.wav]}
)";

// A local time in the station's zone (+07:00) on day `d` of December 2026.
UtcTime at(unsigned d, int h, int m = 0) {
  return date::sys_days{date::year{2026} / 12 / d} + std::chrono::hours(h - 7) +
         std::chrono::minutes(m);
}

JournalBroadcast broadcast(const std::string& programme, UtcTime scheduled) {
  JournalBroadcast b;
  b.key = {programme, 0, scheduled};
  if (programme == "sang") {
    b.title = "Chương trình buổi sáng";
    b.reference = "Công văn 12/UBND";
    b.zones = {"ap-1", "ap-2"};
  } else if (programme == "lu") {
    b.zones = {"ap-1"};
    b.priority = 100;
  } else {
    b.title = "Tiêm chủng, phòng dịch";
    b.reference = "Kế hoạch 5/TYT";
    b.zones = {"ap-1", "ap-2", "cho"};
  }
  return b;
}

// Plays items of these lengths (seconds) back to back from `start`; the last one ends as `last`
// (nullopt: still playing, as after a power cut).
std::int64_t air(Journal& j, const JournalBroadcast& b, UtcTime start, std::vector<int> lengths,
                 std::optional<AirStatus> last = AirStatus::aired, const std::string& why = {}) {
  const auto id = j.begin_broadcast(b, start);
  UtcTime t = start;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    JournalItem item;
    item.index = static_cast<int>(i);
    item.kind = i == 0 ? "chime" : "clip";
    item.path = i == 0 ? "builtin" : "tin.wav";
    item.start = t;
    const auto item_id = j.begin_item(id, item);
    t += seconds(lengths[i]);
    const bool is_last = i + 1 == lengths.size();
    if (is_last && !last) break;
    j.end_item(item_id, t, is_last ? *last : AirStatus::aired, is_last ? why : "");
  }
  return id;
}

// The week the tests look at: 1 and 2 December, with a broadcast on each side of them.
void write_journal(const std::filesystem::path& file) {
  Journal j(file);
  j.end_broadcast(air(j, broadcast("sang", at(1, 6) - std::chrono::hours(24)), at(1, 6), {2, 10}),
                  at(1, 6), AirStatus::aired);  // 30 November: outside
  j.end_broadcast(air(j, broadcast("sang", at(1, 6)), at(1, 6), {2, 10}), at(1, 6) + seconds(12),
                  AirStatus::aired);
  j.end_broadcast(air(j, broadcast("lu", at(1, 6, 30)), at(1, 6, 30), {30}),
                  at(1, 6, 30) + seconds(30), AirStatus::aired);
  j.end_broadcast(
      air(j, broadcast("sang", at(1, 17)), at(1, 17), {2, 4}, AirStatus::cut, "emergency lu"),
      at(1, 17) + seconds(6), AirStatus::interrupted, "emergency lu");
  j.record_missed(broadcast("tiem", at(1, 18)), AirStatus::missed, "could not start within 5m");
  j.end_broadcast(
      air(j, broadcast("sang", at(2, 6)), at(2, 6), {0}, AirStatus::failed, "unreadable"), at(2, 6),
      AirStatus::failed, "nothing could be played");
  air(j, broadcast("tiem", at(2, 7)), at(2, 7), {2, 5}, std::nullopt);  // the power went
  j.end_broadcast(air(j, broadcast("sang", at(3, 6)), at(3, 6), {2, 10}), at(3, 6) + seconds(12),
                  AirStatus::aired);  // 3 December: outside
}

class LogReport : public ::testing::Test {
 protected:
  void SetUp() override { dir.write("station.yaml", kStation); }
  test::CliResult run(const std::string& args) { return test::run_cli(LOA_BINARY, args, dir); }
  test::TempDir dir;
};

TEST_F(LogReport, LogJsonHasEveryFieldAndStatus) {
  write_journal(dir / "state/journal.db");
  const auto r = run("log --config station.yaml --from 2026-12-01 --to 2026-12-03 --json");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 6U) << r.out;
  std::vector<std::string> statuses;
  for (const auto& l : lines) statuses.push_back(l["status"]);
  EXPECT_EQ(statuses, (std::vector<std::string>{"aired", "aired", "interrupted", "missed", "failed",
                                                "playing"}));

  const auto& first = lines[0];
  EXPECT_EQ(first["programme"], "sang");
  EXPECT_EQ(first["title"], "Chương trình buổi sáng");
  EXPECT_EQ(first["reference"], "Công văn 12/UBND");
  EXPECT_EQ(first["slot"], 0);
  EXPECT_EQ(first["scheduled"], "2026-12-01T06:00:00.000+07:00");
  EXPECT_EQ(first["start"], "2026-12-01T06:00:00.000+07:00");
  EXPECT_EQ(first["end"], "2026-12-01T06:00:12.000+07:00");
  EXPECT_EQ(first["zones"], (nlohmann::json{"ap-1", "ap-2"}));
  EXPECT_EQ(first["priority"], 50);
  EXPECT_FALSE(first.contains("reason"));
  ASSERT_EQ(first["items"].size(), 2U);
  EXPECT_EQ(first["items"][0], (nlohmann::json{{"kind", "chime"},
                                               {"path", "builtin"},
                                               {"start", "2026-12-01T06:00:00.000+07:00"},
                                               {"end", "2026-12-01T06:00:02.000+07:00"},
                                               {"status", "aired"}}));

  EXPECT_EQ(lines[2]["reason"], "emergency lu");
  EXPECT_EQ(lines[2]["items"][1]["status"], "cut");
  EXPECT_EQ(lines[2]["items"][1]["reason"], "emergency lu");
  EXPECT_EQ(lines[3]["start"], nullptr);
  EXPECT_EQ(lines[3]["end"], nullptr);
  EXPECT_EQ(lines[3]["items"], nlohmann::json::array());
  EXPECT_EQ(lines[3]["reason"], "could not start within 5m");
  EXPECT_FALSE(lines[3].contains("reason_code")) << "a reason loa does not know has no code";
  EXPECT_EQ(lines[5]["end"], nullptr);
  EXPECT_EQ(lines[5]["items"][1]["end"], nullptr);
  EXPECT_EQ(lines[5]["items"][1]["status"], "playing");
}

TEST_F(LogReport, LogShowsOnlyTheWindowByScheduledTime) {
  write_journal(dir / "state/journal.db");
  const auto r =
      run("log --config station.yaml --from 2026-12-01T06:15 --to 2026-12-01T18:00 --json");
  ASSERT_EQ(r.exit, 0) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 2U) << r.out;
  EXPECT_EQ(lines[0]["programme"], "lu");
  EXPECT_EQ(lines[1]["scheduled"], "2026-12-01T17:00:00.000+07:00");
}

TEST_F(LogReport, LogTextIsALinePerBroadcastWithItsItemsBelow) {
  write_journal(dir / "state/journal.db");
  const auto r = run("log --config station.yaml --from 2026-12-01");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out,
            "Tuesday 2026-12-01  (Asia/Ho_Chi_Minh)\n"
            "  06:00:00  06:00:00-06:00:12  aired        sang  ap-1,ap-2      Chương trình buổi "
            "sáng\n"
            "      06:00:00-06:00:02  chime    aired    builtin\n"
            "      06:00:02-06:00:12  clip     aired    tin.wav\n"
            "  06:30:00  06:30:00-06:30:30  aired        lu    ap-1\n"
            "      06:30:00-06:30:30  chime    aired    builtin\n"
            "  17:00:00  17:00:00-17:00:06  interrupted  sang  ap-1,ap-2      Chương trình buổi "
            "sáng  (emergency lu)\n"
            "      17:00:00-17:00:02  chime    aired    builtin\n"
            "      17:00:02-17:00:06  clip     cut      tin.wav  (emergency lu)\n"
            "  18:00:00                     missed       tiem  ap-1,ap-2,cho  Tiêm chủng, phòng "
            "dịch  (could not start within 5m)\n");
}

TEST_F(LogReport, LogDefaultsToToday) {
  {
    Journal j(dir / "state/journal.db");
    const auto now = std::chrono::floor<seconds>(std::chrono::system_clock::now());
    j.record_missed(broadcast("sang", now));
  }
  const auto r = run("log --config station.yaml --json");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(json_lines(r.out).size(), 1U) << r.out;
  EXPECT_EQ(run("log --config station.yaml --from 2020-01-01").out,
            "Nothing was recorded for this window.\n");
}

TEST_F(LogReport, ReportTextNamesStationPeriodAndTotals) {
  write_journal(dir / "state/journal.db");
  const auto r = run("report --config station.yaml --from 2026-12-01 --to 2026-12-02");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Đài truyền thanh xã Thử Nghiệm\n"
                        "What aired from 2026-12-01 to 2026-12-02 (whole days, Asia/Ho_Chi_Minh)\n"
                        "6 broadcast(s) planned: 2 aired, 1 missed, 1 interrupted, 1 failed, 1 "
                        "still playing or cut by a power cut; 0:00:50 on air\n",
                        0),
            0U)
      << r.out;
  EXPECT_NE(
      r.out.find(
          "programme  planned  aired  missed  interrupted  failed  airtime     ap-1     ap-2      "
          "cho  title\n"
          "lu               1      1       0            0       0  0:00:30  0:00:30  0:00:00  "
          "0:00:00\n"
          "sang             3      1       0            1       1  0:00:18  0:00:18  0:00:18  "
          "0:00:00  Chương trình buổi sáng\n"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(none)"), std::string::npos) << r.out;  // lu names no reference
}

TEST_F(LogReport, ReportCsvOpensInASpreadsheet) {
  write_journal(dir / "state/journal.db");
  const auto r = run("report --config station.yaml --from 2026-12-01 --to 2026-12-02 --format csv");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out,
            "\xEF\xBB\xBF"
            "kind,programme,title,reference,planned,aired,missed,interrupted,failed,"
            "airtime_seconds,zone_ap-1_seconds,zone_ap-2_seconds,zone_cho_seconds,live_seconds,"
            "dead_air_seconds\r\n"
            "programme,lu,,,1,1,0,0,0,30,30,0,0,0,0\r\n"
            "programme,sang,Chương trình buổi sáng,Công văn 12/UBND,3,1,0,1,1,18,18,18,0,0,0\r\n"
            "programme,tiem,\"Tiêm chủng, phòng dịch\",Kế hoạch 5/TYT,2,0,1,0,0,2,2,2,2,0,0\r\n"
            "reference,,,Công văn 12/UBND,3,1,0,1,1,18,18,18,0,0,0\r\n"
            "reference,,,Kế hoạch 5/TYT,2,0,1,0,0,2,2,2,2,0,0\r\n"
            "reference,,,,1,1,0,0,0,30,30,0,0,0,0\r\n");
}

// With LANG=vi_VN.UTF-8 the headings and kinds are Vietnamese; the figures are the same.
TEST_F(LogReport, ReportCsvAndTextInVietnameseWhenTheLocaleAsks) {
  write_journal(dir / "state/journal.db");
  ::setenv("LANG", "vi_VN.UTF-8", 1);
  const auto csv =
      run("report --config station.yaml --from 2026-12-01 --to 2026-12-02 --format csv");
  const auto text = run("report --config station.yaml --from 2026-12-01 --to 2026-12-02");
  ::unsetenv("LANG");
  ASSERT_EQ(csv.exit, 0) << csv.err;
  EXPECT_EQ(csv.out.substr(0, csv.out.find("\r\n") + 2),
            "\xEF\xBB\xBF"
            "loại,chương trình,tên,mã tham chiếu,số lần theo lịch,đã phát,bỏ lỡ,bị ngắt,lỗi,"
            "thời gian phát (giây),vùng ap-1 (giây),vùng ap-2 (giây),vùng cho (giây),tiếp sóng/đầu "
            "vào (giây),mất tín hiệu (giây)\r\n");
  EXPECT_NE(
      csv.out.find("\r\nchương trình,sang,Chương trình buổi sáng,Công văn 12/UBND,3,1,0,1,1,18,"),
      std::string::npos)
      << csv.out;
  ASSERT_EQ(text.exit, 0) << text.err;
  EXPECT_NE(text.out.find("Những gì đã phát từ 2026-12-01 đến 2026-12-02"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("đã phát"), std::string::npos) << text.out;
}

TEST_F(LogReport, ReportJsonAndOneDayByDefault) {
  write_journal(dir / "state/journal.db");
  const auto r = run("report --config station.yaml --from 2026-12-02 --format json");
  ASSERT_EQ(r.exit, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["station"], "Đài truyền thanh xã Thử Nghiệm");
  EXPECT_EQ(j["from"], "2026-12-02");
  EXPECT_EQ(j["to"], "2026-12-02");
  EXPECT_EQ(j["total"]["planned"], 2);
  EXPECT_EQ(j["total"]["playing"], 1);
  ASSERT_EQ(j["programmes"].size(), 2U);
  const auto& tiem = j["programmes"][1];
  EXPECT_EQ(tiem["programme"], "tiem");
  EXPECT_EQ(tiem["title"], "Tiêm chủng, phòng dịch");
  EXPECT_EQ(tiem["airtime_seconds"], 2.0);
  EXPECT_EQ(tiem["zones"]["cho"], 2.0);
  ASSERT_EQ(j["references"].size(), 2U);
  EXPECT_EQ(j["references"][0]["reference"], "Công văn 12/UBND");
  EXPECT_EQ(j["references"][0]["failed"], 1);
}

TEST_F(LogReport, WithoutAJournalBothSaySoAndFail) {
  for (const char* command : {"log --config station.yaml",
                              "report --config station.yaml --from "
                              "2026-12-01"}) {
    const auto r = run(command);
    EXPECT_EQ(r.exit, 1) << command;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("loa run has not recorded anything yet"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "state/journal.db"));
}

TEST_F(LogReport, AFileThatIsNotAJournalIsNamed) {
  dir.write("state/journal.db", "hello\n");
  const auto r = run("log --config station.yaml");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("journal.db is not a loa journal"), std::string::npos) << r.err;
}

TEST_F(LogReport, WrongUsage) {
  write_journal(dir / "state/journal.db");
  EXPECT_EQ(run("report --config station.yaml").exit, 2);  // --from is required
  EXPECT_EQ(run("report --config station.yaml --from 2026-12-02 --to 2026-12-01").exit, 2);
  EXPECT_EQ(run("report --config station.yaml --from 2026-12-01 --format xlsx").exit, 2);
  EXPECT_EQ(run("report --config station.yaml --from 1/12/2026").exit, 2);
  EXPECT_EQ(run("log --config station.yaml --from yesterday").exit, 2);
}

}  // namespace
}  // namespace loa
