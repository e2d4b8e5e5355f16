// loa: a broadcast scheduler for loudspeaker radio stations.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "command_approve.hpp"
#include "command_campaign.hpp"
#include "command_client.hpp"
#include "command_devices.hpp"
#include "command_district.hpp"
#include "command_log.hpp"
#include "command_play.hpp"
#include "command_render.hpp"
#include "command_run.hpp"
#include "command_say.hpp"
#include "command_scan.hpp"
#include "command_user.hpp"
#include "commands.hpp"
#include "loa/decoding_helper.hpp"

namespace {

// The decoding helper: beside this executable (the build tree), else in ../lib/loa/ (the
// package: /usr/bin/loa, /usr/lib/loa/loa-decode-clip). If neither is there, the packaged place,
// which the reason of an AAC clip then names as missing.
std::filesystem::path decoding_helper_program() {
  constexpr const char* kName = "loa-decode-clip";
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::filesystem::path("/usr/lib/loa") / kName;
  const auto beside = self.parent_path() / kName;
  if (::access(beside.c_str(), X_OK) == 0) return beside;
  return self.parent_path().parent_path() / "lib" / "loa" / kName;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "loa: plays a loudspeaker station's programmes on time.\n"
      "Run 'loa COMMAND --help' for a command's options."};
  app.set_version_flag("--version", std::string("loa ") + LOA_VERSION);
  app.require_subcommand(1);

  loa::CheckArgs check;
  auto* c = app.add_subcommand("check",
                               "Check a station file and everything it uses; print every problem");
  c->add_option("--config", check.config, "The station file (YAML)")->required();
  c->add_option("--today", check.today, "Check as if today were this date (YYYY-MM-DD)");
  c->add_flag("--online", check.online,
              "Also connect to each relay for 3 s (codec, rate, channels, or why not) and look up "
              "each input's capture device; exit 1 if a relay cannot be reached");

  loa::PlanArgs plan;
  auto* p = app.add_subcommand("plan", "Show what airs when, after conflicts are resolved");
  p->add_option("--config", plan.config, "The station file (YAML)")->required();
  p->add_option("--from", plan.from,
                "Start: 2026-12-01 or 2026-12-01T06:00 (local), or with +07:00 (default: today)");
  p->add_option("--to", plan.to, "End, exclusive (default: a day after --from)");
  p->add_option("--days", plan.days, "Plan this many days from --from (instead of --to)")
      ->check(CLI::Range(1, 366 * 5));
  p->add_flag("--json", plan.json, "One JSON object per line per broadcast");
  p->add_flag("--items", plan.items, "Also list each item of each broadcast");

  loa::RenderArgs render;
  auto* r =
      app.add_subcommand("render", "Render what the air output carries in a window to a WAV file");
  r->add_option("--config", render.config, "The station file (YAML)")->required();
  r->add_option("--from", render.from, "Start, as for plan; sample 0 of the file")->required();
  r->add_option("--to", render.to, "End, exclusive")->required();
  r->add_option("--out", render.out, "The WAV file to write (16-bit, station rate)")->required();
  r->add_option("--as-run", render.as_run, "Also write what aired, one JSON object per line");

  loa::LogArgs log;
  auto* l = app.add_subcommand("log", "Show what aired: every broadcast the journal recorded");
  l->add_option("--config", log.config, "The station file (YAML)")->required();
  l->add_option("--from", log.from,
                "Start: 2026-12-01 or 2026-12-01T06:00 (local), or with +07:00 (default: today)");
  l->add_option("--to", log.to, "End, exclusive (default: a day after --from)");
  l->add_flag("--json", log.json, "One JSON object per line per broadcast");
  l->add_flag("--actions", log.actions,
              "Show who changed what through the control page or API, instead of broadcasts");

