#include "loa/campaign_install.hpp"

#include <ostream>

#include "loa/campaign_programmes.hpp"
#include "loa/station_loader.hpp"
#include "loa/trust_list.hpp"

namespace loa {

CampaignInstall install_campaign_bundle(const std::filesystem::path& config,
                                        const std::filesystem::path& bundle, UtcTime now,
                                        const std::function<void(const std::string&)>& journal,
                                        std::ostream& diagnostics, bool own_files) {
  Diagnostics d;
  const Station st = load_station(config, d);
  Diagnostics keys_d;
  const auto keys = read_trust_list(st.settings, keys_d);
  if (st.settings.zone == nullptr || keys_d.has_errors()) {
    keys_d.print(diagnostics);
    throw std::runtime_error(config.string() +
                             " needs a time zone and readable station.trust keys; fix them and "
                             "try again");
  }
  if (st.settings.district.empty() || keys.empty()) {
    throw std::runtime_error(config.string() +
                             " takes no campaigns: set station.district and list the district's "
                             "public key in station.trust");
  }
  try {
    const BundleCheck check{&keys, st.settings.district, local_date(now, st.settings.zone)};
    VerifiedBundle verified = verify_bundle(bundle, check);
    verified.own_files = own_files;
    const auto& m = verified.manifest;
    CampaignInstall out;
    out.done = install_campaign(verified, st.settings.state, [&](const HeldCampaign& c) {
      Diagnostics programme_d;
      Station read;
      read.settings = st.settings;
      read_campaign(c, read, programme_d);
      if (programme_d.has_errors()) {
        programme_d.print(diagnostics);
        throw BundleRefused("its programme file has " + std::to_string(programme_d.error_count()) +
                            " error(s) on this station");
      }
    });
    const std::string version = "campaign " + m.campaign + " version " + std::to_string(m.version);
    switch (out.done.outcome) {
      case InstallOutcome::installed:
        out.what = version + " installed";
        break;
      case InstallOutcome::updated:
        out.what = version + " installed over version " + std::to_string(out.done.previous_version);
        break;
      case InstallOutcome::already_held:
        out.what = version + " already held";
        break;
    }
    out.what += ", signed by " + verified.signed_by + ", airs " + format_date(m.valid_from) +
                " to " + format_date(m.valid_until);
    if (out.done.outcome != InstallOutcome::already_held) journal(out.what);
    return out;
  } catch (const BundleRefused& e) {
    journal(std::string("campaign bundle refused: ") + e.what());
    throw;
  }
}

}  // namespace loa
