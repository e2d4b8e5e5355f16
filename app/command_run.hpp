#pragma once

#include <filesystem>
#include <string>

namespace loa {

struct RunArgs {
  std::filesystem::path config;
  std::string output;  // overrides audio.output when set
  bool verbose = false;
  // The control API and page (docs/api.md).
  std::string listen = "127.0.0.1:8686";  // "off": none
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  int max_upload_mb = 100;
};

// `loa run`: loads the station (exits 1 if it has errors), then airs it (AirEngine) until SIGTERM
// or SIGINT, exit 0, with the control server (ControlServer) beside it. Airing matters more than
// control: a server that cannot start is logged and the station airs without it.
int run_air(const RunArgs& args);

}  // namespace loa
