// Feeds arbitrary bytes as a campaign bundle's manifest (what a district, or anyone on the
// network, can send a station): reading must never crash and must throw nothing but
// BundleRefused; a manifest it accepts names no clip outside the campaign and reads back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "loa/campaign_manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const loa::CampaignManifest m = loa::manifest_from_json(text);
    for (const auto& c : m.clips) {
      if (!loa::is_safe_clip_name(c.name)) std::abort();
    }
    const loa::CampaignManifest again = loa::manifest_from_json(loa::manifest_to_json(m));
    if (again.clips.size() != m.clips.size() || again.version != m.version ||
        again.campaign != m.campaign) {
      std::abort();
    }
  } catch (const loa::BundleRefused&) {
  }
  return 0;
}
