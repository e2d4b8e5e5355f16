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

// `loa run`: the unattended engine. Loads the station (exits 1 if it has errors), then airs it
// until SIGTERM or SIGINT (exit 0 after fading out, journaling what was cut and switching the
// amplifiers off). Sleeps on a timerfd (CLOCK_REALTIME, woken when the clock is set) while nothing
// is due; reloads on SIGHUP or when a station file changes, keeping the old version on air if the
// new one has errors; survives the sound device failing (retrying with backoff). One thread of its
// own besides PortAudio's callback and a reload worker, and the control server's threads, which
// reach the engine only through a queue it drains between blocks.
int run_air(const RunArgs& args);

}  // namespace loa
