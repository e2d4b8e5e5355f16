// The district office with the real binary and a real SQLite file: `loa district push` turns a
// signed campaign into the wire's messages (and refuses a tampered one), `status` shows every
// commune as the stations last reported, `report` counts what they journaled, per campaign and
// commune, in text, CSV and JSON. Stations' messages are fed through DistrictStore::ingest, as
// the daemon does.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "loa/district_store.hpp"
#include "loa/signing_key.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using nlohmann::json;

const std::string kDistrict = R"(district:
  id: lap-vo
  name: "Huyện Lấp Vò"
  broker: mqtts://mqtt.lap-vo.example:8883
  credentials: district-credentials.yaml
  database: state/district.db
  key: keys/lap-vo.key
communes:
  - {id: xa-my-an, name: "Xã Mỹ An"}
  - {id: xa-binh-thanh, name: "Xã Bình Thạnh"}
  - {id: xa-tan-my, name: "Xã Tân Mỹ"}
  - {id: xa-hoi-an, name: "Xã Hội An Đông"}
)";

const std::string kProgramme = R"(programmes:
  - id: lua-dao
    title: "Cảnh giác lừa đảo qua mạng"
    zones: all
    slots:
      - {at: "06:00", days: [mon, wed, fri], play: [canh-bao.mp3, nhac/nen.mp3]}
      - {at: "17:30", days: [sat], play: [canh-bao.mp3]}
)";

constexpr std::size_t kChunk = 262144;

std::string bytes_of(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + seed) % 251);
  return s;
}

std::string decode(const json& j, const char* key, std::size_t size) {
  std::string out(size, '\0');
  EXPECT_TRUE(
      from_base64(j.at(key).get<std::string>(), reinterpret_cast<unsigned char*>(out.data()), size))
      << key;
  return out;
}

