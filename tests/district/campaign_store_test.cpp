// The campaigns a station holds change only to a newer, whole, accepted version.
#include "loa/campaign_store.hpp"

#include <gtest/gtest.h>

#include "bundle_fixture.hpp"
#include "loa_test/cli.hpp"

namespace loa {
namespace {

const auto kAcceptAll = [](const HeldCampaign&) {};

VerifiedBundle bundle(test::District& district, std::uint64_t version, const std::string& name) {
  const auto out = district.dir / name;
  write_bundle(district.source(version), district.key, out);
  return verify_bundle(out, district.check());
}

TEST(CampaignStore, ANewerVersionReplacesAnOlderOneIsARefusedReplay) {
  test::District district;
  test::TempDir state;
  const auto v1 = bundle(district, 1, "v1");
  district.dir.write("src/programme.yaml", "programmes: []\n");
  const auto v2 = bundle(district, 2, "v2");

  EXPECT_EQ(install_campaign(v1, state.path(), kAcceptAll).outcome, InstallOutcome::installed);
  EXPECT_EQ(install_campaign(v1, state.path(), kAcceptAll).outcome, InstallOutcome::already_held);
  const Installed up = install_campaign(v2, state.path(), kAcceptAll);
  EXPECT_EQ(up.outcome, InstallOutcome::updated);
  EXPECT_EQ(up.previous_version, 1U);
  EXPECT_THROW(install_campaign(v1, state.path(), kAcceptAll), BundleRefused);

  const auto held = held_campaigns(state.path());
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(held[0].manifest.version, 2U);
  EXPECT_EQ(test::slurp(held[0].programme()), "programmes: []\n");
  EXPECT_EQ(test::slurp(held[0].clips() / "nhac/nen.wav"), std::string(2000, 'b'));
}

TEST(CampaignStore, ARefusedOrChangedBundleLeavesTheHeldVersionAndNoLeftovers) {
  test::District district;
  test::TempDir state;
  install_campaign(bundle(district, 1, "v1"), state.path(), kAcceptAll);
  const auto v2 = bundle(district, 2, "v2");
  EXPECT_THROW(install_campaign(v2, state.path(),
                                [](const HeldCampaign&) { throw BundleRefused("unknown zone"); }),
               BundleRefused);
  // Same version, other contents: a district must count up.
  district.dir.write("src/canh-bao.wav", "other");
  EXPECT_THROW(install_campaign(bundle(district, 1, "v1b"), state.path(), kAcceptAll),
               BundleRefused);

  const auto held = held_campaigns(state.path());
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(held[0].manifest.version, 1U);
  EXPECT_EQ(test::slurp(held[0].clips() / "canh-bao.wav"), std::string(1000, 'a'));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(state / "campaigns"))
    ++entries;
  EXPECT_EQ(entries, 1U);
}

TEST(CampaignStore, ACampaignLeftAsideByAPowerCutIsStillHeldAndPutBack) {
  test::District district;
  test::TempDir state;
  install_campaign(bundle(district, 1, "v1"), state.path(), kAcceptAll);
  // The power went between the two renames of an install.
  std::filesystem::rename(state / "campaigns/lua-dao", state / "campaigns/.old-lua-dao");
  ASSERT_EQ(held_campaigns(state.path()).size(), 1U);
  install_campaign(bundle(district, 2, "v2"), state.path(), kAcceptAll);
  const auto held = held_campaigns(state.path());
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(held[0].manifest.version, 2U);
  EXPECT_FALSE(std::filesystem::exists(state / "campaigns/.old-lua-dao"));
}

}  // namespace
}  // namespace loa
