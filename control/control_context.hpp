#pragma once
// What every group of routes of the control server shares (private to the server's files).

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "loa/accounts.hpp"
#include "loa/control_server.hpp"
#include "loa/login_throttle.hpp"
#include "loa/messages.hpp"
#include "loa/sessions.hpp"

namespace loa {

// Who is asking.
struct Caller {
  Account account;
  bool by_token = false;
  std::string address;
  std::string csrf;  // the session's, when by cookie
  std::string session;

  // Who, for the journal: "lan" or "api-token".
  std::string who() const { return by_token ? std::string("api-token") : account.name; }
  // The zones of `settings` this caller may play and stop on.
  ZoneSet zones(const StationSettings& settings) const;
};

using RouteHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const Caller&)>;
// A route that reads its body itself, a piece at a time (uploads).
using ReaderRouteHandler = std::function<void(const httplib::Request&, httplib::Response&,
                                              const httplib::ContentReader&, const Caller&)>;

struct ControlServer::Context {
  ControlOptions options;
  StationSettings settings;  // as at start: the state and clips folders
  AirBoard& board;
  AirControlQueue& queue;
  AccountStore accounts;
  SessionTable sessions;
  LoginThrottle throttle;
  std::string token;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;

  Context(ControlOptions o, const StationSettings& s, AirBoard& b, AirControlQueue& q);

  // The caller, by bearer token or session cookie; nullopt if neither is valid.
  std::optional<Caller> authenticate(const httplib::Request& req);
  // A handler that answers 401 without credentials, 403 below `need` or without the CSRF token
  // (cookie callers changing something), 400 for malformed JSON, 500 for anything unexpected.
  httplib::Server::Handler guard(Role need, RouteHandler handler);
  // The same for a route that reads its own body: the checks come before any of it is read.
  httplib::Server::HandlerWithContentReader guard(Role need, ReaderRouteHandler handler);
  // Journals a control action (on the engine's thread; logged if the engine does not answer).
  void record(const Caller& c, const std::string& what);
  // The snapshot the engine published last (never null once the server runs).
  std::shared_ptr<const AirSnapshot> snapshot() const;
};

// POST, PUT, DELETE.
bool changes_something(const httplib::Request& req);
// A browser's cross-site request carries an Origin that is not this server's.
bool foreign_origin(const httplib::Request& req);

// Where POST /api/login checks a name and password: the page's accounts, sessions and throttle.
struct LoginDesk {
  AccountStore& accounts;
  SessionTable& sessions;
  LoginThrottle& throttle;
  bool secure = false;  // the page is served over TLS: the cookie is Secure
  // Called with the name tried and whether it logged in (to journal or log it).
  std::function<void(const std::string& name, bool ok)> record;
};
// Answers a login that fails (403 foreign page, 400 no name or password, 429 throttled, 401
// wrong) and returns nullopt; on success creates the session, sets its cookie and returns it,
// for the caller to answer with. Any thread of the server.
std::optional<Session> answer_login(const httplib::Request& req, httplib::Response& res,
                                    const LoginDesk& desk);
// Ends the browser's loa_session cookie (logout).
void clear_session_cookie(httplib::Response& res);

// Answers.
void reply_json(httplib::Response& res, int status, const nlohmann::json& body);
// {"error": the English text, "code": ..., "params": {...}} (docs/api.md, "Messages").
void reply_error(httplib::Response& res, int status, const Message& message);
// The fields "error", "code" and "params" of `message`, to add others to.
nlohmann::json error_json(const Message& message);
// A request the route cannot take: answered 400 with its message (by the route's guard).
struct BadRequest : std::runtime_error {
  explicit BadRequest(Message m) : std::runtime_error(m.text()), message(std::move(m)) {}
  Message message;
};
// A failure of this computer (a folder not writable): answered 500 with its message.
struct CodedFailure : std::runtime_error {
  explicit CodedFailure(Message m) : std::runtime_error(m.text()), message(std::move(m)) {}
  Message message;
};
// The engine's queue did not run a call: its timeout or what the call threw, as a message.
Message engine_failure(const std::string& error);
// The JSON body of a request; throws BadRequest when it is not a JSON object.
nlohmann::json json_body(const httplib::Request& req);
// Zone ids (array of strings, or "all") of `settings`; throws BadRequest naming an unknown one.
ZoneSet zones_of(const nlohmann::json& ids, const StationSettings& settings);

// The zones of the body's "zones" (all the caller may use when absent); throws BadRequest, or
// answers 403 and returns 0 when the account may not use one of them.
ZoneSet requested_zones(const nlohmann::json& body, const Caller& caller,
                        const StationSettings& settings, httplib::Response& res);
// The body's "priority" (normal, high, emergency or 0..100; normal when absent); throws
// BadRequest.
int requested_priority(const nlohmann::json& body);
// The ids of `zones`, in the station's order.
nlohmann::json zone_ids_json(ZoneSet zones, const StationSettings& settings);

void add_session_routes(ControlServer::Context& c);
void add_status_routes(ControlServer::Context& c);
void add_programme_routes(ControlServer::Context& c);
void add_clip_routes(ControlServer::Context& c);
void add_air_routes(ControlServer::Context& c);
void add_user_routes(ControlServer::Context& c);
void add_notice_routes(ControlServer::Context& c);
void add_live_routes(ControlServer::Context& c);

// The live broadcast as GET /api/live and GET /api/status show it (null when there is none).
nlohmann::json live_json(const std::optional<LiveBroadcast>& live, const StationSettings& settings);

// The page and the message catalog, public: shared with the district office's server.
void add_page_routes(httplib::Server& server);
void add_message_routes(httplib::Server& server);

// Shared with the district office's server (district_server.cpp).
// "ADDR:PORT" split; throws std::runtime_error with the usage when malformed.
std::pair<std::string, int> split_listen(const std::string& listen);
// Why binding `host`:`port` fails, in an operator's words, found by trying it once more.
std::string why_cannot_listen(const std::string& host, int port);
// The headers every answer carries (no framing, no sniffing, the page's own scripts only).
void set_page_headers(const httplib::Request& req, httplib::Response& res, bool tls);
// The value of a cookie of the request ("" when absent).
std::string cookie_value(const httplib::Request& req, std::string_view name);

}  // namespace loa
