#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace loa::test {

// A real HTTP server on loopback (cpp-httplib), for relays to read: live streams paced in real
// time, files, errors, redirects, trickles and endless bodies. It can go down and come back on the
// same port, as a station's source does.
class StreamServer {
 public:
  StreamServer();  // listening on a free port of 127.0.0.1
  ~StreamServer();
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;

  std::string url(const std::string& path) const;

  // `bytes` looped for ever at `bytes_per_second`, the first `burst` bytes at once (as Icecast).
  void live(const std::string& path, std::string bytes, double bytes_per_second, std::size_t burst,
            const std::string& type);
  // `bytes`, whole, as a file.
  void file(const std::string& path, std::string bytes, const std::string& type);
  void status(const std::string& path, int code);
  void redirect(const std::string& path, const std::string& to);
  // `lines` repeated for ever, after `head` (an endless playlist).
  void endless(const std::string& path, std::string head, std::string lines,
               const std::string& type);

  // The files under `folder` as they are on disk at each request, at `prefix` + their name: a
  // live HLS stream that ffmpeg writes there (playlists and segments; absent files are 404).
  void folder(const std::string& prefix, const std::string& folder);

  // The server goes down (live streams cut, the port closed) / comes back on the same port.
  void stop();
  void start();

 private:
  struct Route;
  void serve();
  std::shared_ptr<const Route> route(const std::string& path) const;

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Route>> routes_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> generation_{0};  // bumped when the server goes down: open streams end
};

}  // namespace loa::test