UtcTime now() {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

class District : public ::testing::Test {
 protected:
  void SetUp() override {
    dir.write("district.yaml", kDistrict);
    dir.write("campaign/programme.yaml", kProgramme);
    big = bytes_of(2 * kChunk + 5, 1);  // 3 chunks, the last of 5 bytes
    small = bytes_of(1000, 2);          // 1 chunk
    dir.write("campaign/canh-bao.mp3", big);
    dir.write("campaign/nhac/nen.mp3", small);
    ASSERT_EQ(run("key new lap-vo --dir keys").exit, 0);
  }

  test::CliResult run(const std::string& args) { return test::run_cli(LOA_BINARY, args, dir); }

  test::CliResult run_vi(const std::string& args) {
    return test::run_cli_vi(LOA_BINARY, args, dir);
  }

  test::CliResult sign(const std::string& key, int version, const std::string& out) {
    return run("sign --key " + key + " --district lap-vo --campaign lua-dao --version " +
               std::to_string(version) +
               " --valid-from 2026-12-01 --valid-until 2027-06-30 --out " + out +
               " campaign/programme.yaml canh-bao.mp3 nhac/nen.mp3");
  }

  std::vector<OutgoingMessage> pending() {
    DistrictStore store(dir / "state/district.db");
    return store.pending_pushes();
  }

  void ingest(const std::string& station, const std::string& kind, const json& payload,
              UtcTime received) {
    DistrictStore store(dir / "state/district.db", "lap-vo");
    store.ingest("loa/lap-vo/stations/" + station + "/" + kind, payload.dump(), received);
  }

  test::TempDir dir;
  std::string big;
  std::string small;
};

// Checks the messages of one push of the bundle in `bundle`, in the order the daemon publishes
// them: the chunks, which put the clips back together, then the campaign message, which holds the
// bundle's exact bytes.
void expect_messages_of(const std::vector<OutgoingMessage>& messages,
                        const std::filesystem::path& bundle, const std::string& big,
                        const std::string& small) {
  ASSERT_EQ(messages.size(), 1u + 3u + 1u);
  const OutgoingMessage& c = messages.back();
  EXPECT_EQ(c.topic, "loa/lap-vo/campaigns/lua-dao");
  EXPECT_TRUE(c.retained);
  const json j = json::parse(c.payload);
  EXPECT_EQ(j.at("schema"), 1);
  EXPECT_EQ(j.at("campaign"), "lua-dao");
  for (const auto& [key, file] :
       {std::pair{"manifest", "manifest.json"}, std::pair{"signature", "manifest.sig"},
        std::pair{"programme", "programme.yaml"}}) {
    const std::string original = test::slurp(bundle / file);
    ASSERT_FALSE(original.empty()) << file;
    EXPECT_EQ(decode(j, key, original.size()), original) << file;
  }
  std::map<std::string, std::string> clips;  // sha256: the chunks, in order
  for (std::size_t i = 0; i + 1 < messages.size(); ++i) {
    const auto& m = messages[i];
    EXPECT_TRUE(m.retained);
    ASSERT_TRUE(m.topic.starts_with("loa/lap-vo/clips/")) << m.topic;
    const std::string rest = m.topic.substr(17);
    const std::string sha = rest.substr(0, rest.find('/'));
    const std::string n = rest.substr(rest.find('/') + 1);
    EXPECT_EQ(n, std::to_string(clips[sha].size() / kChunk)) << m.topic;  // in order
    EXPECT_LE(m.payload.size(), kChunk);
    clips[sha] += m.payload;
  }
  ASSERT_EQ(clips.size(), 2u);
  EXPECT_EQ(clips.at(text_sha256(big)), big);
  EXPECT_EQ(clips.at(text_sha256(small)), small);
}

TEST_F(District, PushRecordsTheBundleAsTheWireSaysAndRefusesATamperedOne) {
  ASSERT_EQ(sign("keys/lap-vo.key", 1, "bundle").exit, 0);
  auto r = run("district push --config district.yaml bundle");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("campaign lua-dao version 1 (valid 2026-12-01 to 2027-06-30, 2 slot(s)): "
                       "1 campaign message and 4 clip chunk(s) of 525293 bytes; 5 message(s) "
                       "recorded"),
            std::string::npos)
      << r.out;
  expect_messages_of(pending(), dir / "bundle", big, small);

  // A clip changed after signing: refused before anything is recorded.
  std::filesystem::copy(dir / "bundle", dir / "tampered", std::filesystem::copy_options::recursive);
  dir.write("tampered/clips/" + text_sha256(small), bytes_of(1000, 3));
  r = run("district push --config district.yaml tampered");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("refused: clip \"nhac/nen.mp3\" is not the file that was signed"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("nothing was pushed"), std::string::npos);
  EXPECT_EQ(pending().size(), 5u);

  // Signed by a key that is not the district's own.
  ASSERT_EQ(run("key new intruder --dir other").exit, 0);
  ASSERT_EQ(sign("other/intruder.key", 2, "forged").exit, 0);
  r = run("district push --config district.yaml forged");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("intruder"), std::string::npos) << r.err;
  EXPECT_EQ(pending().size(), 5u);

  // The daemon publishes and marks: nothing pending after.
  {
    DistrictStore store(dir / "state/district.db");
    for (const auto& m : store.pending_pushes()) store.mark_pushed(m.id);
  }
  EXPECT_TRUE(pending().empty());
}

TEST_F(District, PushSignsACampaignFileWithTheDistrictKey) {
  dir.write("lua-dao.yaml", R"(campaign: lua-dao
version: 2
valid_from: 2026-12-01
valid_until: 2027-06-30
programme: campaign/programme.yaml
clips: [canh-bao.mp3, nhac/nen.mp3]
)");
  auto r = run("district push --config district.yaml lua-dao.yaml");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("signed lua-dao version 2 into"), std::string::npos) << r.out;
  expect_messages_of(pending(), dir / "state/bundles/lua-dao-v2", big, small);

  // Pushed again unchanged: the campaign message again, the chunks already recorded are not.
  r = run("district push --config district.yaml lua-dao.yaml");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("1 message(s) recorded"), std::string::npos) << r.out;

  // Changed, keeping its version: every station would refuse it, so the district does first.
  dir.write("campaign/nhac/nen.mp3", bytes_of(1000, 9));
  r = run("district push --config district.yaml lua-dao.yaml");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("raise its version"), std::string::npos) << r.err;

  // A mistake in the campaign file, at its line and column.
  dir.write("bad.yaml", "campaign: Lừa Đảo\nversion: 0\n");
  r = run("district push --config district.yaml bad.yaml");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("bad.yaml:1:11: error: campaign id 'Lừa Đảo' is not valid"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("bad.yaml:2:10: error: version must be a whole number"), std::string::npos)
      << r.err;
}

