#include "command_run.hpp"

#include <iostream>

#include "commands.hpp"
#include "loa/air_engine.hpp"
#include "loa/control_server.hpp"
#include "loa/log.hpp"
#include "loa/station_link.hpp"

namespace loa {

namespace {

// The engine's snapshot in the heartbeat's words (on the district link's thread).
StationHealth health_of(const AirBoard& board) {
  StationHealth h;
  const auto snap = board.get();
  if (!snap) return h;
  for (const auto& p : snap->on_air) {
    const bool seen = std::any_of(h.on_air.begin(), h.on_air.end(),
                                  [&](const auto& a) { return a.programme == p.key.programme; });
    if (!seen) h.on_air.push_back({p.key.programme, p.title, p.item_start});
  }
  if (!snap->next.empty()) {
    const auto& n = snap->next.front();
    h.next = StationHealth::Next{n.key.programme, n.title, n.scheduled};
  }
  h.last_error = snap->output_error;
  return h;
}

// The district link, or none (after saying why) when it cannot start: the station airs anyway.
std::unique_ptr<StationLink> district_link(const RunArgs& args, const MqttEndpoint& endpoint,
                                           const StationSettings& settings, const AirBoard& board) {
  try {
    StationLinkOptions o;
    o.config = args.config;
    o.state = settings.state;
    o.district = settings.district;
    o.endpoint = endpoint;
    o.credentials = read_district_credentials(args.district_credentials);
    o.version = args.version;
    o.health = [&board] { return health_of(board); };
    const std::string who = o.credentials.user;
    auto link = std::make_unique<StationLink>(std::move(o));
    link->start();
    log_info("joining district " + settings.district + " through " + args.district + " as " + who);
    return link;
  } catch (const std::exception& e) {
    log_error(std::string(e.what()) + "; airing without the district link");
    return nullptr;
  }
}

}  // namespace

int run_air(const RunArgs& args) {
  set_log_debug(args.verbose);
  std::optional<MqttEndpoint> endpoint;
  if (!args.district.empty()) {
    if (args.district_credentials.empty()) {
      std::cerr << "loa run: --district needs --district-credentials FILE (the station's account "
                   "on the district's broker: docs/district.md)\n";
      return kExitUsage;
    }
    try {
      endpoint = parse_mqtt_url(args.district);
    } catch (const MqttUrlError& e) {
      std::cerr << "loa run: --district: " << e.what() << '\n';
      return kExitUsage;
    }
  }
  LoadedStation loaded = load_air_station(args.config);
  if (!loaded.air) {
    std::cerr << loaded.diagnostics;
    std::cerr << "loa run: the station has errors; fix them (loa check --config "
              << args.config.string() << ") and start again\n";
    return kExitInvalid;
  }
  log_diagnostics(loaded.diagnostics);
  try {
    AirBoard board;
    AirControlQueue queue;
    const StationSettings settings = loaded.air->station->settings;
    AirEngine engine({args.config, args.output}, std::move(loaded), board, queue);
    ControlOptions options;
    options.listen = args.listen;
    options.tls_cert = args.tls_cert;
    options.tls_key = args.tls_key;
    options.max_upload = static_cast<std::uintmax_t>(args.max_upload_mb) * 1024 * 1024;
    options.config = args.config;
    ControlServer server(options, settings, board, queue);
    try {
      const std::string url = server.start();
      if (!url.empty()) log_info("control page and API on " + url);
    } catch (const std::exception& e) {
      log_error(std::string(e.what()) + "; airing without the control page");
    }
    std::unique_ptr<StationLink> link;
    if (endpoint) link = district_link(args, *endpoint, settings, board);
    engine.run();
    if (link) link->stop();
    server.stop();
    return kExitOk;
  } catch (const std::exception& e) {
    log_error(e.what());
    return kExitInvalid;
  }
}

}  // namespace loa
