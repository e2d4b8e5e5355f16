#include "loa/district_server.hpp"

#include <sys/socket.h>

#include <cstdlib>
#include <fstream>

#include "district_context.hpp"
#include "loa/log.hpp"

namespace loa {

namespace {

// Every request of the district's page is small (a login, a query string).
constexpr std::size_t kMaxBody = 64 * 1024;

}  // namespace

std::filesystem::path district_accounts_path(const DistrictConfig& config) {
  return accounts_path(config.database.parent_path());
}

DistrictServer::Context::Context(DistrictConfig c)
    : config(std::move(c)), accounts(district_accounts_path(config)) {}

std::optional<Session> DistrictServer::Context::authenticate(const httplib::Request& req) {
  const std::string id = cookie_value(req, "loa_session");
  if (id.empty()) return std::nullopt;
  auto session = sessions.find(id);
  if (!session) return std::nullopt;
  const auto account = accounts.find(session->account.name);
  if (!account) {
    sessions.remove(id);
    return std::nullopt;
  }
  session->account = *account;
  return session;
}

DistrictServer::DistrictServer(DistrictConfig config)
    : context_(std::make_unique<Context>(std::move(config))) {}

DistrictServer::~DistrictServer() {
  stop();
}

std::string DistrictServer::start() {
  Context& c = *context_;
  const DistrictConfig& config = c.config;
  if (config.control_listen == "off") return {};
  const auto [host, port] = split_listen(config.control_listen);
  c.tls = !config.control_tls_cert.empty() || !config.control_tls_key.empty();
  if (c.tls) {
    auto s = std::make_unique<httplib::SSLServer>(config.control_tls_cert.c_str(),
                                                  config.control_tls_key.c_str());
    if (!s->is_valid()) {
      throw std::runtime_error(
          "cannot use the TLS certificate " + config.control_tls_cert.string() + " and key " +
          config.control_tls_key.string() + " (both must be readable PEM files)");
    }
    c.server = std::move(s);
  } else {
    c.server = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *c.server;
  s.set_payload_max_length(kMaxBody);
  s.set_read_timeout(5, 0);
  s.set_write_timeout(30, 0);
  s.set_keep_alive_timeout(5);
  s.set_idle_interval(0, 0);  // block in accept(): an idle office costs nothing
  // SO_REUSEADDR without cpp-httplib's SO_REUSEPORT: never two listeners on one port.
  s.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.set_pre_routing_handler([&c](const httplib::Request& req, httplib::Response& res) {
    const bool open = req.path == "/api/login" || req.path == "/api/messages";
    if (req.path.starts_with("/api/") && !open && !c.authenticate(req)) {
      reply_error(res, 401, Message{"api.login_first"});
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.get_header_value_count("Content-Length") > 0 &&
        std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > kMaxBody) {
      reply_error(res, 413, Message{"api.too_large"});
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_post_routing_handler([tls = c.tls](const httplib::Request& req, httplib::Response& res) {
    set_page_headers(req, res, tls);
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) {
      reply_error(res, 404, Message{"api.no_such_page", {{"path", req.path}}});
    } else if (res.status == 400) {
      reply_error(res, 400, Message{"api.malformed_request"});
    } else if (res.status == 413) {
      reply_error(res, 413, Message{"api.too_large"});
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
        log_error("district page: " + req.method + " " + req.path + ": " + what);
        reply_error(res, 500, Message{"api.failed", {{"detail", what}}});
      });

  add_district_session_routes(c);
  add_district_routes(c);
  add_page_routes(s);
  add_message_routes(s);

  int bound = port;
  if (port == 0) {
    bound = s.bind_to_any_port(host);
  } else if (!s.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    throw std::runtime_error("cannot listen on " + config.control_listen + ": " +
                             why_cannot_listen(host, port) +
                             "; choose another with control: {listen: ADDRESS:PORT} in " +
                             config.file.string() + " or --listen ADDRESS:PORT");
  }
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const std::string url =
      std::string(c.tls ? "https" : "http") + "://" + shown + ":" + std::to_string(bound) + "/";
  c.thread = std::thread([&s] { s.listen_after_bind(); });
  // Where a script (or a test) finds the page when the port was chosen by the system.
  std::error_code ec;
  std::filesystem::create_directories(config.database.parent_path(), ec);
  std::ofstream(config.database.parent_path() / "control-url") << url << '\n';
  return url;
}

void DistrictServer::stop() {
  Context& c = *context_;
  if (c.server) c.server->stop();
  if (c.thread.joinable()) c.thread.join();
}

}  // namespace loa
