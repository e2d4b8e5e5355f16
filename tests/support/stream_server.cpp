#include "loa_test/stream_server.hpp"

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

namespace loa::test {

using Clock = std::chrono::steady_clock;

struct StreamServer::Route {
  enum class Kind { live, file, status, redirect, endless, folder } kind;
  std::string bytes;
  std::string type;
  double bytes_per_second = 0;
  std::size_t burst = 0;
  int code = 200;
  std::string head;
};

StreamServer::StreamServer() {
  start();
}

StreamServer::~StreamServer() {
  stop();
}

std::string StreamServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void StreamServer::live(const std::string& path, std::string bytes, double bytes_per_second,
                        std::size_t burst, const std::string& type) {
  std::lock_guard lock(mutex_);
  routes_[path] = std::make_shared<Route>(
      Route{Route::Kind::live, std::move(bytes), type, bytes_per_second, burst, 200, ""});
}

void StreamServer::file(const std::string& path, std::string bytes, const std::string& type) {
  std::lock_guard lock(mutex_);
  routes_[path] =
      std::make_shared<Route>(Route{Route::Kind::file, std::move(bytes), type, 0, 0, 200, ""});
}

void StreamServer::status(const std::string& path, int code) {
  std::lock_guard lock(mutex_);
  routes_[path] = std::make_shared<Route>(Route{Route::Kind::status, "", "", 0, 0, code, ""});
}

void StreamServer::redirect(const std::string& path, const std::string& to) {
  std::lock_guard lock(mutex_);
  routes_[path] = std::make_shared<Route>(Route{Route::Kind::redirect, to, "", 0, 0, 302, ""});
}

void StreamServer::endless(const std::string& path, std::string head, std::string lines,
                           const std::string& type) {
  std::lock_guard lock(mutex_);
  routes_[path] = std::make_shared<Route>(
      Route{Route::Kind::endless, std::move(lines), type, 0, 0, 200, std::move(head)});
}

void StreamServer::folder(const std::string& prefix, const std::string& folder) {
  std::lock_guard lock(mutex_);
  routes_[prefix] = std::make_shared<Route>(Route{Route::Kind::folder, folder, "", 0, 0, 200, ""});
}

// The route of `path`: its own, or the folder route of its prefix (path = prefix + a file name).
std::shared_ptr<const StreamServer::Route> StreamServer::route(const std::string& path) const {
  std::lock_guard lock(mutex_);
  if (auto it = routes_.find(path); it != routes_.end()) return it->second;
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return nullptr;
  auto it = routes_.find(path.substr(0, slash + 1));
  return it == routes_.end() || it->second->kind != Route::Kind::folder ? nullptr : it->second;
}

namespace {

// A file of a live HLS folder, whole as it is now; nullopt if there is none (yet, or any more).
std::optional<std::string> read_whole(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

void StreamServer::start() {
  server_ = std::make_unique<httplib::Server>();
  server_->Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
    auto r = route(request.path);
    if (!r) {
      response.status = 404;
      return;
    }
    const int generation = generation_.load();
    switch (r->kind) {
      case Route::Kind::status:
        response.status = r->code;
        return;
      case Route::Kind::redirect:
        response.set_redirect(r->bytes);
        return;
      case Route::Kind::file:
        response.set_content(r->bytes, r->type);
        return;
      case Route::Kind::folder: {
        const std::string name = request.path.substr(request.path.rfind('/') + 1);
        auto bytes = read_whole(std::filesystem::path(r->bytes) / name);
        if (name.empty() || !bytes) {
          response.status = 404;
          return;
        }
        response.set_content(
            *bytes, name.ends_with(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp2t");
        return;
      }
      case Route::Kind::live: {
        const auto begin = Clock::now();
        response.set_content_provider(
            r->type, [this, r, begin, generation](std::size_t offset, httplib::DataSink& sink) {
              if (generation_.load() != generation) return false;
              const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
              const auto allowed = static_cast<std::size_t>(static_cast<double>(r->burst) +
                                                            r->bytes_per_second * elapsed);
              if (allowed <= offset) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                return true;
              }
              const std::size_t at = offset % r->bytes.size();
              const std::size_t n =
                  std::min({allowed - offset, r->bytes.size() - at, std::size_t{16384}});
              return sink.write(r->bytes.data() + at, n);
            });
        return;
      }
      case Route::Kind::endless: {
        response.set_content_provider(
            r->type, [this, r, generation](std::size_t offset, httplib::DataSink& sink) {
              if (generation_.load() != generation) return false;
              if (offset == 0) return sink.write(r->head.data(), r->head.size());
              std::this_thread::sleep_for(std::chrono::milliseconds(1));
              return sink.write(r->bytes.data(), r->bytes.size());
            });
        return;
      }
    }
  });
  if (port_ == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("the test server cannot bind a port");
  } else if (!server_->bind_to_port("127.0.0.1", port_)) {
    throw std::runtime_error("the test server cannot bind its port again");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 500 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void StreamServer::stop() {
  if (!server_) return;
  ++generation_;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace loa::test
