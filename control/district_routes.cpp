// The district's page: its login (as the station's: Argon2id accounts, sessions with a CSRF
// token, the login throttle) and GET /api/district/status, /api/district/report (docs/api.md),
// the same outputs as `loa district status --json` and `loa district report`.
#include <chrono>
#include <sstream>

#include "district_context.hpp"
#include "loa/district_report.hpp"
#include "loa/district_status.hpp"
#include "loa/log.hpp"
#include "loa/values.hpp"

namespace loa {

namespace {

UtcTime wall_now() {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

nlohmann::json session_json(const DistrictServer::Context& c, const Session& s) {
  return {{"name", s.account.name}, {"role", role_name(s.account.role)},
          {"zones", nullptr},       {"csrf", s.csrf},
          {"office", "district"},   {"district", {{"id", c.config.id}, {"name", c.config.name}}}};
}

// A day of the query (`from`, `to`); throws BadRequest with the date's message.
Date query_date(const httplib::Request& req, const char* field) {
  const std::string text = req.get_param_value(field);
  Message why;
  const auto day = parse_date(text, why);
  if (!day)
    throw BadRequest(Message{"district.report.bad_day", {{"field", field}, {"text", text}}});
  return *day;
}

void report_route(DistrictServer::Context& c, const httplib::Request& req, httplib::Response& res) {
  if (!req.has_param("from")) throw BadRequest(Message{"district.report.no_from"});
  const Date from = query_date(req, "from");
  const Date to = req.has_param("to") ? query_date(req, "to") : from;
  if (date::local_days{to} < date::local_days{from}) {
    throw BadRequest(
        Message{"district.report.order", {{"from", format_date(from)}, {"to", format_date(to)}}});
  }
  const std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
  if (format != "json" && format != "csv") {
    throw BadRequest(Message{"district.report.format", {{"format", format}}});
  }
  DistrictStore store(c.config.database, c.config.id, DistrictStore::Access::read);
  const DistrictReport report = district_report_for(c.config, store, from, to);
  std::ostringstream out;
  if (format == "csv") {
    const Language lang = req.get_param_value("lang") == "en" ? Language::en : Language::vi;
    print_district_report_csv(out, report, lang);
    res.set_header("Content-Disposition", "attachment; filename=\"report-" + c.config.id + "-" +
                                              format_date(from) + "-" + format_date(to) + ".csv\"");
    res.set_content(out.str(), "text/csv; charset=utf-8");
  } else {
    print_district_report_json(out, report);
    res.set_content(out.str(), "application/json; charset=utf-8");
  }
}

// Runs a route, answering 400 for a request it cannot take and 500 for anything unexpected.
template <class Run>
void answer(const httplib::Request& req, httplib::Response& res, Run run) {
  try {
    run();
  } catch (const BadRequest& e) {
    reply_error(res, 400, e.message);
  } catch (const std::exception& e) {
    log_error(std::string("district page: ") + req.method + " " + req.path + ": " + e.what());
    reply_error(res, 500, Message{"api.failed", {{"detail", e.what()}}});
  }
}

}  // namespace

void add_district_session_routes(DistrictServer::Context& c) {
  c.server->Post("/api/login", [&c](const httplib::Request& req, httplib::Response& res) {
    // The district has no journal of control actions: logins go to its log (journald).
    const LoginDesk desk{
        c.accounts, c.sessions, c.throttle, c.tls, [&](const std::string& name, bool ok) {
          if (ok) {
            log_info("district page: '" + name + "' logged in from " + req.remote_addr);
          } else {
            log_warning("district page: login failed for '" + name + "' from " + req.remote_addr);
          }
        }};
    const auto session = answer_login(req, res, desk);
    if (session) reply_json(res, 200, session_json(c, *session));
  });

  c.server->Post("/api/logout", [&c](const httplib::Request& req, httplib::Response& res) {
    const auto session = c.authenticate(req);
    if (!session) {
      reply_error(res, 401, Message{"api.login_first"});
      return;
    }
    if (foreign_origin(req) || !same_secret(req.get_header_value("X-CSRF-Token"), session->csrf)) {
      reply_error(res, 403, Message{"api.csrf"});
      return;
    }
    c.sessions.remove(session->id);
    clear_session_cookie(res);
    reply_json(res, 200, nlohmann::json::object());
  });

  c.server->Get("/api/session", [&c](const httplib::Request& req, httplib::Response& res) {
    const auto session = c.authenticate(req);
    if (!session) {
      reply_error(res, 401, Message{"api.login_first"});
      return;
    }
    reply_json(res, 200, session_json(c, *session));
  });
}

// Read-only: every account (viewer and up) may see them; the pre-routing handler has already
// refused a request without a session.
void add_district_routes(DistrictServer::Context& c) {
  c.server->Get("/api/district/status", [&c](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&] {
      DistrictStore store(c.config.database, c.config.id, DistrictStore::Access::read);
      const UtcTime now = wall_now();
      std::ostringstream out;
      print_status_json(out, c.config, district_status(c.config, store, now), now);
      res.set_content(out.str(), "application/json; charset=utf-8");
    });
  });
  c.server->Get("/api/district/report", [&c](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&] { report_route(c, req, res); });
  });
}

}  // namespace loa
