// Quick notices (the control page's "Thông báo nhanh", docs/api.md) over real HTTP against
// `loa run` as a process, with the real espeak-ng, journal and programme files: a preview is the
// notice spoken, airing now reaches the zones and the journal, a time saves a programme the plan
// shows, and whoever may not, or whatever will not do, changes nothing.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "loa/journal.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/loa_process.hpp"
#include "loa_test/temp_dir.hpp"
#include "loa_test/vietnam_clock.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kStation = R"(station:
  name: "Test station"
  timezone: Asia/Ho_Chi_Minh
  clips: clips/
  include: [programmes/*.yaml]
  state: state/
audio:
  output: null
  loudness: off
  chime: none
  speech: {voice: vi, rate: 160}
zones:
  - {id: ap-1, name: "Ấp 1", channel: 1}
  - {id: ap-2, name: "Ấp 2", channel: 2}
  - {id: cho, name: "Chợ", channel: 3}
programmes:
  - id: gio-sang
    zones: all
    slots:
      - {at: "05:00", play: [tone.wav]}
)";

constexpr const char* kShort = "Kính mời bà con đi họp tổ dân phố.";

std::string next_day(const std::string& date) {
  std::chrono::year_month_day ymd{std::chrono::year{std::stoi(date.substr(0, 4))},
                                  std::chrono::month{unsigned(std::stoi(date.substr(5, 2)))},
                                  std::chrono::day{unsigned(std::stoi(date.substr(8, 2)))}};
  const std::chrono::year_month_day next{std::chrono::sys_days{ymd} + std::chrono::days{1}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int{next.year()}, unsigned{next.month()},
                unsigned{next.day()});
  return buf;
}

class NoticeApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::signal(SIGPIPE, SIG_IGN);
    dir_ = new test::TempDir();
    // gio-sang airs 12 hours from now, never while a test runs (at its 05:00 it aired
    // mid-test, and a zone the test expects idle was not).
    std::string station = kStation;
    station.replace(station.find("05:00"), 5, test::vietnam_clock(12h).substr(11, 5));
    dir_->write("station.yaml", station);
    dir_->write("programmes/.keep", "");
    test::write_tone(*dir_ / "clips/tone.wav", 2.0);
    dir_->write("pw.txt", "secret-pw-10\n");
    for (const char* u : {"lan --role operator", "vy --role viewer",
                          "cho-only --role operator --zones cho", "boss --role admin"}) {
      const auto r = test::run_cli(
          LOA_BINARY, std::string("user add ") + u + " --config station.yaml <pw.txt", *dir_);
      ASSERT_EQ(r.exit, 0) << r.err;
    }
    loa_ = new test::LoaProcess(
        LOA_BINARY, *dir_,
        {"run", "--config", "station.yaml", "--output", "null", "--listen", "127.0.0.1:0"});
    ASSERT_TRUE(loa_->wait_for("control page and API on http://127.0.0.1:", 20s)) << loa_->err();
    const std::string err = loa_->err();
    port_ = std::stoi(err.substr(err.find("http://127.0.0.1:") + 17));
    // Logging in is journaled too: everyone logs in once, before any test counts actions.
    for (const char* who : {"lan", "vy", "cho-only", "boss"}) login(who);
  }
  static void TearDownTestSuite() {
    delete loa_;
    delete dir_;
  }

  // A logged-in person's cookie and CSRF token (one session each: Argon2id takes its time).
  static httplib::Headers login(const std::string& name) {
    static std::map<std::string, httplib::Headers> sessions;
    if (const auto it = sessions.find(name); it != sessions.end()) return it->second;
    httplib::Client c("127.0.0.1", port_);
    const auto res = c.Post("/api/login", json{{"name", name}, {"password", "secret-pw-10"}}.dump(),
                            "application/json");
    EXPECT_TRUE(res && res->status == 200);
    if (!res) return {};
    const std::string set = res->get_header_value("Set-Cookie");
    return sessions[name] = {{"Cookie", set.substr(0, set.find(';'))},
                             {"X-CSRF-Token", json::parse(res->body).value("csrf", "")}};
  }

  static httplib::Result post(const std::string& who, const std::string& path, const json& body) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c.Post(path, login(who), body.dump(), "application/json");
  }

  static json get(const std::string& path) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    const auto res = c.Get(path, login("vy"));
    EXPECT_TRUE(res && res->status == 200);
    return res ? json::parse(res->body, nullptr, false) : json();
  }

  static std::vector<ControlAction> actions() {
    const Journal journal(*dir_ / "state/journal.db", true);
    const auto now = std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
    return journal.actions(now - 1h, now + 1h);
  }

  // The files of a folder of the station, names only.
  static std::set<std::string> files(const std::string& folder) {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(*dir_ / folder, ec))
      out.insert(e.path().filename().string());
    return out;
  }

  // The length in seconds of the WAV in `body`, and how loud it is.
  static test::Wav wav_of(const std::string& body) {
    const auto file = *dir_ / "preview.wav";
    std::ofstream(file, std::ios::binary) << body;
    return test::read_wav(file);
  }

  static test::TempDir* dir_;
  static test::LoaProcess* loa_;
  static int port_;
};

test::TempDir* NoticeApi::dir_ = nullptr;
test::LoaProcess* NoticeApi::loa_ = nullptr;
int NoticeApi::port_ = 0;

double seconds(const test::Wav& w) {
  return static_cast<double>(w.frames()) / w.rate;
}

double rms(const test::Wav& w) {
  double sum = 0;
  for (std::int64_t f = 0; f < w.frames(); ++f) sum += static_cast<double>(w.at(f)) * w.at(f);
  return std::sqrt(sum / static_cast<double>(w.frames()));
}

TEST_F(NoticeApi, APreviewIsTheNoticeSpokenAndASecondCostsNothing) {
  const auto res = post("lan", "/api/notice/preview", {{"text", kShort}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "audio/wav");
  const test::Wav one = wav_of(res->body);
  // Nine words at 160 a minute: about 3.4 s of speech.
  EXPECT_GT(seconds(one), 1.5);
  EXPECT_LT(seconds(one), 8.0);
  EXPECT_GT(rms(one), 0.02) << "speech, not silence";

  std::string longer;
  for (int i = 0; i < 4; ++i) longer += std::string(kShort) + " ";
  const auto four = post("lan", "/api/notice/preview", {{"text", longer}});
  ASSERT_EQ(four->status, 200) << four->body;
  EXPECT_GT(seconds(wav_of(four->body)), 3.2 * seconds(one)) << "four times the text";

  // The cache: the same text again is the same clip, not spoken anew.
  const auto speech = files("state/speech");
  const auto again = post("lan", "/api/notice/preview", {{"text", std::string("  ") + kShort}});
  ASSERT_EQ(again->status, 200);
  EXPECT_EQ(again->body, res->body);
  EXPECT_EQ(files("state/speech"), speech);

  // Another voice is heard as asked.
  const auto slow =
      post("lan", "/api/notice/preview", {{"text", kShort}, {"speech", {{"rate", 90}}}});
  ASSERT_EQ(slow->status, 200) << slow->body;
  EXPECT_GT(seconds(wav_of(slow->body)), 1.3 * seconds(one));
}

TEST_F(NoticeApi, AiredNowItReachesTheZonesAndTheJournalWithItsText) {
  const std::string text = "Thông báo: chiều nay 15 giờ họp dân tại nhà văn hoá ấp.";
  const auto res = post("lan", "/api/notice", {{"text", text}, {"zones", {"ap-2"}}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202) << res->body;
  const json answer = json::parse(res->body);
  EXPECT_EQ(answer["zones"], json({"ap-2"}));
  EXPECT_EQ(answer["priority"], "normal");
  json on_air;
  for (int i = 0; i < 100 && on_air.is_null(); ++i) {
    const json status = get("/api/status");
    for (const auto& z : status["zones"]) {
      if (z["id"] == "ap-2" && !z["on_air"].is_null()) on_air = z["on_air"];
    }
    if (on_air.is_null()) std::this_thread::sleep_for(50ms);
  }
  ASSERT_FALSE(on_air.is_null()) << "the notice is on air on ap-2\n" << loa_->err();
  EXPECT_EQ(on_air["programme"], "play-now");
  EXPECT_EQ(on_air["item"]["path"], "say: \"" + text + "\"");
  bool journaled = false;
  for (const auto& a : actions()) {
    if (a.who == "lan" && a.what == "play now (normal) on ap-2: notice \"" + text + "\"")
      journaled = true;
  }
  EXPECT_TRUE(journaled) << "who asked, where, and the whole text";
}

TEST_F(NoticeApi, AtATimeItIsAProgrammeThePlanShows) {
  const std::string at = test::vietnam_clock(20min);
  const std::string text = "Ngày mai tiêm chủng cho trẻ em tại trạm y tế xã.";
  const auto res =
      post("lan", "/api/notice",
           {{"text", text}, {"zones", {"ap-1", "cho"}}, {"priority", "high"}, {"at", at}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const json answer = json::parse(res->body);
  const std::string id = "thong-bao-nhanh-" + at.substr(0, 4) + at.substr(5, 2) + at.substr(8, 2) +
                         "-" + at.substr(11, 2) + at.substr(14, 2);
  EXPECT_EQ(answer["programme"], id);
  EXPECT_EQ(answer["file"], "programmes/" + id + ".yaml");
  EXPECT_EQ(answer["at"].get<std::string>().substr(0, 16), at);
  EXPECT_TRUE(std::filesystem::exists(*dir_ / ("programmes/" + id + ".yaml")));

  const std::string day = at.substr(0, 10);
  bool planned = false;
  const json plan = get("/api/plan?from=" + day + "&to=" + next_day(day));
  for (const auto& b : plan) {
    if (b["programme"] != id) continue;
    planned = true;
    EXPECT_EQ(b["scheduled"].get<std::string>().substr(0, 16), at);
    EXPECT_EQ(b["zones"], json({"ap-1", "cho"}));
    EXPECT_EQ(b["class"], "high");
    ASSERT_EQ(b["items"].size(), 1U);
    EXPECT_EQ(b["items"][0]["path"], "say: \"" + text + "\"");
  }
  EXPECT_TRUE(planned) << "the plan shows " << id;

  // "HH:MM" already past today means tomorrow; a second notice that minute gets its own id.
  const std::string past = test::vietnam_clock(-2min);
  const auto tomorrow =
      post("lan", "/api/notice", {{"text", text}, {"zones", {"ap-1"}}, {"at", past.substr(11)}});
  ASSERT_EQ(tomorrow->status, 201) << tomorrow->body;
  EXPECT_EQ(json::parse(tomorrow->body)["at"].get<std::string>().substr(0, 10),
            next_day(past.substr(0, 10)));
  const auto same_minute =
      post("lan", "/api/notice",
           {{"text", "Lần hai: \"họp\" # 7h30\nở ấp: xong."}, {"zones", {"ap-1"}}, {"at", at}});
  ASSERT_EQ(same_minute->status, 201) << same_minute->body;
  EXPECT_EQ(json::parse(same_minute->body)["programme"], id + "-2");
  // Quotes, '#', ':' and a line break in the text reach the programme as typed.
  const json again = get("/api/plan?from=" + day + "&to=" + next_day(day));
  bool verbatim = false;
  for (const auto& b : again) {
    if (b["programme"] == id + "-2")
      verbatim = b["items"][0]["path"] == "say: \"Lần hai: \"họp\" # 7h30 ở ấp: xong.\"";
  }
  EXPECT_TRUE(verbatim) << again.dump();

  bool journaled = false;
  for (const auto& a : actions()) {
    if (a.who == "lan" && a.what.starts_with("scheduled " + id + " at " + at) &&
        a.what.ends_with("notice \"" + text + "\""))
      journaled = true;
  }
  EXPECT_TRUE(journaled);
}

TEST_F(NoticeApi, OnlyTheRightPeopleOnTheirOwnZones) {
  const auto programmes = files("programmes");
  const auto count = actions().size();
  const json notice = {{"text", kShort}, {"zones", {"ap-1"}}};
  const auto not_yours = post("cho-only", "/api/notice", notice);
  EXPECT_EQ(not_yours->status, 403) << not_yours->body;
  EXPECT_NE(not_yours->body.find("ap-1"), std::string::npos) << not_yours->body;
  EXPECT_EQ(post("vy", "/api/notice", notice)->status, 403);
  EXPECT_EQ(post("vy", "/api/notice/preview", notice)->status, 403);
  json emergency = notice;
  emergency["priority"] = "emergency";
  const auto op = post("lan", "/api/notice", emergency);
  EXPECT_EQ(op->status, 403) << op->body;
  EXPECT_NE(op->body.find("only an admin"), std::string::npos) << op->body;
  emergency["at"] = test::vietnam_clock(30min);
  EXPECT_EQ(post("lan", "/api/notice", emergency)->status, 403);
  EXPECT_EQ(files("programmes"), programmes);
  EXPECT_EQ(actions().size(), count);
  httplib::Client c("127.0.0.1", port_);
  auto no_csrf = login("lan");
  no_csrf.erase("X-CSRF-Token");
  EXPECT_EQ(c.Post("/api/notice", no_csrf, notice.dump(), "application/json")->status, 403);
  EXPECT_EQ(c.Post("/api/notice", notice.dump(), "application/json")->status, 401);

  // An admin may schedule an emergency notice; the operator of cho one on cho.
  const auto boss = post("boss", "/api/notice", emergency);
  EXPECT_EQ(boss->status, 201) << boss->body;
  json own = notice;
  own["zones"] = {"cho"};
  own["at"] = test::vietnam_clock(40min);
  EXPECT_EQ(post("cho-only", "/api/notice", own)->status, 201);
}

TEST_F(NoticeApi, BadInputIs422AndChangesNothing) {
  const auto programmes = files("programmes");
  const auto speech = files("state/speech");
  const auto count = actions().size();
  const json good = {{"text", kShort}, {"zones", {"ap-1"}}};
  struct Case {
    const char* what;
    json change;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"empty", {{"text", "  \n "}}, "empty"},
      {"not text", {{"text", 12}}, "text must be"},
      {"too long", {{"text", std::string(10'001, 'a')}}, "10001 characters"},
      {"Chinese", {{"text", "Thông báo 通知"}}, "cannot be spoken"},
      {"unknown zone", {{"zones", {"ap-9"}}}, "ap-9"},
      {"no zone", {{"zones", json::array()}}, "zones"},
      {"bad priority", {{"priority", "urgent"}}, "priority"},
      {"bad time", {{"at", "25:61"}}, "not a time"},
      {"words", {{"at", "tomorrow"}}, "not a date and time"},
      {"past", {{"at", "2020-01-01T07:00"}}, "in the past"},
      {"bad voice", {{"speech", {{"rate", 5}}}}, "speech.rate"},
  };
  for (const auto& k : cases) {
    json body = good;
    body.update(k.change);
    for (const char* path : {"/api/notice", "/api/notice/preview"}) {
      const bool about_airing =
          k.change.contains("zones") || k.change.contains("priority") || k.change.contains("at");
      if (about_airing && std::string(path) == "/api/notice/preview") continue;
      const auto res = post("lan", path, body);
      ASSERT_TRUE(res) << k.what;
      EXPECT_EQ(res->status, 422) << k.what << ": " << res->body;
      const std::string error = json::parse(res->body, nullptr, false).value("error", "");
      EXPECT_NE(error.find(k.says), std::string::npos) << k.what << ": " << error;
    }
  }
  EXPECT_EQ(files("programmes"), programmes);
  EXPECT_EQ(files("state/speech"), speech);
  EXPECT_EQ(actions().size(), count);
  const json status = get("/api/status");
  for (const auto& z : status["zones"]) {
    if (z["id"] == "ap-1") {
      EXPECT_TRUE(z["on_air"].is_null()) << z.dump();
    }
  }
}

}  // namespace
}  // namespace loa
