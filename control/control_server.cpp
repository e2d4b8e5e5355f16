#include "loa/control_server.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "control_context.hpp"
#include "loa/api_token.hpp"
#include "loa/clip_library.hpp"
#include "loa/log.hpp"
#include "loa/message_json.hpp"

namespace loa {

namespace {

constexpr std::chrono::seconds kEngineTimeout{5};

}  // namespace

std::string why_cannot_listen(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return "no such address";
  }
  const int sock = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
  int error = 0;
  if (sock < 0) {
    error = errno;
  } else {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(sock, found->ai_addr, found->ai_addrlen) != 0) error = errno;
    ::close(sock);
  }
  ::freeaddrinfo(found);
  switch (error) {
    case EADDRINUSE:
      return "the port is in use (another loa run, or another program, listens there)";
    case EADDRNOTAVAIL:
      return "the address is not one of this computer's";
    case EACCES:
      return "ports below 1024 need special rights";
    case 0:
      return "the port could not be opened";
    default:
      return std::strerror(error);
  }
}

namespace {

// Bodies other than clip uploads are small (a programme file, a JSON request).
constexpr std::size_t kMaxSmallBody = 2 * 1024 * 1024;

std::string cookie(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::size_t at = 0;
  while (at < header.size()) {
    std::size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    std::string_view part = std::string_view(header).substr(at, end - at);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    at = end + 1;
  }
  return {};
}

}  // namespace

bool changes_something(const httplib::Request& req) {
  return req.method == "POST" || req.method == "PUT" || req.method == "DELETE" ||
         req.method == "PATCH";
}

bool foreign_origin(const httplib::Request& req) {
  const std::string origin = req.get_header_value("Origin");
  if (origin.empty()) return false;
  const std::size_t scheme = origin.find("://");
  const std::string host = scheme == std::string::npos ? origin : origin.substr(scheme + 3);
  return host != req.get_header_value("Host");
}

std::pair<std::string, int> split_listen(const std::string& listen) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    throw std::runtime_error("--listen " + listen + ": give ADDRESS:PORT, e.g. 127.0.0.1:8686");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535 || host.empty()) {
    throw std::runtime_error("--listen " + listen + ": give ADDRESS:PORT, e.g. 127.0.0.1:8686");
  }
  return {host, port};
}

void set_page_headers(const httplib::Request& req, httplib::Response& res, bool tls) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
                 "style-src 'self'; frame-ancestors 'none'");
  if (tls) res.set_header("Strict-Transport-Security", "max-age=31536000");
  if (req.path.starts_with("/api/")) res.set_header("Cache-Control", "no-store");
}

std::string cookie_value(const httplib::Request& req, std::string_view name) {
  return cookie(req, name);
}

// --- shared pieces ----------------------------------------------------------------------------

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

Message engine_failure(const std::string& error) {
  // AirControlQueue::call's words when the engine did not run the call in time.
  if (error == Message{"air.engine_timeout"}.text()) return Message{"air.engine_timeout"};
  return Message{"air.engine_failed", {{"reason", error}}};
}

nlohmann::json error_json(const Message& message) {
  return {
      {"error", message.text()}, {"code", message.code}, {"params", params_json(message.params)}};
}

void reply_error(httplib::Response& res, int status, const Message& message) {
  reply_json(res, status, error_json(message));
}

nlohmann::json json_body(const httplib::Request& req) {
  if (req.body.empty()) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(req.body, nullptr, false);
  if (j.is_discarded()) throw BadRequest(Message{"api.body.not_json"});
  if (!j.is_object()) throw BadRequest(Message{"api.body.not_object"});
  return j;
}

ZoneSet zones_of(const nlohmann::json& ids, const StationSettings& settings) {
  if (ids.is_string() && ids.get<std::string>() == "all") return settings.all_zones();
  if (!ids.is_array()) throw BadRequest(Message{"api.zones.not_list"});
  ZoneSet set = 0;
  for (const auto& id : ids) {
    if (!id.is_string()) throw BadRequest(Message{"api.zones.not_list"});
    const int i = settings.zone_index(id.get<std::string>());
    if (i < 0) {
      std::string known;
      for (const auto& z : settings.zone_ids()) known += (known.empty() ? "" : ", ") + z;
      MessageParam suggestion = settings.zone_hint(id.get<std::string>());
      suggestion.name = "suggestion";
      throw BadRequest(Message{"api.zones.unknown",
                               {{"zone", id.get<std::string>()}, suggestion, {"known", known}}});
    }
    set |= ZoneSet{1} << static_cast<unsigned>(i);
  }
  return set;
}

