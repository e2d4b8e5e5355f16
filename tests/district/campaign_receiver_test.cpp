// Chunks a station did not ask for, or that do not fit the clip the manifest names, are refused
// with a reason and change nothing.
#include "loa/campaign_receiver.hpp"

#include <gtest/gtest.h>

#include "loa/district_wire.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

std::string reason(const std::function<void()>& f) {
  try {
    f();
  } catch (const WireRefused& e) {
    return e.what();
  }
  return "not refused";
}

TEST(CampaignReceiver, RefusesChunksAndCampaignsItCannotTake) {
  test::TempDir dir;
  int installs = 0;
  ReceiverHooks hooks;
  hooks.want_clip = [](const std::string&) {};
  hooks.drop_clip = [](const std::string&) {};
  hooks.trusted = [] { return std::vector<PublicKey>{}; };
  hooks.install = [&](const std::filesystem::path&) {
    ++installs;
    return true;
  };
  CampaignReceiver r(dir / "state", "lap-vo", hooks);
  const std::string sha(64, 'a');
  EXPECT_EQ(reason([&] { r.chunk(sha, "0", "x"); }),
            "a chunk of clip " + sha + ", which no campaign being received names");
  EXPECT_EQ(reason([&] { r.chunk("../../etc", "0", "x"); }), "'../../etc' is not a clip's SHA-256");
  EXPECT_EQ(reason([&] { r.campaign("lua-dao", "{not json"); }),
            "the campaign message is not JSON");
  EXPECT_EQ(reason([&] { r.campaign("Lừa đảo", "{}"); }), "'Lừa đảo' is not a campaign id");
  EXPECT_NE(reason([&] {
              r.campaign("lua-dao", R"({"schema":2,"campaign":"lua-dao"})");
            }).find("a schema this loa does not read"),
            std::string::npos);
  EXPECT_EQ(reason([&] {
              r.campaign("lua-dao", R"({"schema":1,"campaign":"khac","version":1,"manifest":"",)"
                                    R"("signature":"","programme":""})");
            }),
            "the campaign message names campaign 'khac' on the topic of campaign 'lua-dao'");
  EXPECT_EQ(reason([&] {
              r.campaign("lua-dao", R"({"schema":1,"campaign":"lua-dao","version":1,)"
                                    R"("manifest":"%%%","signature":"","programme":""})");
            }),
            "the campaign message's 'manifest' is not base64");
  EXPECT_EQ(installs, 0);
  EXPECT_TRUE(r.pending().empty());
}

}  // namespace
}  // namespace loa
