#pragma once
// The keys a station trusts: `station.trust`, read for every load so that removing a key from the
// list stops what it signed at the next start or reload.

#include <vector>

#include "loa/campaign_store.hpp"
#include "loa/diagnostics.hpp"
#include "loa/signing_key.hpp"
#include "loa/station_settings.hpp"

namespace loa {

// Each key file named in station.trust; a file that is missing or not a public key is an error
// at its line. Also checks station.district's spelling when set.
std::vector<PublicKey> read_trust_list(const StationSettings& s, Diagnostics& d);

// Throws BundleRefused when a held campaign is no longer signed by a trusted key, is for another
// district, or its programme file is not the one signed. (Its clips were hashed at install; they
// are not read again at every load.)
void check_held_campaign(const HeldCampaign& held, const std::vector<PublicKey>& trusted,
                         std::string_view district);

}  // namespace loa
