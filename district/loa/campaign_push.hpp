#pragma once
// A verified campaign bundle as the messages the district publishes (docs/district.md, "Wire"):
// loa/DISTRICT/campaigns/CAMPAIGN (the signed manifest, its signature and the programme, in JSON)
// and loa/DISTRICT/clips/SHA256/N (each clip in chunks of kClipChunkBytes), all retained.

#include <cstddef>
#include <string>
#include <vector>

#include "loa/campaign_bundle.hpp"
#include "loa/district_store.hpp"

namespace loa {

inline constexpr std::size_t kClipChunkBytes = 262144;
inline constexpr std::size_t kMaxCampaignMessageBytes = 4u << 20;

struct CampaignPush {
  PushedCampaign campaign;                // with its programmes' slots, for the report
  std::string manifest;                   // manifest.json's exact bytes
  std::vector<OutgoingMessage> messages;  // the campaign message first, then the chunks
  std::size_t clip_chunks = 0;
  std::uint64_t clip_bytes = 0;
};

// The chunks a clip of `bytes` travels in: ceil(bytes / kClipChunkBytes), so an empty clip sends
// none (the station knows it from the manifest's size).
std::size_t chunk_count(std::uint64_t bytes);

// Reads the bundle's files (already verified by verify_bundle) into messages for `district`.
// Throws BundleRefused when the campaign message would exceed kMaxCampaignMessageBytes, and
// std::runtime_error naming the file on I/O errors.
CampaignPush campaign_messages(const VerifiedBundle& bundle, const std::string& district,
                               UtcTime now);

// The slots of a campaign's programme file, one line each ("at: 06:00, days: [mon, wed]").
std::vector<PushedCampaign::Slot> programme_slots(const std::string& programme_yaml);

}  // namespace loa