ZoneSet Caller::zones(const StationSettings& settings) const {
  if (account.zones.empty()) return settings.all_zones();
  ZoneSet set = 0;
  for (const auto& id : account.zones) {
    const int i = settings.zone_index(id);
    if (i >= 0) set |= ZoneSet{1} << static_cast<unsigned>(i);
  }
  return set;
}

ControlServer::Context::Context(ControlOptions o, const StationSettings& s, AirBoard& b,
                                AirControlQueue& q)
    : options(std::move(o)), settings(s), board(b), queue(q), accounts(accounts_path(s.state)) {}

std::shared_ptr<const AirSnapshot> ControlServer::Context::snapshot() const {
  return board.get();
}

std::optional<Caller> ControlServer::Context::authenticate(const httplib::Request& req) {
  Caller c;
  c.address = req.remote_addr;
  const std::string auth = req.get_header_value("Authorization");
  if (auth.starts_with("Bearer ")) {
    if (!same_secret(auth.substr(7), token)) return std::nullopt;
    c.by_token = true;
    c.account.name = "api-token";
    c.account.role = Role::admin;
    return c;
  }
  const std::string id = cookie(req, "loa_session");
  if (id.empty()) return std::nullopt;
  const auto session = sessions.find(id);
  if (!session) return std::nullopt;
  // The account as it is now: `loa user remove` or `--replace` in another process takes effect at
  // once, not when the session ends.
  const auto account = accounts.find(session->account.name);
  if (!account) {
    sessions.remove(id);
    return std::nullopt;
  }
  c.account = *account;
  c.csrf = session->csrf;
  c.session = session->id;
  return c;
}

namespace {

// Who may call, or nullopt after answering 401 or 403.
std::optional<Caller> admit(ControlServer::Context& c, Role need, const httplib::Request& req,
                            httplib::Response& res) {
  auto caller = c.authenticate(req);
  if (!caller) {
    reply_error(res, 401, Message{"api.login_first"});
    return std::nullopt;
  }
  if (caller->account.role < need) {
    reply_error(res, 403,
                Message{"api.role",
                        {{"role", role_name(caller->account.role)}, {"need", role_name(need)}}});
    return std::nullopt;
  }
  if (changes_something(req) && !caller->by_token &&
      (foreign_origin(req) || !same_secret(req.get_header_value("X-CSRF-Token"), caller->csrf))) {
    reply_error(res, 403, Message{"api.csrf"});
    return std::nullopt;
  }
  return caller;
}

// Runs a route's handler, answering 400 for malformed requests and 500 for anything unexpected.
template <class Run>
void answer(const httplib::Request& req, httplib::Response& res, Run run) {
  try {
    run();
  } catch (const BadRequest& e) {
    reply_error(res, 400, e.message);
  } catch (const nlohmann::json::exception& e) {
    reply_error(res, 400, Message{"api.malformed", {{"detail", e.what()}}});
  } catch (const CodedFailure& e) {
    log_error(std::string("control: ") + req.method + " " + req.path + ": " + e.what());
    reply_error(res, 500, e.message);
  } catch (const std::exception& e) {
    log_error(std::string("control: ") + req.method + " " + req.path + ": " + e.what());
    reply_error(res, 500, Message{"api.failed", {{"detail", e.what()}}});
  }
}

}  // namespace

httplib::Server::Handler ControlServer::Context::guard(Role need, RouteHandler handler) {
  return [this, need, handler = std::move(handler)](const httplib::Request& req,
                                                    httplib::Response& res) {
    const auto caller = admit(*this, need, req, res);
    if (caller) answer(req, res, [&] { handler(req, res, *caller); });
  };
}

httplib::Server::HandlerWithContentReader ControlServer::Context::guard(
    Role need, ReaderRouteHandler handler) {
  return
      [this, need, handler = std::move(handler)](
          const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& body) {
        const auto caller = admit(*this, need, req, res);
        if (caller) answer(req, res, [&] { handler(req, res, body, *caller); });
      };
}

void ControlServer::Context::record(const Caller& c, const std::string& what) {
  std::string error;
  const std::string who = c.who();
  const std::string from = c.address;
  if (!queue.call([who, from, what](AirControl& air) { air.record_action(who, from, what); },
                  kEngineTimeout, error)) {
    log_warning("control: could not journal \"" + what + "\" by " + who + ": " + error);
  }
}

// --- the server -------------------------------------------------------------------------------

ControlServer::ControlServer(ControlOptions options, const StationSettings& settings,
                             AirBoard& board, AirControlQueue& queue)
    : context_(std::make_unique<Context>(std::move(options), settings, board, queue)) {}

