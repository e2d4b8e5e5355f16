#include "loa/trust_list.hpp"

namespace loa {

std::vector<PublicKey> read_trust_list(const StationSettings& s, Diagnostics& d) {
  if (!s.district.empty() && !is_campaign_id(s.district)) {
    d.error(s.district_pos, {"district.bad_id", {{"id", s.district}}});
  }
  std::vector<PublicKey> keys;
  for (const auto& [file, pos] : s.trust) {
    try {
      keys.push_back(read_public_key(file));
    } catch (const KeyError& e) {
      d.error(pos, {"trust.bad_key", {{"why", e.what()}}});
    }
  }
  return keys;
}

void check_held_campaign(const HeldCampaign& held, const std::vector<PublicKey>& trusted,
                         std::string_view district) {
  const SignedManifest m = read_signed_manifest(held.dir, trusted);
  check_district(m.manifest, district);
  check_bundle_file(held.programme(), m.manifest.programme, "the programme file");
}

}  // namespace loa
