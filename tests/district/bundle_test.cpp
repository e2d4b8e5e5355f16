// What a station accepts: a bundle signed by a key it trusts, whole, for its district, not expired.
#include <gtest/gtest.h>

#include <fstream>

#include "bundle_fixture.hpp"
#include "loa/campaign_bundle.hpp"
#include "loa_test/cli.hpp"

namespace loa {
namespace {

std::string refusal(const std::filesystem::path& bundle, const BundleCheck& check) {
  try {
    verify_bundle(bundle, check);
  } catch (const BundleRefused& e) {
    return e.what();
  }
  return "accepted";
}

TEST(Bundle, ASignedBundleVerifiesWithEveryClipNamedByItsHash) {
  test::District district;
  const auto out = district.dir / "bundle";
  write_bundle(district.source(), district.key, out);
  const VerifiedBundle v = verify_bundle(out, district.check());
  EXPECT_EQ(v.signed_by, "lap-vo");
  EXPECT_EQ(v.manifest.campaign, "lua-dao");
  ASSERT_EQ(v.manifest.clips.size(), 2U);
  EXPECT_EQ(v.manifest.clips[1].name, "nhac/nen.wav");
  EXPECT_EQ(test::slurp(out / "clips" / v.manifest.clips[1].sha256), std::string(2000, 'b'));
}

TEST(Bundle, AChangedClipProgrammeOrManifestIsRefused) {
  test::District district;
  const auto out = district.dir / "bundle";
  const CampaignManifest m = write_bundle(district.source(), district.key, out);

  std::ofstream(out / "clips" / m.clips[0].sha256, std::ios::app) << "x";
  EXPECT_NE(refusal(out, district.check()).find("clip \"canh-bao.wav\" is not the file"),
            std::string::npos);
  std::filesystem::remove_all(out);
  write_bundle(district.source(), district.key, out);

  district.dir.write("bundle/programme.yaml", "programmes: []\n");
  EXPECT_NE(refusal(out, district.check()).find("the programme file is not the file"),
            std::string::npos);

  std::string manifest = test::slurp(out / "manifest.json");
  manifest.replace(manifest.find("2027-06-30"), 10, "2099-06-30");
  district.dir.write("bundle/manifest.json", manifest);
  EXPECT_NE(refusal(out, district.check()).find("the signature does not match"), std::string::npos);
}

TEST(Bundle, UnsignedUntrustedForgedExpiredAndForeignBundlesAreRefused) {
  test::District district;
  const auto out = district.dir / "bundle";
  write_bundle(district.source(), district.key, out);

  EXPECT_NE(refusal(out, district.check(date::year{2027} / 7 / 1)).find("expired on 2027-06-30"),
            std::string::npos);
  BundleCheck foreign = district.check();
  foreign.district = "cho-moi";
  EXPECT_NE(refusal(out, foreign).find("for district 'lap-vo'"), std::string::npos);

  // A forger's key with the district's name.
  test::TempDir forger_dir;
  make_key_pair("lap-vo", forger_dir.path());
  SecretKey forger;
  read_secret_key(forger_dir / "lap-vo.key", forger);
  const auto forged = district.dir / "forged";
  write_bundle(district.source(2), forger, forged);
  EXPECT_NE(refusal(forged, district.check()).find("the signature does not match"),
            std::string::npos);

  std::vector<PublicKey> nobody;
  BundleCheck untrusted{&nobody, "lap-vo", date::year{2027} / 1 / 15};
  EXPECT_NE(refusal(out, untrusted).find("a key this station does not trust"), std::string::npos);

  std::filesystem::remove(out / "manifest.sig");
  EXPECT_NE(refusal(out, district.check()).find("it is unsigned"), std::string::npos);
}

TEST(Bundle, ASignedManifestNamingAClipOutsideTheCampaignIsRefused) {
  test::District district;
  const auto out = district.dir / "bundle";
  const CampaignManifest m = write_bundle(district.source(), district.key, out);
  for (const std::string bad : {"../../etc/cron.d/x", "/etc/passwd", "a//b", "a/./b", ""}) {
    std::string manifest = manifest_to_json(m);
    manifest.replace(manifest.find("\"canh-bao.wav\""), 14, "\"" + bad + "\"");
    district.sign_manifest(out, manifest);
    EXPECT_NE(refusal(out, district.check()).find("outside the campaign's folder"),
              std::string::npos)
        << bad;
  }
}

TEST(Bundle, MalformedAndUnknownSchemaManifestsAreRefusedWithTheirReason) {
  test::District district;
  const auto out = district.dir / "bundle";
  const CampaignManifest m = write_bundle(district.source(), district.key, out);
  std::string manifest = manifest_to_json(m);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "not valid JSON"},
      {"[]", "not valid JSON"},
      {std::string(manifest).replace(manifest.find("\"schema\": 1"), 11, "\"schema\": 7"),
       "schema 7, which this loa does not know"},
      {std::string(manifest).replace(manifest.find("\"version\": 1"), 12, "\"version\": \"1\""),
       "version is not a number"},
      {std::string(manifest).replace(manifest.find("\"lua-dao\""), 9, "\"Lừa đảo\""),
       "campaign id is not valid"},
  };
  for (const auto& [text, reason] : cases) {
    district.sign_manifest(out, text);
    EXPECT_NE(refusal(out, district.check()).find(reason), std::string::npos) << text;
  }
  district.sign_manifest(out, std::string(2 << 20, ' '));
  EXPECT_NE(refusal(out, district.check()).find("manifest is too large"), std::string::npos);
}

TEST(Keys, AKeyIsNeverOverwrittenAndTheSecretIsReadableByItsOwnerOnly) {
  test::TempDir dir;
  make_key_pair("huyen", dir.path());
  const auto perms = std::filesystem::status(dir / "huyen.key").permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  const std::string before = test::slurp(dir / "huyen.key");
  EXPECT_THROW(make_key_pair("huyen", dir.path()), KeyError);
  EXPECT_EQ(test::slurp(dir / "huyen.key"), before);
  EXPECT_THROW(make_key_pair("Huyện", dir.path()), KeyError);
  try {
    read_public_key(dir / "huyen.key");
    FAIL() << "a secret key was read as a public one";
  } catch (const KeyError& e) {
    EXPECT_NE(std::string(e.what()).find("this is a secret key"), std::string::npos);
  }
}

}  // namespace
}  // namespace loa
