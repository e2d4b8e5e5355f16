// GET /api/users, POST /api/users, DELETE /api/users/NAME (admin; docs/api.md).
#include "control_context.hpp"

namespace loa {

void add_user_routes(ControlServer::Context& c) {
  c.server->Get("/api/users", c.guard(Role::admin, [&c](const httplib::Request&,
                                                        httplib::Response& res, const Caller&) {
    auto out = nlohmann::json::array();
    for (const auto& a : c.accounts.list()) {
      out.push_back(
          {{"name", a.name},
           {"role", role_name(a.role)},
           {"zones", a.zones.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.zones)}});
    }
    reply_json(res, 200, out);
  }));

  c.server->Post("/api/users", c.guard(Role::admin, [&c](const httplib::Request& req,
                                                         httplib::Response& res,
                                                         const Caller& caller) {
    const nlohmann::json body = json_body(req);
    for (const char* key : {"name", "password", "role"}) {
      if (!body.contains(key) || !body[key].is_string()) {
        throw BadRequest(Message{"user.field_missing", {{"field", key}}});
      }
    }
    Account a;
    a.name = body["name"].get<std::string>();
    const auto role = parse_role(body["role"].get<std::string>());
    if (!role) throw BadRequest(Message{"user.bad_role"});
    a.role = *role;
    const StationSettings& settings = c.snapshot()->air->station->settings;
    if (body.contains("zones") && !body["zones"].is_null()) {
      const ZoneSet set = zones_of(body["zones"], settings);
      if (set != settings.all_zones()) {
        for (std::size_t i = 0; i < settings.zones.size(); ++i) {
          if (((set >> i) & 1U) != 0) a.zones.push_back(settings.zones[i].id);
        }
      }
    }
    try {
      c.accounts.add(a, body["password"].get<std::string>(), body.value("replace", false));
    } catch (const InvalidAccount& e) {
      throw BadRequest(e.message);
    }
    c.sessions.remove_account(a.name);  // a changed account logs in again
    c.record(caller, "added user " + a.name + " (" + std::string(role_name(a.role)) + ")");
    reply_json(res, 201,
               {{"name", a.name},
                {"role", role_name(a.role)},
                {"zones", a.zones.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.zones)}});
  }));

  c.server->Delete(R"(/api/users/([^/]+))",
                   c.guard(Role::admin, [&c](const httplib::Request& req, httplib::Response& res,
                                             const Caller& caller) {
                     const std::string name = req.matches[1];
                     if (!c.accounts.remove(name)) {
                       reply_error(res, 404, Message{"user.not_found", {{"name", name}}});
                       return;
                     }
                     c.sessions.remove_account(name);
                     c.record(caller, "removed user " + name);
                     reply_json(res, 200, nlohmann::json::object());
                   }));
}

}  // namespace loa
