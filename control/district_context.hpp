#pragma once
// What the district server's routes share (private to district_server.cpp and district_routes.cpp).

#include <httplib.h>

#include <memory>
#include <optional>
#include <thread>

#include "control_context.hpp"
#include "loa/district_server.hpp"

namespace loa {

struct DistrictServer::Context {
  DistrictConfig config;
  AccountStore accounts;
  SessionTable sessions;
  LoginThrottle throttle;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  bool tls = false;

  explicit Context(DistrictConfig c);

  // The session of the request's loa_session cookie, with its account as it is now (removed by
  // `loa user remove` in another process: nullopt, and the session ends).
  std::optional<Session> authenticate(const httplib::Request& req);
};

// POST /api/login, POST /api/logout, GET /api/session.
void add_district_session_routes(DistrictServer::Context& c);
// GET /api/district/status, GET /api/district/report.
void add_district_routes(DistrictServer::Context& c);

}  // namespace loa