json heartbeat(const std::string& station, UtcTime t) {
  return {{"schema", 1},
          {"station", station},
          {"state", "up"},
          {"time", format_wire_time(t)},
          {"version", "0.1.0"},
          {"on_air",
           {{{"programme", "campaign/lua-dao/lua-dao"},
             {"title", "Cảnh giác lừa đảo qua mạng"},
             {"since", format_wire_time(t - std::chrono::minutes(1))}}}},
          {"next", nullptr},
          {"last_error", "clip 'tin.mp3' cannot be decoded"},
          {"free_disk_bytes", 1000000},
          {"clock_offset_ms", 3},
          {"campaigns", {{{"campaign", "lua-dao"}, {"version", 1}}}}};
}

json as_run_row(std::int64_t seq, std::int64_t broadcast, const std::string& programme,
                const std::string& scheduled, const std::string& status, int seconds = 0) {
  const UtcTime s = *parse_wire_time(scheduled);
  json r = {{"seq", seq},       {"broadcast", broadcast}, {"programme", programme},
            {"slot", 0},        {"scheduled", scheduled}, {"title", "Cảnh giác lừa đảo qua mạng"},
            {"reference", ""},  {"zones", {"ap-1"}},      {"priority", 50},
            {"start", nullptr}, {"end", nullptr},         {"status", status},
            {"reason", ""}};
  if (status != "missed") {
    r["start"] = scheduled;
    r["end"] = format_wire_time(s + std::chrono::seconds(seconds));
  }
  return r;
}

json as_run(const std::string& station, const std::vector<json>& rows) {
  return {{"schema", 1}, {"station", station}, {"rows", rows}};
}

