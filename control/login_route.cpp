// The body of POST /api/login, the same on the station's page and the district office's.
#include "control_context.hpp"

namespace loa {

std::optional<Session> answer_login(const httplib::Request& req, httplib::Response& res,
                                    const LoginDesk& desk) {
  if (foreign_origin(req)) {
    reply_error(res, 403, Message{"login.foreign_page"});
    return std::nullopt;
  }
  nlohmann::json body;
  try {
    body = json_body(req);
  } catch (const BadRequest& e) {
    reply_error(res, 400, e.message);
    return std::nullopt;
  }
  if (!body.contains("name") || !body["name"].is_string() || !body.contains("password") ||
      !body["password"].is_string()) {
    reply_error(res, 400, Message{"login.missing"});
    return std::nullopt;
  }
  const auto now = LoginThrottle::Clock::now();
  if (const auto wait = desk.throttle.refused(req.remote_addr, now)) {
    res.set_header("Retry-After", std::to_string(wait->count()));
    reply_error(res, 429, Message{"login.throttled", {{"seconds", wait->count()}}});
    return std::nullopt;
  }
  const std::string name = body["name"].get<std::string>();
  const auto account = desk.accounts.verify(name, body["password"].get<std::string>());
  if (!account) {
    desk.throttle.failed(req.remote_addr, now);
    desk.record(name, false);
    reply_error(res, 401, Message{"login.wrong"});
    return std::nullopt;
  }
  desk.throttle.succeeded(req.remote_addr);
  Session session = desk.sessions.create(*account);
  std::string cookie = "loa_session=" + session.id + "; Path=/; HttpOnly; SameSite=Strict";
  if (desk.secure) cookie += "; Secure";
  res.set_header("Set-Cookie", cookie);
  desk.record(name, true);
  return session;
}

void clear_session_cookie(httplib::Response& res) {
  res.set_header("Set-Cookie", "loa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

}  // namespace loa
