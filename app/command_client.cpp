#include "command_client.hpp"

#include <httplib.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "command_support.hpp"
#include "commands.hpp"
#include "loa/api_token.hpp"

namespace loa {

namespace {

constexpr const char* kDefaultServer = "http://127.0.0.1:8686";

}  // namespace

std::optional<ClientAnswer> ask_loa_run(const ClientArgs& args, const std::string& command,
                                        const std::string& method, const std::string& path,
                                        const nlohmann::json& body) {
  const auto station = station_for_journal(args.config, command);
  if (!station) return std::nullopt;
  std::string server = args.server;
  if (server.empty()) {
    std::ifstream in(station->settings.state / "control-url");
    std::getline(in, server);
  }
  if (server.empty()) server = kDefaultServer;
  while (server.ends_with('/')) server.pop_back();
  std::optional<std::string> token;
  try {
    token = read_api_token(station->settings.state);
  } catch (const std::exception& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return std::nullopt;
  }
  if (!token) {
    std::cerr << command << ": no API token in " << station->settings.state.string()
              << "; start loa run first (it creates one)\n";
    return std::nullopt;
  }
  httplib::Client client(server);
  if (!client.is_valid()) {
    std::cerr << command << ": cannot use the server address " << server << '\n';
    return std::nullopt;
  }
  client.enable_server_certificate_verification(!args.insecure);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(30, 0);
  client.set_bearer_token_auth(*token);
  const std::string text = body.dump();
  const auto res = method == "GET" ? client.Get(path)
                   : method == "DELETE"
                       ? client.Delete(path)
                       : client.Post(path, text, "application/json; charset=utf-8");
  if (!res) {
    std::cerr << command << ": cannot reach loa run at " << server << " ("
              << httplib::to_string(res.error())
              << "); is it running, and listening there (loa run --listen)?\n";
    return std::nullopt;
  }
  ClientAnswer a;
  a.status = res->status;
  a.body = nlohmann::json::parse(res->body, nullptr, false);
  if (a.status >= 300) {
    const std::string why = a.body.is_object() && a.body.contains("error")
                                ? a.body["error"].get<std::string>()
                                : res->body;
    std::cerr << command << ": " << why << " (HTTP " << a.status << ")\n";
    return std::nullopt;
  }
  return a;
}

namespace {

std::string clock_of(const nlohmann::json& iso) {
  const std::string t = iso.is_string() ? iso.get<std::string>() : std::string();
  return t.size() >= 19 ? t.substr(0, 10) + " " + t.substr(11, 8) : t;
}

std::string joined(const nlohmann::json& list) {
  std::string out;
  for (const auto& z : list) out += (out.empty() ? "" : ", ") + z.get<std::string>();
  return out;
}

nlohmann::json zones_json(const ClientArgs& args) {
  return args.zones.empty() ? nlohmann::json("all") : nlohmann::json(args.zones);
}

}  // namespace

int run_status(const ClientArgs& args) {
  const auto a = ask_loa_run(args, "loa status", "GET", "/api/status", {});
  if (!a) return kExitInvalid;
  if (args.json) {
    std::cout << a->body.dump(2) << '\n';
    return kExitOk;
  }
  const auto& j = a->body;
  std::cout << j["station"]["name"].get<std::string>() << ", " << clock_of(j["now"]) << "; output "
            << j["output"]["spec"].get<std::string>() << " "
            << j["output"]["state"].get<std::string>();
  if (!j["output"]["error"].get<std::string>().empty()) {
    std::cout << " (" << j["output"]["error"].get<std::string>() << ")";
  }
  std::cout << "; version " << j["version"]["id"].get<std::string>() << '\n';
  for (const auto& z : j["zones"]) {
    std::cout << "  " << z["id"].get<std::string>() << ": ";
    if (z["on_air"].is_null()) {
      std::cout << "silent\n";
      continue;
    }
    const auto& p = z["on_air"];
    std::cout << "on air: " << p["title"].get<std::string>() << " ("
              << p["programme"].get<std::string>() << "), " << p["item"]["path"].get<std::string>()
              << " at " << static_cast<int>(p["position"].get<double>()) << " s\n";
  }
  for (const auto& a2 : j["amplifiers"]) {
    std::cout << "  amplifier " << a2["id"].get<std::string>() << ": "
              << (a2["on"].get<bool>() ? "on" : "off") << '\n';
  }
  std::cout << (j["next"].empty() ? "Nothing due in the next 36 hours.\n" : "Next:\n");
  for (const auto& n : j["next"]) {
    std::cout << "  " << clock_of(n["scheduled"]) << "  " << n["programme"].get<std::string>()
              << "  " << n["title"].get<std::string>() << "  [" << joined(n["zones"]) << "]"
              << (n["waiting"].get<bool>() ? "  (waiting)" : "") << '\n';
  }
  return kExitOk;
}

int run_play_now(const ClientArgs& args) {
  if (args.clips.empty() == args.programme.empty()) {
    std::cerr << "loa play-now: give either clips or --programme ID (an on-demand programme)\n";
    return kExitUsage;
  }
  if (!args.programme.empty() && !args.priority.empty()) {
    std::cerr << "loa play-now: a programme airs at its own priority; leave out --priority\n";
    return kExitUsage;
  }
  nlohmann::json body = {{"zones", zones_json(args)}};
  if (args.programme.empty()) {
    body["clips"] = args.clips;
    body["priority"] = args.priority.empty() ? std::string("normal") : args.priority;
  } else {
    body["programme"] = args.programme;
  }
  const auto a = ask_loa_run(args, "loa play-now", "POST", "/api/play-now", body);
  if (!a) return kExitInvalid;
  std::cout << "queued (" << a->body["priority"].get<std::string>() << ") on "
            << joined(a->body["zones"]) << " at " << clock_of(a->body["scheduled"]) << '\n';
  return kExitOk;
}

int run_stop(const ClientArgs& args) {
  const auto a = ask_loa_run(args, "loa stop", "POST", "/api/stop", {{"zones", zones_json(args)}});
  if (!a) return kExitInvalid;
  const auto& stopped = a->body["stopped"];
  std::cout << (stopped.empty() ? std::string("nothing was on air there")
                                : "stopped on " + joined(stopped))
            << '\n';
  return kExitOk;
}

}  // namespace loa