TEST_F(District, StatusShowsEveryCommuneUpSilentGoneOrNeverHeardFrom) {
  const UtcTime t = now();
  ingest("xa-my-an", "health", heartbeat("xa-my-an", t), t - std::chrono::seconds(30));
  ingest("xa-binh-thanh", "health", heartbeat("xa-binh-thanh", t - std::chrono::minutes(10)),
         t - std::chrono::minutes(10));
  ingest("xa-tan-my", "health", heartbeat("xa-tan-my", t - std::chrono::minutes(20)),
         t - std::chrono::minutes(20));
  ingest("xa-tan-my", "health", {{"schema", 1}, {"station", "xa-tan-my"}, {"state", "gone"}},
         t - std::chrono::minutes(5));
  // A broadcast missed today at xa-my-an (scheduled a second ago: today, whatever the hour).
  ingest("xa-my-an", "as-run",
         as_run("xa-my-an", {as_run_row(1, 7, "tin-xa",
                                        format_wire_time(t - std::chrono::seconds(1)), "missed")}),
         t);
  ASSERT_EQ(sign("keys/lap-vo.key", 1, "bundle").exit, 0);
  ASSERT_EQ(run("district push --config district.yaml bundle").exit, 0);

  auto r = run("district status --config district.yaml --json");
  ASSERT_EQ(r.exit, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j.at("name"), "Huyện Lấp Vò");
  const auto& c = j.at("communes");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].at("name"), "Xã Mỹ An");
  EXPECT_EQ(c[0].at("state"), "up");
  EXPECT_EQ(c[0].at("missed_today"), 1);
  EXPECT_EQ(c[0].at("on_air")[0].at("title"), "Cảnh giác lừa đảo qua mạng");
  EXPECT_EQ(c[0].at("last_error"), "clip 'tin.mp3' cannot be decoded");
  EXPECT_EQ(c[0].at("campaigns"),
            json::parse(R"([{"campaign":"lua-dao","pushed_version":1,"held_version":1}])"));
  EXPECT_EQ(c[1].at("state"), "silent");
  EXPECT_EQ(c[1].at("since"), format_wire_time(t - std::chrono::minutes(10)));
  EXPECT_TRUE(c[1].at("on_air").empty());  // no longer known
  EXPECT_EQ(c[2].at("state"), "gone");
  EXPECT_EQ(c[2].at("since"), format_wire_time(t - std::chrono::minutes(5)));
  EXPECT_EQ(c[3].at("name"), "Xã Hội An Đông");
  EXPECT_EQ(c[3].at("state"), "unknown");
  EXPECT_EQ(c[3].at("campaigns")[0].at("held_version"), nullptr);
  // xa-my-an wrote its heartbeat 30 s after the district received it: its clock is ahead.
  // (The wire's times have milliseconds: the district's own clock reads microseconds.)
  EXPECT_NEAR(c[0].at("clock_offset_ms").get<double>(), 30000, 1);
  EXPECT_NEAR(c[1].at("clock_offset_ms").get<double>(), 0, 1);
  EXPECT_EQ(c[3].at("clock_offset_ms"), nullptr);

  r = run("district status --config district.yaml");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("Huyện Lấp Vò (lap-vo)\n1 of 4 communes up at "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Xã Mỹ An (xa-my-an)  up (last heartbeat "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  on air: Cảnh giác lừa đảo qua mạng (campaign/lua-dao/lua-dao) since "),
            std::string::npos);
  EXPECT_NE(r.out.find("  missed today: 1\n  campaign lua-dao: version 1 held\n"),
            std::string::npos);
  EXPECT_NE(r.out.find("Xã Bình Thạnh (xa-binh-thanh)  silent since "), std::string::npos);
  EXPECT_NE(r.out.find("Xã Tân Mỹ (xa-tan-my)  gone since "), std::string::npos);
  EXPECT_NE(r.out.find("Xã Hội An Đông (xa-hoi-an)  never heard from"), std::string::npos);
  EXPECT_NE(r.out.find("campaign lua-dao: version 1 pushed, not held yet"), std::string::npos);
  EXPECT_NE(r.out.find("  its clock is 30 s ahead of the district's: check its time"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("behind the district's"), std::string::npos) << r.out;

  r = run_vi("district status --config district.yaml");
  EXPECT_NE(r.out.find("Xã Bình Thạnh (xa-binh-thanh)  im lặng từ "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 trên 4 xã đang hoạt động"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("đồng hồ của đài nhanh 30 giây so với huyện"), std::string::npos) << r.out;
}

class DistrictReport : public District {
 protected:
  void SetUp() override {
    District::SetUp();
    ASSERT_EQ(sign("keys/lap-vo.key", 1, "bundle").exit, 0);
    ASSERT_EQ(run("district push --config district.yaml bundle").exit, 0);
    const std::string p = "campaign/lua-dao/lua-dao";
    const UtcTime t = *parse_wire_time("2027-02-01T00:00:00Z");
    // xa-my-an: 2 aired (90 s, 60 s) and 1 missed; its as-run arrives twice and out of order.
    const json first =
        as_run("xa-my-an", {as_run_row(1, 10, p, "2027-01-04T23:00:00.000Z", "playing", 10),
                            as_run_row(2, 10, p, "2027-01-04T23:00:00.000Z", "aired", 90)});
    const json second =
        as_run("xa-my-an", {as_run_row(4, 11, p, "2027-01-06T23:00:00.000Z", "aired", 60),
                            as_run_row(3, 11, p, "2027-01-06T23:00:00.000Z", "playing", 5),
                            as_run_row(5, 12, p, "2027-01-08T23:00:00.000Z", "missed"),
                            // not a campaign, and outside the period: not counted
                            as_run_row(6, 13, "tin-xa", "2027-01-08T22:00:00.000Z", "aired", 600),
                            as_run_row(7, 14, p, "2027-07-02T23:00:00.000Z", "aired", 90)});
    ingest("xa-my-an", "as-run", second, t);
    ingest("xa-my-an", "as-run", first, t);
    ingest("xa-my-an", "as-run", second, t);
    // xa-binh-thanh: 1 aired (90 s), 1 interrupted (30 s), 1 failed.
    ingest("xa-binh-thanh", "as-run",
           as_run("xa-binh-thanh",
                  {as_run_row(100, 1, p, "2027-01-04T23:00:00.000Z", "aired", 90),
                   as_run_row(101, 2, p, "2027-01-06T23:00:00.000Z", "interrupted", 30),
                   as_run_row(102, 3, p, "2027-01-08T23:00:00.000Z", "failed", 0)}),
           t);
  }
};

TEST_F(DistrictReport, CountsEachCommunesCampaignBroadcastsOnce) {
  auto r = run("district report --config district.yaml --from 2027-01-01 --to 2027-06-30");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(
      r.out,
      "Huyện Lấp Vò (lap-vo)\n"
      "Campaign broadcasts from 2027-01-01 to 2027-06-30 (whole days, Asia/Ho_Chi_Minh), as "
      "each commune's journal recorded them\n"
      "\n"
      "Campaign lua-dao \"Cảnh giác lừa đảo qua mạng\" (version 1, valid 2026-12-01 to "
      "2027-06-30)\n"
      "6 broadcast(s) planned: 3 aired, 1 missed, 1 interrupted, 1 failed; 0:04:30 on air\n"
      "commune                        planned  aired  missed  interrupted  failed  airtime\n"
      "Xã Mỹ An (xa-my-an)                  3      2       1            0       0  0:02:30\n"
      "Xã Bình Thạnh (xa-binh-thanh)        3      1       0            1       1  0:02:00\n"
      "Xã Tân Mỹ (xa-tan-my)                0      0       0            0       0  0:00:00\n"
      "Xã Hội An Đông (xa-hoi-an)           0      0       0            0       0  0:00:00\n");

  r = run("district report --config district.yaml --from 2027-01-01 --to 2027-06-30 --format csv");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out,
            "\xEF\xBB\xBF"
            "campaign,version,commune,commune_name,planned,aired,missed,interrupted,failed,"
            "airtime_seconds\r\n"
            "lua-dao,1,xa-my-an,Xã Mỹ An,3,2,1,0,0,150\r\n"
            "lua-dao,1,xa-binh-thanh,Xã Bình Thạnh,3,1,0,1,1,120\r\n"
            "lua-dao,1,xa-tan-my,Xã Tân Mỹ,0,0,0,0,0,0\r\n"
            "lua-dao,1,xa-hoi-an,Xã Hội An Đông,0,0,0,0,0,0\r\n");
  // The bytes of "Xã Mỹ An" in UTF-8, not a legacy code page.
  EXPECT_NE(r.out.find("X\xC3\xA3 M\xE1\xBB\xB9 An"), std::string::npos);

  r = run("district report --config district.yaml --from 2027-01-01 --to 2027-06-30 --format json");
  ASSERT_EQ(r.exit, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j.at("total").at("planned"), 6);
  EXPECT_EQ(j.at("total").at("airtime_seconds"), 270.0);
  const auto& c = j.at("campaigns").at(0);
  EXPECT_EQ(c.at("campaign"), "lua-dao");
  EXPECT_EQ(c.at("version"), 1);
  EXPECT_EQ(c.at("communes").at(0).at("name"), "Xã Mỹ An");
  EXPECT_EQ(c.at("communes").at(0).at("aired"), 2);
  EXPECT_EQ(c.at("communes").at(0).at("missed"), 1);
  EXPECT_EQ(c.at("communes").at(1).at("interrupted"), 1);
  EXPECT_EQ(c.at("communes").at(1).at("failed"), 1);
  EXPECT_EQ(c.at("communes").at(1).at("airtime_seconds"), 120.0);

  // Vietnamese headings when LANG asks, the numbers the same.
  r = run_vi(
      "district report --config district.yaml --from 2027-01-01 --to 2027-06-30 "
      "--format csv");
  EXPECT_NE(r.out.find("chiến dịch,phiên bản,mã xã,tên xã,"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("lua-dao,1,xa-my-an,Xã Mỹ An,3,2,1,0,0,150\r\n"), std::string::npos);

  // One day: only the broadcasts scheduled that local day (2027-01-05 06:00 at UTC+7).
  r = run("district report --config district.yaml --from 2027-01-05 --format json");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).at("total").at("planned"), 2);
}

TEST_F(DistrictReport, BadArgumentsAndFiles) {
  auto r = run("district report --config district.yaml --from 2027-06-30 --to 2027-01-01");
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("--to is before --from"), std::string::npos);
  dir.write("broken.yaml", "district: {id: lap-vo, broker: tcp://x}\n");
  r = run("district report --config broken.yaml --from 2027-01-01");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("broken.yaml:1:32: error: broker 'tcp://x' is not an MQTT over TLS"),
            std::string::npos)
      << r.err;
  dir.write("journal.yaml", std::string(kDistrict).replace(kDistrict.find("state/district.db"), 17,
                                                           "district.yaml"));
  r = run("district status --config journal.yaml");
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("is not a loa district database"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace loa
