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
    const LoginDesk desk{c.accounts, c.sessions, c.throttle, !c.options.tls_cert.empty(),
                         [&](const std::string& name, bool ok) {
                           Caller who;
                           who.address = req.remote_addr;
                           who.account.name = name;
                           c.record(who, ok ? "logged in" : "login failed");
                         }};
    const auto session = answer_login(req, res, desk);
    if (!session) return;
    nlohmann::json j = account_json(session->account);
    j["csrf"] = session->csrf;
    reply_json(res, 200, j);
  });

  c.server->Post("/api/logout",
                 c.guard(Role::viewer, [&c](const httplib::Request&, httplib::Response& res,
                                            const Caller& caller) {
                   if (!caller.session.empty()) c.sessions.remove(caller.session);
                   clear_session_cookie(res);
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