ControlServer::~ControlServer() {
  stop();
}

std::string ControlServer::start() {
  Context& c = *context_;
  if (c.options.listen == "off") return {};
  const auto [host, port] = split_listen(c.options.listen);
  c.token = load_or_create_api_token(c.settings.state);
  // Uploads come only through this server; one cut short by a power cut leaves its temporary file.
  if (const auto n = remove_abandoned_uploads(c.settings.clips, std::chrono::hours(1)); n > 0) {
    log_info("removed " + std::to_string(n) + " unfinished upload(s) left in " +
             c.settings.clips.string() + " by an interruption");
  }
  const bool tls = !c.options.tls_cert.empty() || !c.options.tls_key.empty();
  if (tls) {
    auto s =
        std::make_unique<httplib::SSLServer>(c.options.tls_cert.c_str(), c.options.tls_key.c_str());
    if (!s->is_valid()) {
      throw std::runtime_error("cannot use the TLS certificate " + c.options.tls_cert.string() +
                               " and key " + c.options.tls_key.string() +
                               " (both must be readable PEM files)");
    }
    c.server = std::move(s);
  } else {
    c.server = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *c.server;
  // A little over the upload limit, so that the upload route itself sees a body without a
  // Content-Length (chunked) pass the limit and answers 413, rather than a cut-off read.
  s.set_payload_max_length(static_cast<std::size_t>(c.options.max_upload) + 256 * 1024);
  s.set_read_timeout(5, 0);
  s.set_write_timeout(30, 0);
  s.set_keep_alive_max_count(100);
  s.set_keep_alive_timeout(5);
  // Block in accept(), never waking to look (cpp-httplib's default on Linux, stated because an
  // idle station must cost nothing). stop() shuts the socket down, which ends the accept().
  s.set_idle_interval(0, 0);
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second loa run share the port and take
  // some of the first one's requests (a stop landing on the wrong station). SO_REUSEADDR alone
  // still allows a restart while old connections linger, but never two listeners.
  s.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  // Before a body is read: unknown callers and oversized bodies are refused at once.
  s.set_pre_routing_handler([&c](const httplib::Request& req, httplib::Response& res) {
    const bool open = req.path == "/api/login" || req.path == "/api/messages";
    if (req.path.starts_with("/api/") && !open && !c.authenticate(req)) {
      reply_error(res, 401, Message{"api.login_first"});
      return httplib::Server::HandlerResponse::Handled;
    }
    const bool upload = req.method == "POST" && req.path == "/api/clips";
    const std::uintmax_t limit = upload ? c.options.max_upload : kMaxSmallBody;
    if (req.get_header_value_count("Content-Length") > 0 &&
        std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > limit) {
      if (upload) {
        reply_error(res, 413, Message{"api.too_large.upload"});
      } else {
        reply_error(res, 413, Message{"api.too_large"});
      }
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_post_routing_handler([tls](const httplib::Request& req, httplib::Response& res) {
    set_page_headers(req, res, tls);
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      reply_error(res, 413, Message{"api.too_large.upload"});
    } else if (res.status == 404) {
      reply_error(res, 404, Message{"api.no_such_page", {{"path", req.path}}});
    } else if (res.status == 400) {
      reply_error(res, 400, Message{"api.malformed_request"});
    }
  });
  s.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unexpected failure";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        log_error("control: " + req.method + " " + req.path + ": " + what);
        reply_error(res, 500, Message{"api.failed", {{"detail", what}}});
      });

  add_session_routes(c);
  add_status_routes(c);
  add_programme_routes(c);
  add_clip_routes(c);
  add_air_routes(c);
  add_live_routes(c);
  add_notice_routes(c);
  add_user_routes(c);
  add_page_routes(*c.server);
  add_message_routes(*c.server);

  int bound = port;
  if (port == 0) {
    bound = s.bind_to_any_port(host);
  } else if (!s.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    throw std::runtime_error("cannot listen on " + c.options.listen + ": " +
                             why_cannot_listen(host, port) +
                             "; choose another with --listen ADDRESS:PORT, or --listen off");
  }
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const std::string url =
      std::string(tls ? "https" : "http") + "://" + shown + ":" + std::to_string(bound) + "/";
  c.thread = std::thread([&s] { s.listen_after_bind(); });
  // For the command-line client (loa status, play-now, stop): where to find this server.
  std::ofstream(c.settings.state / "control-url") << url << '\n';
  return url;
}

void ControlServer::stop() {
  Context& c = *context_;
  if (c.server) c.server->stop();
  if (c.thread.joinable()) c.thread.join();
}

}  // namespace loa
