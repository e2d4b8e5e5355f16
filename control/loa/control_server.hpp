#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "loa/air_control.hpp"
#include "loa/air_snapshot.hpp"

namespace loa {

struct ControlOptions {
  std::string listen = "127.0.0.1:8686";  // ADDR:PORT; "off" serves nothing; port 0: any free port
  std::filesystem::path tls_cert;         // PEM; with tls_key, serve HTTPS
  std::filesystem::path tls_key;
  std::uintmax_t max_upload = 100ULL * 1024 * 1024;
  std::filesystem::path config;  // the station file, reloaded after a programme is saved
};

// The control API and page (docs/api.md) on their own threads (cpp-httplib's pool). They read the
// engine's state through `board` and change it only through `queue`, so no request can block or
// crash the engine. start() throws std::runtime_error (plainly worded) if it cannot listen.
class ControlServer {
 public:
  ControlServer(ControlOptions options, const StationSettings& settings, AirBoard& board,
                AirControlQueue& queue);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Creates the API token if needed, binds, and starts serving. Returns the URL it serves on.
  std::string start();
  // Stops serving and waits for requests under way. Also done by the destructor.
  void stop();

  struct Context;

 private:
  std::unique_ptr<Context> context_;
};

}  // namespace loa
