#pragma once
// The district's campaigns (issue 13) as programmes of the station: read from
// state/campaigns/ID/, named campaign/ID/PROGRAMME (and their playlists campaign/ID/PLAYLIST),
// their clips in the campaign's own folder, each valid only within the bundle's window.

#include "loa/campaign_store.hpp"
#include "loa/diagnostics.hpp"
#include "loa/programme.hpp"
#include "loa/signing_key.hpp"

namespace loa {

// Reads one campaign's programme file into `st`. Problems go to `d` at the file's lines.
void read_campaign(const HeldCampaign& held, Station& st, Diagnostics& d);

// Adds every campaign the station holds that is still signed by one of `trusted` (station.trust,
// read_trust_list), for station.district, and reads without error. Any other is left out with a
// warning saying why, so one bad campaign never keeps the station from airing the rest.
void load_campaigns(Station& st, const std::vector<PublicKey>& trusted, Diagnostics& d);

}  // namespace loa
