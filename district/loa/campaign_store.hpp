#pragma once
// The campaigns a station holds: state/campaigns/ID/ with the verified bundle's manifest,
// signature, programme.yaml and clips/NAME. A campaign folder only ever appears whole (it is
// assembled beside, checked again, then renamed into place), so a half-received or refused bundle
// never airs and never replaces what the station had.
//
// Not thread-safe: one writer at a time (the station lock, or `loa campaign install` run by hand).

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loa/campaign_bundle.hpp"

namespace loa {

struct HeldCampaign {
  CampaignManifest manifest;
  std::filesystem::path dir;  // state/campaigns/ID
  std::filesystem::path programme() const { return dir / "programme.yaml"; }
  std::filesystem::path clips() const { return dir / "clips"; }
};

enum class InstallOutcome { installed, updated, already_held };

struct Installed {
  InstallOutcome outcome;
  std::uint64_t previous_version = 0;  // 0 when the campaign is new
};

// Installs a verified bundle. `accept` sees the campaign assembled in its staging folder before it
// replaces anything, and throws BundleRefused if the station cannot air it (its programme does not
// read). Throws BundleRefused for a replay (a version older than the one held, or the held version
// with other contents) and for copies that do not match the manifest; std::runtime_error for I/O.
// On any throw the held campaign is untouched.
Installed install_campaign(const VerifiedBundle& bundle, const std::filesystem::path& state,
                           const std::function<void(const HeldCampaign&)>& accept);

// The campaigns held, by id. A folder whose manifest cannot be read is skipped. Reads only, so it
// is safe beside an install; a campaign an install left aside (a power cut between its two
// renames) is still found, and the next install puts it back.
std::vector<HeldCampaign> held_campaigns(const std::filesystem::path& state);

}  // namespace loa
