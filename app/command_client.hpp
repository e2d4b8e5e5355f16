#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace loa {

// `loa status`, `loa play-now`, `loa stop` and `loa live`: a running `loa run` asked through its
// API with the station's API token (state/api-token, readable only by loa's user).
struct ClientArgs {
  std::filesystem::path config;  // the station file: where the token and the server's URL are
  std::string server;            // default: the URL loa run wrote to state/control-url
  bool insecure = false;         // HTTPS without checking the certificate (self-signed)
  bool json = false;             // status: the API's JSON as it is
  std::vector<std::string> clips;
  std::string programme;           // play-now: an on-demand programme instead of clips
  std::vector<std::string> zones;  // empty: every zone
  std::string priority;            // play-now: empty is normal (or the programme's own)
  std::string input;               // live: an id of audio.inputs (default: mic, else the first)
  std::string max;                 // live: how long at most, "30m" (default 30m)
};

// An answer of loa run's API.
struct ClientAnswer {
  int status = 0;
  nlohmann::json body;
};

// Sends one request (GET, POST with `body`, DELETE) to the running loa run of args.config with
// the station's API token; prints why (as `command: ...`) and returns nullopt when loa run cannot
// be reached or refuses (HTTP 300 and up).
std::optional<ClientAnswer> ask_loa_run(const ClientArgs& args, const std::string& command,
                                        const std::string& method, const std::string& path,
                                        const nlohmann::json& body);

int run_status(const ClientArgs& args);
int run_play_now(const ClientArgs& args);
int run_stop(const ClientArgs& args);
// `loa live`: speaks live through a running loa run until Ctrl-C (or SIGTERM), --max, or
// someone ends it (command_live.cpp).
int run_live(const ClientArgs& args);

}  // namespace loa
