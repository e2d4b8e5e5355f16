#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace loa {

// `loa status`, `loa play-now` and `loa stop`: a running `loa run` asked through its API with the
// station's API token (state/api-token, readable only by loa's user).
struct ClientArgs {
  std::filesystem::path config;  // the station file: where the token and the server's URL are
  std::string server;            // default: the URL loa run wrote to state/control-url
  bool insecure = false;         // HTTPS without checking the certificate (self-signed)
  bool json = false;             // status: the API's JSON as it is
  std::vector<std::string> clips;
  std::string programme;           // play-now: an on-demand programme instead of clips
  std::vector<std::string> zones;  // empty: every zone
  std::string priority;            // play-now: empty is normal (or the programme's own)
};

int run_status(const ClientArgs& args);
int run_play_now(const ClientArgs& args);
int run_stop(const ClientArgs& args);

}  // namespace loa
