// station.approval: required (issue 13), with the real binary: a programme file airs only while
// the commune's leadership has signed it as it is (loa approve), by a key in station.trust; an
// edit takes it off the air, says why, and leaves the station's other programmes on.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/json_lines.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using test::json_lines;

const std::string kStation = R"(station: {timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state/,
          include: [programmes/*.yaml], approval: required, trust: [keys/uy-ban.pub]}
audio: {sample_rate: 48000, loudness: off, chime: none}
zones: [{id: ap-1, channel: 1}]
programmes:
  - {id: tin-xa, slots: [{at: "05:30", play: [tin.wav]}]}
)";

const std::string kNotice = R"(programmes:
  - {id: tiem-chung, title: "Ngày tiêm chủng", slots: [{at: "17:00", play: [tiem.wav]}]}
)";

class Approval : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_tone(dir / "clips/tin.wav", 1.0);
    test::write_tone(dir / "clips/tiem.wav", 1.0);
    dir.write("station.yaml", kStation);
    dir.write("programmes/tiem-chung.yaml", kNotice);
    ASSERT_EQ(run("key new uy-ban --dir keys").exit, 0);
  }

  test::CliResult run(const std::string& args) { return test::run_cli(LOA_BINARY, args, dir); }

  std::vector<std::string> planned() {
    auto r = run("plan --config station.yaml --from 2026-12-02 --json");
    std::vector<std::string> ids;
    for (const auto& b : json_lines(r.out)) ids.push_back(b["programme"]);
    return ids;
  }

  test::TempDir dir;
};

const std::vector<std::string> kBoth = {"tin-xa", "tiem-chung"};
const std::vector<std::string> kStationsOwn = {"tin-xa"};

TEST_F(Approval, AnUnsignedFileDoesNotAirUntilApproved) {
  auto check = run("check --config station.yaml");
  EXPECT_NE((check.out + check.err).find("programmes/tiem-chung.yaml: warning: not approved"),
            std::string::npos)
      << check.out << check.err;
  EXPECT_NE((check.out + check.err).find("loa approve --key"), std::string::npos);
  EXPECT_EQ(planned(), kStationsOwn);

  auto approve = run("approve --key keys/uy-ban.key programmes/tiem-chung.yaml");
  ASSERT_EQ(approve.exit, 0) << approve.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "programmes/tiem-chung.yaml.sig"));
  check = run("check --config station.yaml");
  EXPECT_EQ(check.exit, 0) << check.out << check.err;
  EXPECT_EQ((check.out + check.err).find("approve"), std::string::npos) << check.out;
  EXPECT_EQ(planned(), kBoth);
}

TEST_F(Approval, AnEditAfterApprovalTakesTheFileOffTheAirUntilSignedAgain) {
  ASSERT_EQ(run("approve --key keys/uy-ban.key programmes/tiem-chung.yaml").exit, 0);
  ASSERT_EQ(planned(), kBoth);
  // One character changed: 17:00 to 17:01.
  std::string edited = kNotice;
  edited.replace(edited.find("17:00"), 5, "17:01");
  dir.write("programmes/tiem-chung.yaml", edited);
  const auto check = run("check --config station.yaml");
  EXPECT_NE((check.out + check.err).find("changed since 'uy-ban' signed it"), std::string::npos)
      << check.out << check.err;
  EXPECT_EQ(planned(), kStationsOwn);
  ASSERT_EQ(run("approve --key keys/uy-ban.key programmes/tiem-chung.yaml").exit, 0);
  EXPECT_EQ(planned(), kBoth);
}

TEST_F(Approval, AKeyTheStationDoesNotTrustOrAForgedSignatureApprovesNothing) {
  ASSERT_EQ(run("key new ai-do --dir other").exit, 0);
  ASSERT_EQ(run("approve --key other/ai-do.key programmes/tiem-chung.yaml").exit, 0);
  auto check = run("check --config station.yaml");
  EXPECT_NE((check.out + check.err).find("signed by 'ai-do', a key this station does not trust"),
            std::string::npos)
      << check.out << check.err;
  EXPECT_EQ(planned(), kStationsOwn);
  // A signature file naming the trusted key but made by another one.
  std::ifstream in(dir / "programmes/tiem-chung.yaml.sig");
  std::string sig((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  sig.replace(sig.find("ai-do"), 5, "uy-ban");
  dir.write("programmes/tiem-chung.yaml.sig", sig);
  check = run("check --config station.yaml");
  EXPECT_NE((check.out + check.err).find("changed since 'uy-ban' signed it"), std::string::npos);
  EXPECT_EQ(planned(), kStationsOwn);
  dir.write("programmes/tiem-chung.yaml.sig", "hello\n");
  check = run("check --config station.yaml");
  EXPECT_NE((check.out + check.err).find("is not a signature made by loa approve"),
            std::string::npos);
  EXPECT_EQ(planned(), kStationsOwn);
}

TEST_F(Approval, RequiredWithoutTrustedKeysIsAnErrorAndNoneAirsFilesAsWritten) {
  std::string station = kStation;
  station.replace(station.find(", trust: [keys/uy-ban.pub]"), 26, "");
  dir.write("station.yaml", station);
  const auto check = run("check --config station.yaml");
  EXPECT_NE(check.exit, 0);
  EXPECT_NE((check.out + check.err).find("approval: required needs the keys"), std::string::npos)
      << check.out << check.err;

  station.replace(station.find("approval: required"), 18, "approval: none");
  dir.write("station.yaml", station);
  EXPECT_EQ(run("check --config station.yaml").exit, 0);
  EXPECT_EQ(planned(), kBoth);
}

}  // namespace
}  // namespace loa
