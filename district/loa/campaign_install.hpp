#pragma once
// Installing a campaign bundle on a station, as `loa campaign install` does and as the district
// link does for a campaign that arrived over MQTT: verified against station.trust, installed with
// campaign_store only if its programme reads on this station, and journaled either way.

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

#include "loa/campaign_store.hpp"
#include "loa/station_time.hpp"

namespace loa {

struct Station;

struct CampaignInstall {
  Installed done;
  std::string what;  // "campaign lua-dao version 2 installed over version 1, signed by ..."
};

// Verifies the bundle folder `bundle` (signature, manifest, district, window, every file, version)
// and installs it into the station's state folder. `journal(what)` records an install or a
// refusal (not an "already held"). The programme's own errors go to `diagnostics`. `own_files`:
// the folder is the station's own (CampaignReceiver's), see VerifiedBundle.
// Throws BundleRefused with the reason (after journaling "campaign bundle refused: REASON"), or
// std::runtime_error for a station that takes no campaigns or an I/O failure (not journaled).
CampaignInstall install_campaign_bundle(const std::filesystem::path& config,
                                        const std::filesystem::path& bundle, UtcTime now,
                                        const std::function<void(const std::string&)>& journal,
                                        std::ostream& diagnostics, bool own_files = false);

}  // namespace loa
