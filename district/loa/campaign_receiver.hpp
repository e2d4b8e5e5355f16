#pragma once
// Receiving campaigns over the district wire: a campaign message (its signed manifest and
// programme) and its clips in chunks, assembled in STATE/incoming/ and handed to the install
// (campaign_install) only when every clip is whole and has the SHA-256 the manifest names, so a
// half-received campaign never airs. A signature that does not verify, or a campaign for another
// district, is refused before a single chunk is asked for.
//
// Not thread-safe: the station link calls it from its own thread only. Every refusal is a
// WireRefused or BundleRefused the caller journals; nothing here throws anything else for what a
// message holds (I/O failures throw std::runtime_error).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "loa/campaign_manifest.hpp"
#include "loa/signing_key.hpp"

namespace loa {

struct ReceiverHooks {
  // Subscribe to / leave a clip's chunks (loa/D/clips/SHA/+).
  std::function<void(const std::string& sha256)> want_clip;
  std::function<void(const std::string& sha256)> drop_clip;
  // The keys in station.trust now.
  std::function<std::vector<PublicKey>()> trusted;
  // Installs the whole bundle folder (campaign_install); false when it is refused (the hook has
  // said why). A refused campaign message is not taken again (when it is sent again at the next
  // connection, being retained) until the district changes it.
  std::function<bool(const std::filesystem::path& bundle)> install;
};

class CampaignReceiver {
 public:
  CampaignReceiver(std::filesystem::path state, std::string district, ReceiverHooks hooks);

  // A message on loa/D/campaigns/CAMPAIGN. An empty payload withdraws it from the broker: what is
  // pending for it is forgotten (a held campaign stays until it expires). Throws WireRefused or
  // BundleRefused.
  void campaign(std::string_view campaign, std::string_view payload);
  // Chunk `index` of the clip `sha256` (both as the topic names them, unchecked).
  void chunk(std::string_view sha256, std::string_view index, std::string_view payload);

  // Campaigns waiting for clips, and how many clips they still miss.
  std::map<std::string, std::size_t> pending() const;

 private:
  struct Pending {
    CampaignManifest manifest;
    std::string manifest_text;
    std::string signature;
    std::string programme;
    std::string fingerprint;  // of the campaign message
  };
  struct Clip {
    std::uint64_t bytes = 0;
    std::vector<bool> received;
  };

  std::filesystem::path incoming() const { return state_ / "incoming"; }
  std::filesystem::path whole(const std::string& sha) const;
  bool have(const std::string& sha) const;
  void try_install(const std::string& campaign);
  void forget(const std::string& campaign);

  std::filesystem::path state_;
  std::string district_;
  ReceiverHooks hooks_;
  std::map<std::string, Pending> pending_;  // by campaign
  std::map<std::string, Clip> clips_;       // wanted, by sha256
  std::set<std::string> refused_;           // manifests refused (by hash), not journaled again
  std::set<std::string> done_;              // clips received whole (late chunks are ignored)
};

}  // namespace loa
