#include "command_district.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <limits>

#include "commands.hpp"
#include "loa/campaign_push.hpp"
#include "loa/district_config.hpp"
#include "loa/district_daemon.hpp"
#include "loa/district_report.hpp"
#include "loa/district_server.hpp"
#include "loa/district_status.hpp"
#include "loa/station_time.hpp"
#include "loa/yaml_read.hpp"

namespace loa {

namespace {

// Set from a signal handler: a lock-free atomic store is async-signal-safe.
std::atomic<bool> daemon_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void stop_daemon(int /*signal*/) {
  daemon_stop.store(true);
}

UtcTime now() {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

// district.yaml, or nullopt after printing every problem.
std::optional<DistrictConfig> district_config(const std::filesystem::path& file,
                                              const char* command) {
  Diagnostics d;
  DistrictConfig c = load_district_config(file, d);
  if (d.has_errors() || d.warning_count() > 0) d.print(std::cerr, language_from_environment());
  if (d.has_errors()) {
    std::cerr << command << ": fix " << file.string() << " and try again\n";
    return std::nullopt;
  }
  return c;
}

// What CAMPAIGN.yaml names: a campaign to sign with the district's key before it is pushed.
//   campaign: lua-dao
//   version: 3
//   valid_from: 2027-01-01
//   valid_until: 2027-06-30
//   programme: programme.yaml
//   clips: [canh-bao-lua-dao.mp3]
//   clips_dir: clips          # optional; default: the programme file's folder
std::optional<BundleSource> read_campaign_file(const std::filesystem::path& file,
                                               const DistrictConfig& config, Diagnostics& d) {
  const auto root = load_yaml_file(file, file.string(), d);
  if (!root) return std::nullopt;
  BundleSource s;
  s.district = config.id;
  const auto relative = [&](const std::string& p) {
    const std::filesystem::path path(p);
    return path.is_absolute() ? path : file.parent_path() / path;
  };
  {
    MapReader r(
        *root, "campaign file",
        {"campaign", "version", "valid_from", "valid_until", "programme", "clips", "clips_dir"}, d);
    if (!r.ok()) return std::nullopt;
    if (const auto* v = r.require("campaign")) {
      s.campaign = read_text(*v, "campaign id", d).value_or("");
      if (!s.campaign.empty() && !is_campaign_id(s.campaign)) {
        d.error(v->pos, {"campaign_file.bad_id", {{"id", s.campaign}}});
      }
    }
    if (const auto* v = r.require("version")) {
      s.version = static_cast<std::uint64_t>(
          read_integer(*v, "version", 1, std::numeric_limits<long>::max(), d).value_or(1));
    }
    if (const auto* v = r.require("valid_from"))
      s.valid_from = read_date(*v, "valid_from", d).value_or(Date{});
    if (const auto* v = r.require("valid_until"))
      s.valid_until = read_date(*v, "valid_until", d).value_or(Date{});
    if (const auto* v = r.require("programme")) {
      if (auto p = read_text(*v, "programme file", d)) s.programme = relative(*p);
    }
    s.clips_dir = s.programme.parent_path();
    if (const auto* v = r.get("clips_dir")) {
      if (auto p = read_text(*v, "clips folder", d)) s.clips_dir = relative(*p);
    }
    if (const auto* v = r.get("clips")) {
      for (const YamlNode* c :
           read_list(*v, "clips (a list of the clips the programme plays)", true, d)) {
        if (auto name = read_text(*c, "clip", d)) s.clips.push_back(*name);
      }
    }
  }
  if (d.has_errors()) return std::nullopt;
  return s;
}

// Signs the campaign into DATABASE_DIR/bundles/CAMPAIGN-vVERSION (kept: it is what was pushed).
// The same version signed again must give the same manifest.
std::filesystem::path sign_campaign(const BundleSource& s, const SecretKey& key,
                                    const DistrictConfig& config) {
  const auto bundles = config.database.parent_path() / "bundles";
  std::filesystem::create_directories(bundles);
  const auto final_dir = bundles / (s.campaign + "-v" + std::to_string(s.version));
  const auto staging = bundles / ("." + s.campaign + "-v" + std::to_string(s.version) + ".tmp-" +
                                  std::to_string(::getpid()));
  std::filesystem::remove_all(staging);
  write_bundle(s, key, staging);
  if (std::filesystem::exists(final_dir)) {
    std::string a;
    std::string b;
    {
      std::ifstream x(staging / "manifest.json", std::ios::binary);
      std::ifstream y(final_dir / "manifest.json", std::ios::binary);
      a.assign(std::istreambuf_iterator<char>(x), {});
      b.assign(std::istreambuf_iterator<char>(y), {});
    }
    std::filesystem::remove_all(staging);
    if (a != b) {
      throw BundleRefused("version " + std::to_string(s.version) + " of campaign " + s.campaign +
                          " was signed before with other contents (" + final_dir.string() +
                          "); stations would refuse it: raise its version");
    }
    return final_dir;
  }
  std::filesystem::rename(staging, final_dir);
  return final_dir;
}

}  // namespace

int run_district_push(const DistrictArgs& args) {
  const char* command = "loa district push";
  const auto config = district_config(args.config, command);
  if (!config) return kExitInvalid;
  try {
    SecretKey key;
    read_secret_key(config->key, key);
    // An ed25519 secret key (libsodium's layout) ends with its public half.
    PublicKey own{key.name, {}, config->key};
    std::copy(key.bytes.begin() + 32, key.bytes.end(), own.bytes.begin());
    std::filesystem::path bundle = args.campaign;
    if (!std::filesystem::is_directory(args.campaign)) {
      Diagnostics d;
      const auto source = read_campaign_file(args.campaign, *config, d);
      if (!source) {
        d.print(std::cerr, language_from_environment());
        std::cerr << command << ": fix " << args.campaign.string()
                  << " and try again; nothing was pushed\n";
        return kExitInvalid;
      }
      bundle = sign_campaign(*source, key, *config);
      std::cout << "signed " << source->campaign << " version " << source->version << " into "
                << bundle.string() << '\n';
    }
    const std::vector<PublicKey> trusted{own};
    const UtcTime t = now();
    const VerifiedBundle verified =
        verify_bundle(bundle, BundleCheck{&trusted, config->id, local_date(t, config->zone)});
    const CampaignPush push = campaign_messages(verified, config->id, t);
    DistrictStore store(config->database, config->id);
    const std::size_t recorded = store.record_push(push.campaign, push.manifest, push.messages);
    const auto& m = verified.manifest;
    std::cout << "campaign " << m.campaign << " version " << m.version << " (valid "
              << format_date(m.valid_from) << " to " << format_date(m.valid_until) << ", "
              << push.campaign.slots.size() << " slot(s)): 1 campaign message and "
              << push.clip_chunks << " clip chunk(s) of " << push.clip_bytes << " bytes; "
              << recorded << " message(s) recorded for the district daemon to publish to "
              << "loa/" << config->id << "/campaigns/" << m.campaign << '\n';
    return kExitOk;
  } catch (const BundleRefused& e) {
    std::cerr << command << ": " << args.campaign.string() << ": refused: " << e.what()
              << "; nothing was pushed\n";
    return kExitInvalid;
  } catch (const std::exception& e) {
    std::cerr << command << ": " << e.what() << "; nothing was pushed\n";
    return kExitInvalid;
  }
}

int run_district_status(const DistrictArgs& args) {
  const char* command = "loa district status";
  const auto config = district_config(args.config, command);
  if (!config) return kExitInvalid;
  try {
    DistrictStore store(config->database, config->id);
    const UtcTime t = now();
    const auto communes = district_status(*config, store, t);
    if (args.json) {
      print_status_json(std::cout, *config, communes, t);
    } else {
      print_status_text(std::cout, *config, communes, t, language_from_environment());
    }
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return kExitInvalid;
  }
}

int run_district_report(const DistrictArgs& args) {
  const char* command = "loa district report";
  const auto config = district_config(args.config, command);
  if (!config) return kExitInvalid;
  std::string why;
  const auto from = parse_date(args.from, why);
  if (!from) {
    std::cerr << command << ": --from: " << why << '\n';
    return kExitUsage;
  }
  const auto to = args.to.empty() ? from : parse_date(args.to, why);
  if (!to) {
    std::cerr << command << ": --to: " << why << '\n';
    return kExitUsage;
  }
  const date::local_days first{*from};
  const date::local_days last{*to};
  if (last < first) {
    std::cerr << command << ": --to is before --from (both days are included)\n";
    return kExitUsage;
  }
  try {
    DistrictStore store(config->database, config->id);
    const DistrictReport report = district_report_for(*config, store, *from, *to);
    const Language lang = language_from_environment();
    if (args.format == "csv") {
      print_district_report_csv(std::cout, report, lang);
    } else if (args.format == "json") {
      print_district_report_json(std::cout, report);
    } else {
      print_district_report_text(std::cout, report, lang);
    }
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return kExitInvalid;
  }
}

int run_district_daemon_command(const DistrictArgs& args) {
  const char* command = "loa district";
  if (args.config.empty()) {
    std::cerr << command
              << ": give --config district.yaml to run the district daemon, or one of push, "
                 "status, report (loa district --help)\n";
    return kExitUsage;
  }
  auto config = district_config(args.config, command);
  if (!config) return kExitInvalid;
  if (!args.listen.empty()) config->control_listen = args.listen;
  std::signal(SIGINT, stop_daemon);
  std::signal(SIGTERM, stop_daemon);
  try {
    std::cerr << command << ": " << config->name << " (" << config->id << "), "
              << config->communes.size() << " commune(s); database " << config->database.string()
              << "; broker " << config->broker << '\n';
    // The page runs on its own threads with its own database connections: it answers while the
    // broker is away, and the daemon never waits for it.
    DistrictServer page(*config);
    if (const std::string url = page.start(); !url.empty()) {
      std::cerr << command << ": the district's page on " << url << " (accounts: loa user add NAME "
                << "--district-config " << args.config.string() << ")\n";
    }
    const DistrictDaemonCounts counts = run_district_daemon(*config, daemon_stop, std::cerr);
    std::cerr << command << ": stopped; stored " << counts.stored << " station message(s), refused "
              << counts.refused << ", published " << counts.published << " push message(s)\n";
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return kExitInvalid;
  }
}

}  // namespace loa
