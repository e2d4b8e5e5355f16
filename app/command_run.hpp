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
  // The district link (docs/district.md): its broker, mqtts://HOST:8883, and the station's account.
  std::string district;
  std::filesystem::path district_credentials;
  std::string version;  // loa's, for the district's heartbeat
};

// `loa run`: loads the station (exits 1 if it has errors), then airs it (AirEngine) until SIGTERM
// or SIGINT, exit 0, with the control server (ControlServer) beside it. Airing matters more than
// control: a server that cannot start is logged and the station airs without it, and so is a
// district link that cannot start (a missing credentials file, no station.district). Exits 2 for
// --district without --district-credentials or a broker address that is not mqtts://.
int run_air(const RunArgs& args);

}  // namespace loa
