#include "loa_test/icecast_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "loa_test/child_process.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/loopback_port.hpp"

namespace loa::test {

namespace {

constexpr const char* kIcecast = "/usr/bin/icecast2";
constexpr const char* kSourcePassword = "nguon-thu";

// "admin:nguon-thu-admin" (the admin account below) in base64, for HTTP basic authentication.
constexpr const char* kAdminAuth = "YWRtaW46bmd1b24tdGh1LWFkbWlu";

// The server's answer to a GET of `path` (with `headers`, each ending in CRLF), up to `limit`
// bytes or the first line if `first_line`; "" if none in 2 s.
std::string http_get(int port, const std::string& path, const std::string& headers, bool first_line,
                     std::size_t limit = 64 * 1024) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval wait_limit{2, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &wait_limit, sizeof wait_limit);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  std::string answer;
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\n" + headers + "\r\n";
    if (::send(s, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char c = 0;
      while (answer.size() < limit && ::recv(s, &c, 1, 0) == 1 && !(first_line && c == '\n')) {
        answer += c;
      }
    }
  }
  ::close(s);
  return answer;
}

// The first line of the server's answer to a listener's GET of `mount`.
std::string status_line(int port, const std::string& mount) {
  return http_get(port, mount, "", /*first_line=*/true, 200);
}

std::string admin_get(int port, const std::string& path) {
  return http_get(port, path, std::string("Authorization: Basic ") + kAdminAuth + "\r\n",
                  /*first_line=*/false);
}

}  // namespace

std::string IcecastServer::unavailable() {
  if (::access(kIcecast, X_OK) != 0)
    return std::string("no ") + kIcecast + " here (scripts/install-deps.sh test installs icecast2)";
  if (std::system("ffmpeg -version >/dev/null 2>&1") != 0)
    return "no ffmpeg here to feed Icecast (scripts/install-deps.sh test installs it)";
  return {};
}

IcecastServer::IcecastServer() : port_(free_loopback_port()) {
  const std::string d = dir_.path().string();
  std::ostringstream xml;
  // Icecast's defaults otherwise (burst on connect, 64 KB), as a station's server runs.
  xml << "<icecast>\n"
      << "  <location>loa test</location>\n  <admin>loa@localhost</admin>\n"
      << "  <limits><clients>20</clients><sources>4</sources><source-timeout>10</source-timeout>"
         "</limits>\n"
      << "  <authentication><source-password>" << kSourcePassword
      << "</source-password><admin-user>admin</admin-user><admin-password>" << kSourcePassword
      << "-admin</admin-password></authentication>\n"
      << "  <hostname>127.0.0.1</hostname>\n"
      << "  <listen-socket><port>" << port_
      << "</port><bind-address>127.0.0.1</bind-address></listen-socket>\n"
      << "  <fileserve>0</fileserve>\n"
      << "  <paths><basedir>" << d << "</basedir><logdir>" << d << "</logdir><pidfile>" << d
      << "/icecast.pid</pidfile><webroot>/usr/share/icecast2/web</webroot>"
         "<adminroot>/usr/share/icecast2/admin</adminroot></paths>\n"
      << "  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog>"
         "<loglevel>3</loglevel></logging>\n"
      << "  <security><chroot>0</chroot></security>\n"
      << "</icecast>\n";
  dir_.write("icecast.xml", xml.str());
  give_to_nobody(dir_.path());
}

IcecastServer::~IcecastServer() {
  kill();
}

void IcecastServer::start() {
  if (pid_ > 0) return;
  pid_ = spawn_logged({kIcecast, "-c", (dir_ / "icecast.xml").string()}, dir_ / "icecast.out",
                      /*as_nobody=*/true);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!loopback_listening(port_)) {
    const bool ended = process_ended(pid_);
    if (ended || std::chrono::steady_clock::now() > give_up) {
      if (!ended) end_process(pid_);
      pid_ = -1;
      throw std::runtime_error("icecast2 did not start:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void IcecastServer::kill() {
  end_process(pid_, SIGKILL);
  pid_ = -1;
}

std::string IcecastServer::url(const std::string& mount) const {
  return "http://127.0.0.1:" + std::to_string(port_) + mount;
}

std::string IcecastServer::source_url(const std::string& mount) const {
  return std::string("icecast://source:") + kSourcePassword +
         "@127.0.0.1:" + std::to_string(port_) + mount;
}

bool IcecastServer::mounted(const std::string& mount) const {
  return status_line(port_, mount).find(" 200") != std::string::npos;
}

int IcecastServer::drop_listeners(const std::string& mount) const {
  // The admin interface's list of the mount's listeners: <listener>...<ID>N</ID></listener>.
  const std::string list = admin_get(port_, "/admin/listclients?mount=" + mount);
  int dropped = 0;
  const std::string marker = "<ID>";
  for (auto at = list.find(marker); at != std::string::npos; at = list.find(marker, at + 1)) {
    const auto from = at + marker.size();
    const std::string id = list.substr(from, list.find('<', from) - from);
    const std::string answer = admin_get(port_, "/admin/killclient?mount=" + mount + "&id=" + id);
    if (answer.find(" 200") != std::string::npos) ++dropped;
  }
  return dropped;
}

std::string IcecastServer::log() const {
  return slurp(dir_ / "icecast.out") + slurp(dir_ / "error.log");
}

}  // namespace loa::test
