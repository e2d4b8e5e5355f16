// POST /api/login, POST /api/logout, GET /api/session (docs/api.md).
#include "control_context.hpp"

namespace loa {

namespace {

nlohmann::json account_json(const Account& a) {
  nlohmann::json j = {{"name", a.name}, {"role", role_name(a.role)}};
  j["zones"] = a.zones.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.zones);
  return j;
}

}  // namespace

void add_session_routes(ControlServer::Context& c) {
  c.server->Post("/api/login", [&c](const httplib::Request& req, httplib::Response& res) {
    if (foreign_origin(req)) {
      reply_error(res, 403, Message{"login.foreign_page"});
      return;
    }
    nlohmann::json body;
    try {
      body = json_body(req);
    } catch (const BadRequest& e) {
      reply_error(res, 400, e.message);
      return;
    }
    if (!body.contains("name") || !body["name"].is_string() || !body.contains("password") ||
        !body["password"].is_string()) {
      reply_error(res, 400, Message{"login.missing"});
      return;
    }
    const auto now = LoginThrottle::Clock::now();
    if (const auto wait = c.throttle.refused(req.remote_addr, now)) {
      res.set_header("Retry-After", std::to_string(wait->count()));
      reply_error(res, 429, Message{"login.throttled", {{"seconds", wait->count()}}});
      return;
    }
    const std::string name = body["name"].get<std::string>();
    const auto account = c.accounts.verify(name, body["password"].get<std::string>());
    Caller who;
    who.address = req.remote_addr;
    who.account.name = name;
    if (!account) {
      c.throttle.failed(req.remote_addr, now);
      c.record(who, "login failed");
      reply_error(res, 401, Message{"login.wrong"});
      return;
    }
    c.throttle.succeeded(req.remote_addr);
    const Session session = c.sessions.create(*account);
    std::string cookie = "loa_session=" + session.id + "; Path=/; HttpOnly; SameSite=Strict";
    if (!c.options.tls_cert.empty()) cookie += "; Secure";
    res.set_header("Set-Cookie", cookie);
    c.record(who, "logged in");
    nlohmann::json j = account_json(*account);
    j["csrf"] = session.csrf;
    reply_json(res, 200, j);
  });

  c.server->Post(
      "/api/logout", c.guard(Role::viewer, [&c](const httplib::Request&, httplib::Response& res,
                                                const Caller& caller) {
        if (!caller.session.empty()) c.sessions.remove(caller.session);
        res.set_header("Set-Cookie", "loa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        reply_json(res, 200, nlohmann::json::object());
      }));

  c.server->Get("/api/session",
                c.guard(Role::viewer,
                        [](const httplib::Request&, httplib::Response& res, const Caller& caller) {
                          nlohmann::json j = account_json(caller.account);
                          j["csrf"] = caller.csrf;
                          reply_json(res, 200, j);
                        }));
}

}  // namespace loa
