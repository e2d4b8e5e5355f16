#include "command_campaign.hpp"

#include <iostream>

#include "commands.hpp"
#include "loa/campaign_install.hpp"
#include "loa/journal.hpp"
#include "loa/station_loader.hpp"
#include "loa/station_time.hpp"
#include "loa/trust_list.hpp"

namespace loa {

int run_key_new(const KeyArgs& args) {
  try {
    make_key_pair(args.name, args.dir);
  } catch (const KeyError& e) {
    std::cerr << "loa key new: " << e.what() << '\n';
    return kExitInvalid;
  }
  std::cout << "wrote " << (args.dir / (args.name + ".key")).string()
            << " (secret: keep it at the district, never send it) and "
            << (args.dir / (args.name + ".pub")).string()
            << " (public: each station lists it in station.trust)\n";
  return kExitOk;
}

int run_sign(const SignArgs& args) {
  BundleSource source;
  source.district = args.district;
  source.campaign = args.campaign;
  source.version = args.version;
  std::string why;
  const auto from = parse_date(args.valid_from, why);
  if (!from) {
    std::cerr << "loa sign: --valid-from: " << why << '\n';
    return kExitUsage;
  }
  const auto until = parse_date(args.valid_until, why);
  if (!until) {
    std::cerr << "loa sign: --valid-until: " << why << '\n';
    return kExitUsage;
  }
  source.valid_from = *from;
  source.valid_until = *until;
  source.programme = args.programme;
  source.clips_dir = args.clips_dir.empty() ? args.programme.parent_path() : args.clips_dir;
  source.clips = args.clips;
  try {
    SecretKey key;
    read_secret_key(args.key, key);
    const CampaignManifest m = write_bundle(source, key, args.out);
    std::cout << "signed campaign " << m.campaign << " version " << m.version << " for district "
              << m.district << " (" << m.clips.size() << " clip(s), valid "
              << format_date(m.valid_from) << " to " << format_date(m.valid_until) << ") into "
              << args.out.string() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "loa sign: " << e.what() << '\n';
    return kExitInvalid;
  }
  return kExitOk;
}

namespace {

// The station's settings and trusted keys; nullopt after saying why on stderr.
std::optional<std::pair<Station, std::vector<PublicKey>>> station_and_keys(
    const std::filesystem::path& config, const char* command) {
  Diagnostics d;
  Station st = load_station(config, d);
  Diagnostics keys_d;
  auto keys = read_trust_list(st.settings, keys_d);
  if (st.settings.zone == nullptr || keys_d.has_errors()) {
    keys_d.print(std::cerr);
    std::cerr << command << ": " << config.string()
              << " needs a time zone and readable station.trust keys; fix them and try again\n";
    return std::nullopt;
  }
  if (st.settings.district.empty() || keys.empty()) {
    std::cerr << command << ": " << config.string()
              << " takes no campaigns: set station.district and list the district's public key "
                 "in station.trust\n";
    return std::nullopt;
  }
  return std::make_pair(std::move(st), std::move(keys));
}

void journal_action(const StationSettings& s, const std::string& from, const std::string& what) {
  try {
    Journal journal(journal_path(s));
    journal.record_action(
        std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()),
        "district", from, what);
  } catch (const std::exception& e) {
    std::cerr << "loa campaign: could not journal it: " << e.what() << '\n';
  }
}

}  // namespace

int run_campaign_install(const CampaignArgs& args) {
  const char* command = "loa campaign install";
  auto loaded = station_and_keys(args.config, command);
  if (!loaded) return kExitInvalid;
  const Station& st = loaded->first;
  const auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  const std::string from = args.bundle.string();
  try {
    const auto done = install_campaign_bundle(
        args.config, args.bundle, now,
        [&](const std::string& what) { journal_action(st.settings, from, what); }, std::cerr);
    std::cout << done.what << '\n';
    return kExitOk;
  } catch (const BundleRefused& e) {
    std::cerr << command << ": " << from << ": refused: " << e.what()
              << "; the station keeps what it had\n";
    return kExitInvalid;
  } catch (const std::exception& e) {
    std::cerr << command << ": " << from << ": " << e.what() << "; the station keeps what it had\n";
    return kExitInvalid;
  }
}

int run_campaign_list(const CampaignArgs& args) {
  auto loaded = station_and_keys(args.config, "loa campaign list");
  if (!loaded) return kExitInvalid;
  const Station& st = loaded->first;
  const auto held = held_campaigns(st.settings.state);
  if (held.empty()) std::cout << "no campaigns held\n";
  for (const auto& c : held) {
    std::string state = "airs";
    try {
      check_held_campaign(c, loaded->second, st.settings.district);
    } catch (const BundleRefused& e) {
      state = std::string("left out: ") + e.what();
    }
    std::cout << "campaign/" << c.manifest.campaign << "  version " << c.manifest.version << "  "
              << format_date(c.manifest.valid_from) << " to " << format_date(c.manifest.valid_until)
              << "  " << c.manifest.clips.size() << " clip(s)  " << state << '\n';
  }
  return kExitOk;
}

}  // namespace loa
