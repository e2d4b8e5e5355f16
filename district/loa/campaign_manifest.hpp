#pragma once
// The signed part of a campaign bundle: what the district says the bundle holds. The signature
// covers manifest.json's exact bytes, and the manifest names every other file by its SHA-256, so
// one signature covers the whole bundle.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "loa/values.hpp"

namespace loa {

// A bundle the station will not take; what() is the reason, in words for the journal.
struct BundleRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr int kBundleSchema = 1;

struct BundleFile {
  std::string name;    // the clip's name in the programme (relative to the campaign's clips)
  std::string sha256;  // lowercase hex; the file travels as clips/SHA256
  std::uint64_t bytes = 0;
};

struct CampaignManifest {
  int schema = kBundleSchema;
  std::string district;  // the district's id, as its stations name it in `station.district`
  std::string campaign;  // becomes the programmes' namespace: campaign/ID
  std::uint64_t version = 1;
  Date valid_from;
  Date valid_until;  // inclusive
  BundleFile programme;
  std::vector<BundleFile> clips;
};

// A campaign or district id: 1..64 of a-z, 0-9 and '-'.
bool is_campaign_id(std::string_view id);

// A clip name safe to write under the campaign's folder: relative, '/'-separated parts, none
// empty, "." or "..", no backslash or control character, at most 255 bytes a part and 1024 in all.
bool is_safe_clip_name(std::string_view name);

std::string manifest_to_json(const CampaignManifest& m);
// Throws BundleRefused for anything malformed, an unknown schema, an unsafe name or id, an empty
// or inverted validity window, a repeated clip, or more than kMaxBundleClips clips.
CampaignManifest manifest_from_json(std::string_view text);

inline constexpr std::size_t kMaxBundleClips = 1000;
inline constexpr std::uint64_t kMaxBundleBytes = 4ull << 30;     // 4 GiB of clips in all
inline constexpr std::uint64_t kMaxProgrammeBytes = 1ull << 20;  // 1 MiB
inline constexpr std::uint64_t kMaxManifestBytes = 1ull << 20;   // 1 MiB

}  // namespace loa
