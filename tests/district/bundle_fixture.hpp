#pragma once
// A district with a key, a campaign's files, and a station that trusts the key.

#include <fstream>
#include <string>
#include <vector>

#include "loa/campaign_bundle.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa::test {

struct District {
  TempDir dir;
  SecretKey key;
  std::vector<PublicKey> trusted;

  District() {
    make_key_pair("lap-vo", dir.path());
    read_secret_key(dir / "lap-vo.key", key);
    trusted.push_back(read_public_key(dir / "lap-vo.pub"));
    dir.write("src/programme.yaml",
              "programmes:\n  - id: lua-dao\n    zones: all\n    slots: [{at: \"06:00\", play: "
              "[canh-bao.wav]}]\n");
    dir.write("src/canh-bao.wav", std::string(1000, 'a'));
    dir.write("src/nhac/nen.wav", std::string(2000, 'b'));
  }

  BundleSource source(std::uint64_t version = 1) const {
    BundleSource s;
    s.district = "lap-vo";
    s.campaign = "lua-dao";
    s.version = version;
    s.valid_from = date::year{2027} / 1 / 1;
    s.valid_until = date::year{2027} / 6 / 30;
    s.programme = dir / "src/programme.yaml";
    s.clips_dir = dir / "src";
    s.clips = {"canh-bao.wav", "nhac/nen.wav"};
    return s;
  }

  BundleCheck check(Date today = date::year{2027} / 1 / 15) const {
    return BundleCheck{&trusted, "lap-vo", today};
  }

  // Writes `manifest` as the bundle's manifest, signed by `key`: for manifests loa sign refuses.
  void sign_manifest(const std::filesystem::path& bundle, const std::string& manifest) const {
    std::ofstream(bundle / "manifest.json", std::ios::binary | std::ios::trunc) << manifest;
    const auto sig = sign_bytes(key, manifest);
    std::ofstream(bundle / "manifest.sig", std::ios::trunc)
        << "loa-ed25519-signature lap-vo " << to_base64(sig.data(), sig.size()) << "\n";
  }
};

}  // namespace loa::test
