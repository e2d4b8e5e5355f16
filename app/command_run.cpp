#include "command_run.hpp"

#include <iostream>

#include "commands.hpp"
#include "loa/air_engine.hpp"
#include "loa/control_server.hpp"
#include "loa/log.hpp"

namespace loa {

int run_air(const RunArgs& args) {
  set_log_debug(args.verbose);
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
    engine.run();
    server.stop();
    return kExitOk;
  } catch (const std::exception& e) {
    log_error(e.what());
    return kExitInvalid;
  }
}

}  // namespace loa
