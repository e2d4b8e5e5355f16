#include "loa/campaign_programmes.hpp"

#include <algorithm>
#include <set>

#include "loa/programme_reader.hpp"
#include "loa/trust_list.hpp"
#include "loa/yaml_read.hpp"

namespace loa {

namespace {

void narrow_validity(Programme& p, const CampaignManifest& m) {
  p.valid_from = p.valid_from ? std::max(*p.valid_from, m.valid_from) : m.valid_from;
  p.valid_until = p.valid_until ? std::min(*p.valid_until, m.valid_until) : m.valid_until;
}

// Points the campaign's playlist items at its own playlists; one it does not hold is an error
// here, so that a campaign never reaches into the station's playlists.
void rename_playlists(std::vector<PlayItem>& items, const std::string& prefix,
                      const std::set<std::string>& own, Diagnostics& d) {
  for (auto& item : items) {
    if (item.kind != PlayItem::Kind::playlist) continue;
    if (own.count(item.ref) == 0) {
      d.error(item.pos, {"campaign.playlist.unknown", {{"playlist", item.ref}}});
    }
    item.ref = prefix + item.ref;
  }
}

template <typename T>
void check_unique(const std::vector<T>& things, MessageCode code, Diagnostics& d) {
  std::set<std::string> seen;
  for (const auto& t : things) {
    if (!t.id.empty() && !seen.insert(t.id).second) d.error(t.pos, {code, {{"id", t.id}}});
  }
}

}  // namespace

void read_campaign(const HeldCampaign& held, Station& st, Diagnostics& d) {
  const std::string file = held.programme().string();
  auto root = load_yaml_file(file, file, d);
  if (!root || root->is_null()) return;
  MapReader r(*root, "campaign file (only programmes and playlists may be here)",
              {"programmes", "playlists"}, d);
  if (!r.ok()) return;
  StationSettings settings = st.settings;
  settings.clips = held.clips();
  std::vector<Programme> programmes;
  std::vector<Playlist> playlists;
  if (const auto* v = r.get("programmes")) read_programmes(*v, settings, programmes, d);
  if (const auto* v = r.get("playlists")) read_playlists(*v, settings, playlists, d);

  check_unique(programmes, "campaign.programme.duplicate", d);
  check_unique(playlists, "campaign.playlist.duplicate", d);
  std::set<std::string> own;
  for (const auto& p : playlists) own.insert(p.id);
  const std::string prefix = "campaign/" + held.manifest.campaign + "/";
  for (auto& p : programmes) {
    p.id = prefix + p.id;
    narrow_validity(p, held.manifest);
    for (auto& slot : p.slots) rename_playlists(slot.play, prefix, own, d);
    if (p.on_demand) rename_playlists(p.on_demand->play, prefix, own, d);
    st.programmes.push_back(std::move(p));
  }
  for (auto& p : playlists) {
    p.id = prefix + p.id;
    st.playlists.push_back(std::move(p));
  }
  st.files.push_back(held.programme());
}

void load_campaigns(Station& st, const std::vector<PublicKey>& trusted, Diagnostics& d) {
  const auto held = held_campaigns(st.settings.state);
  for (const auto& c : held) {
    const std::vector<MessageParam> which = {{"campaign", c.manifest.campaign},
                                             {"version", c.manifest.version},
                                             {"dir", c.dir.string()}};
    try {
      check_held_campaign(c, trusted, st.settings.district);
    } catch (const BundleRefused& e) {
      auto params = which;
      params.emplace_back("why", e.what());
      d.warning(st.settings.district_pos, {"campaign.left_out", std::move(params)});
      continue;
    }
    Diagnostics own;
    Station read;
    read.settings = st.settings;
    read_campaign(c, read, own);
    if (own.has_errors()) {
      const auto first = std::find_if(own.all().begin(), own.all().end(), [](const Diagnostic& x) {
        return x.severity == Severity::error;
      });
      auto params = which;
      params.emplace_back("errors", own.error_count());
      params.emplace_back("first", first->where.str() + ": " + first->message);
      d.warning(st.settings.district_pos, {"campaign.left_out_errors", std::move(params)});
      continue;
    }
    for (auto& p : read.programmes) st.programmes.push_back(std::move(p));
    for (auto& p : read.playlists) st.playlists.push_back(std::move(p));
    for (auto& f : read.files) st.files.push_back(std::move(f));
  }
}

}  // namespace loa