  loa::ReportArgs report;
  auto* o = app.add_subcommand(
      "report", "Count what aired per programme and per reference, with airtime per zone");
  o->add_option("--config", report.config, "The station file (YAML)")->required();
  o->add_option("--from", report.from, "First day, included (YYYY-MM-DD, station's local day)")
      ->required();
  o->add_option("--to", report.to, "Last day, also included (default: --from, one day)");
  o->add_option("--format", report.format, "text (default), csv (for spreadsheets) or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));

  auto* d = app.add_subcommand("devices", "List the sound devices loa can play on");

  loa::PlayArgs play;
  auto* y = app.add_subcommand(
      "play", "Preview clips on the preview device (audio.preview), never the air output");
  y->add_option("--device", play.device,
                "Device: a number or name from 'loa devices', default, or jack (default: "
                "audio.preview, or default without --config)");
  y->add_option("--config", play.config, "The station file (YAML): preview device, rate, loudness");
  y->add_flag("--no-normalize", play.no_normalize, "Play at the clips' own loudness");
  y->add_option("CLIP", play.clips, "The clips to play, in order")->required();

  loa::SayArgs say;
  auto* sy = app.add_subcommand(
      "say",
      "Speak a notice in the station's voice (audio.speech): on the preview device, or "
      "into a WAV clip with --out");
  sy->add_option("--config", say.config, "The station file (YAML)")->required();
  sy->add_option("TEXT", say.text, "The notice, as a say: item would hold it")->required();
  sy->add_option("--out", say.out, "Write the clip to this WAV file instead of playing it");
  sy->add_option("--device", say.device,
                 "Preview device (default: audio.preview), as for loa play");

  loa::RunArgs run;
  auto* u = app.add_subcommand(
      "run", "Air the station: play every broadcast on time until stopped (SIGTERM or Ctrl-C)");
  u->add_option("--config", run.config, "The station file (YAML)")->required();
  u->add_option("--output", run.output,
                "Air output instead of audio.output: a device from 'loa devices', jack, "
                "wav:PATH (record in real time) or null");
  u->add_flag("--verbose", run.verbose, "Also log debug lines");
  u->add_option("--listen", run.listen,
                "Serve the control page and API on ADDRESS:PORT (default 127.0.0.1:8686, this "
                "computer only; 0.0.0.0:8686 for the office network; off for none)");
  u->add_option("--tls-cert", run.tls_cert, "Serve HTTPS with this certificate (PEM)");
  u->add_option("--tls-key", run.tls_key, "The certificate's private key (PEM)");
  u->add_option("--max-upload-mb", run.max_upload_mb, "Largest clip upload, in MB (default 100)")
      ->check(CLI::Range(1, 4096));
  u->add_option("--district", run.district,
                "Join the district through its MQTT broker, mqtts://HOST:8883 (docs/district.md)");
  u->add_option("--district-credentials", run.district_credentials,
                "The station's account on the district's broker: user, password, ca (YAML, mode "
                "0600)");
  run.version = LOA_VERSION;

  // The command-line client of a running loa run (docs/api.md).
  loa::ClientArgs client;
  const auto client_options = [&client](CLI::App* a) {
    a->add_option("--config", client.config, "The station file (YAML): its API token")->required();
    a->add_option("--server", client.server,
                  "loa run's address (default: where it said it listens, else "
                  "http://127.0.0.1:8686)");
    a->add_flag("--insecure", client.insecure, "HTTPS without checking the certificate");
  };
  auto* st =
      app.add_subcommand("status", "Show what a running loa run has on air, and what is next");
  client_options(st);
  st->add_flag("--json", client.json, "The API's JSON as it is");
  auto* pn = app.add_subcommand(
      "play-now",
      "Air clips or an on-demand programme now through a running loa run (an emergency cuts in "
      "at once)");
  client_options(pn);
  pn->add_option("--zones", client.zones, "Zone ids (default: all)")->delimiter(',');
  pn->add_option("--priority", client.priority, "normal (default), high or emergency");
  pn->add_option("--programme", client.programme,
                 "Air an on-demand programme (on_demand: true) instead of clips: its own play "
                 "list, chime and priority");
  pn->add_option("CLIP", client.clips, "Clip names in the clips folder, in order");
  auto* sp = app.add_subcommand("stop", "Stop what a running loa run plays (fading out)");
  client_options(sp);
  sp->add_option("--zones", client.zones, "Zone ids (default: all)")->delimiter(',');
  auto* lv = app.add_subcommand(
      "live",
      "Speak live: put an input (the microphone) on air through a running loa run, after the "
      "chime, until Ctrl-C or --max");
  client_options(lv);
  lv->add_option("--zones", client.zones, "Zone ids (default: all yours)")->delimiter(',');
  lv->add_option("--priority", client.priority, "normal (default), high or emergency");
  lv->add_option("--input", client.input,
                 "An id of audio.inputs (default: the one named mic, else the first)");
  lv->add_option("--max", client.max, "Ends it after this long at most (default 30m, up to 4h)");

  loa::ScanArgs scan;
  auto* s = app.add_subcommand(
      "scan",
      "Measure clips' loudness and show the gain each gets on air (default target -16 LUFS)");
  s->add_option("--config", scan.config,
                "The station file: its clips, loudness target and cache (state/loudness.tsv)");
  s->add_flag("--json", scan.json, "One JSON object per line per clip");
  s->add_option("PATH", scan.paths, "Clips to measure (default: every clip of the station)");

  loa::UserArgs user;
  // A station's accounts (--config) or the district office's (--district-config); run_user
  // asks for one when neither is given.
  const auto accounts_of = [&user](CLI::App* command) {
    auto* station = command->add_option("--config", user.config, "The station file (YAML)");
    auto* office = command->add_option(
        "--district-config", user.district_config,
        "The district file (district.yaml): the accounts of the district's page");
    station->excludes(office);
  };
  auto* us = app.add_subcommand("user", "Manage the people who may log in to the control page");
  us->require_subcommand(1);
  auto* ua = us->add_subcommand(
      "add", "Add a person; the password is read from standard input (asked twice on a terminal)");
  ua->add_option("NAME", user.name, "Login name: letters, digits, . _ -")->required();
  ua->add_option("--role", user.role, "viewer, operator or admin")
      ->required()
      ->check(CLI::IsMember({"viewer", "operator", "admin"}));
  ua->add_option("--zones", user.zones, "Zone ids the person may play and stop on (default: all)")
      ->delimiter(',');
  ua->add_flag("--replace", user.replace, "Change an existing user's password, role and zones");
  accounts_of(ua);
  auto* ur = us->add_subcommand("remove", "Remove a person; they can no longer log in");
  ur->add_option("NAME", user.name, "Login name")->required();
  accounts_of(ur);
  auto* ul = us->add_subcommand("list", "List the people who may log in, with role and zones");
  accounts_of(ul);

  loa::KeyArgs key;
  auto* ky = app.add_subcommand("key", "Make the district's signing keys");
  ky->require_subcommand(1);
  auto* kn = ky->add_subcommand("new", "Make an ed25519 key pair: NAME.key (secret) and NAME.pub");
  kn->add_option("NAME", key.name, "The key's name, e.g. district-lap-vo")->required();
  kn->add_option("--dir", key.dir, "Folder to write the two files in (default: here)");

  loa::SignArgs sign;
  auto* sg = app.add_subcommand(
      "sign", "Sign a campaign bundle for a district's stations: a programme file and its clips");
  sg->add_option("--key", sign.key, "The district's secret key (NAME.key)")->required();
  sg->add_option("--district", sign.district, "The district's id (station.district)")->required();
  sg->add_option("--campaign", sign.campaign, "The campaign's id: it airs as campaign/ID")
      ->required();
  sg->add_option("--version", sign.version, "1, then higher for every change")->required();
  sg->add_option("--valid-from", sign.valid_from, "First day it may air (YYYY-MM-DD)")->required();
  sg->add_option("--valid-until", sign.valid_until, "Last day it may air (YYYY-MM-DD)")->required();
  sg->add_option("--clips", sign.clips_dir, "The clips' folder (default: the programme's)");
  sg->add_option("--out", sign.out, "The bundle folder to write (must not exist)")->required();
  sg->add_option("PROGRAMME", sign.programme, "The campaign's programme file (YAML)")->required();
  sg->add_option("CLIP", sign.clips, "Each clip the programme plays, as it names them");

  loa::ApproveArgs approve;
  auto* ap = app.add_subcommand(
      "approve",
      "Sign programme files for stations with station.approval: required (FILE.sig beside each)");
  ap->add_option("--key", approve.key, "The approving key (NAME.key, made by loa key new)")
      ->required();
  ap->add_option("FILE", approve.files, "Each programme file to approve, as it is now")->required();

  loa::CampaignArgs campaign;
  auto* cp = app.add_subcommand("campaign", "The district's signed campaigns on this station");
  cp->require_subcommand(1);
  auto* ci = cp->add_subcommand(
      "install", "Verify a signed bundle and install it (refused, and journaled, if it is not)");
  ci->add_option("--config", campaign.config, "The station file (YAML)")->required();
  ci->add_option("BUNDLE", campaign.bundle, "The bundle folder made by loa sign")->required();
  auto* cl = cp->add_subcommand("list", "List the campaigns held and whether each airs");
  cl->add_option("--config", campaign.config, "The station file (YAML)")->required();

  loa::DistrictArgs district;
  auto* ds = app.add_subcommand(
      "district",
      "The district office: with --config alone, its daemon (publishes pushes, stores what the "
      "communes send); or push, status, report");
  ds->add_option("--config", district.config,
                 "The district file (district.yaml): runs the district daemon until stopped");
  ds->add_option("--listen", district.listen,
                 "Serve the district's page on ADDRESS:PORT, or off (default: district.yaml's "
                 "control.listen, else off)");
  auto* dp = ds->add_subcommand(
      "push", "Record a signed campaign for the communes (a loa sign bundle, or CAMPAIGN.yaml)");
  dp->add_option("--config", district.config, "The district file (district.yaml)")->required();
  dp->add_option("CAMPAIGN", district.campaign, "A bundle folder, or a CAMPAIGN.yaml to sign")
      ->required();
  auto* dt = ds->add_subcommand("status", "Every commune: up or silent, on air, missed today");
  dt->add_option("--config", district.config, "The district file (district.yaml)")->required();
  dt->add_flag("--json", district.json, "One JSON object");
  auto* dr = ds->add_subcommand("report", "What the communes aired of each campaign");
  dr->add_option("--config", district.config, "The district file (district.yaml)")->required();
  dr->add_option("--from", district.from, "First day (YYYY-MM-DD)")->required();
  dr->add_option("--to", district.to, "Last day, included (default: --from)");
  dr->add_option("--format", district.format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return loa::kExitUsage;
  }
  // The processes that render or air decode AAC clips in a helper, loa-decode-clip, so that
  // they do not keep FFmpeg's 21-28 MB for the rest of their lives. LOA_DECODE_IN_PROCESS=1
  // decodes them here (to compare, or where the helper is not installed).
  const char* in_process = std::getenv("LOA_DECODE_IN_PROCESS");
  if ((*r || *u) && (in_process == nullptr || std::string_view(in_process) != "1")) {
    loa::use_decoding_helper({decoding_helper_program().string()});
  }
  try {
    if (*c) return loa::run_check(check);
    if (*u) return loa::run_air(run);
    if (*p) return loa::run_plan(plan);
    if (*s) return loa::run_scan(scan);
    if (*r) return loa::run_render(render);
    if (*d) return loa::run_devices();
    if (*l) return loa::run_log(log);
    if (*o) return loa::run_report(report);
    if (*y) return loa::run_play(play);
    if (*sy) return loa::run_say(say);
    if (*st) return loa::run_status(client);
    if (*pn) return loa::run_play_now(client);
    if (*sp) return loa::run_stop(client);
    if (*lv) return loa::run_live(client);
    if (*kn) return loa::run_key_new(key);
    if (*sg) return loa::run_sign(sign);
    if (*ap) return loa::run_approve(approve);
    if (*ci) return loa::run_campaign_install(campaign);
    if (*cl) return loa::run_campaign_list(campaign);
    if (*dp) return loa::run_district_push(district);
    if (*dt) return loa::run_district_status(district);
    if (*dr) return loa::run_district_report(district);
    if (*ds) return loa::run_district_daemon_command(district);
    if (*us) {
      if (*ua) user.action = loa::UserAction::add;
      if (*ur) user.action = loa::UserAction::remove;
      return loa::run_user(user);
    }
  } catch (const std::exception& e) {
    std::cerr << "loa: " << e.what() << '\n';
    return loa::kExitInvalid;
  }
  return loa::kExitUsage;
}
