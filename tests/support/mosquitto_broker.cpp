#include "loa_test/mosquitto_broker.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "loa_test/cli.hpp"
#include "loa_test/loopback_port.hpp"

namespace loa::test {

namespace {

std::filesystem::path find_tool(const std::string& name) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"}) {
    const auto p = std::filesystem::path(dir) / name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

void shell(const std::string& command, const std::filesystem::path& log) {
  const std::string line = command + " >>'" + log.string() + "' 2>&1";
  if (std::system(line.c_str()) != 0) {
    throw std::runtime_error("broker fixture: `" + command + "` failed:\n" + slurp(log));
  }
}

}  // namespace

std::string MosquittoBroker::unavailable() {
  for (const char* tool : {"mosquitto", "mosquitto_passwd", "openssl"}) {
    if (find_tool(tool).empty()) {
      return std::string("no ") + tool +
             " here (scripts/install-deps.sh test installs mosquitto and mosquitto-clients)";
    }
  }
  return {};
}

MosquittoBroker::MosquittoBroker(std::string district,
                                 std::vector<std::pair<std::string, std::string>> accounts,
                                 const std::string& extra_config) {
  const auto& d = dir_.path();
  const auto log = d / "setup.log";
  const std::string q = "'" + d.string() + "/";
  // EC keys: quick to make, and what a district would choose today.
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  shell("openssl req -x509" + ec + " -keyout " + q + "ca.key' -out " + q +
            "ca.crt' -days 2 -subj /CN=loa-test-district-ca",
        log);
  dir_.write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  shell("openssl req" + ec + " -keyout " + q + "server.key' -out " + q +
            "server.csr' -subj /CN=localhost",
        log);
  shell("openssl x509 -req -in " + q + "server.csr' -CA " + q + "ca.crt' -CAkey " + q +
            "ca.key' -CAcreateserial -days 2 -extfile " + q + "server.ext' -out " + q +
            "server.crt'",
        log);
  ca_ = d / "ca.crt";

  std::string passwords;
  for (const auto& [user, password] : accounts) passwords += user + ":" + password + "\n";
  dir_.write("passwd", passwords);
  ::chmod((d / "passwd").c_str(), 0600);
  shell(find_tool("mosquitto_passwd").string() + " -U " + q + "passwd'", log);  // hashes them

  // The ACL of docs/district.md.
  dir_.write("acl", "user district-" + district + "\ntopic read loa/" + district +
                        "/stations/#\ntopic write loa/" + district +
                        "/campaigns/#\ntopic write loa/" + district + "/clips/#\ntopic write loa/" +
                        district + "/receipts/#\n\npattern read loa/" + district +
                        "/campaigns/#\npattern read loa/" + district +
                        "/clips/#\npattern read loa/" + district +
                        "/receipts/%u\npattern write loa/" + district + "/stations/%u/#\n");
  std::filesystem::create_directories(d / "data");
  port_ = free_loopback_port();
  std::ostringstream conf;
  if (::geteuid() == 0)
    conf << "user root\n";  // else it would drop to `mosquitto`, who cannot read here
  conf << "per_listener_settings false\n"
       << "allow_anonymous false\n"
       << "password_file " << (d / "passwd").string() << "\n"
       << "acl_file " << (d / "acl").string() << "\n"
       << "persistence true\n"
       << "persistence_location " << (d / "data").string() << "/\n"
       << "autosave_interval 1\nautosave_on_changes true\n"
       << "log_dest file " << (d / "mosquitto.log").string() << "\n"
       << "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
       << "listener " << port_ << " 127.0.0.1\n"
       << "cafile " << ca_.string() << "\n"
       << "certfile " << (d / "server.crt").string() << "\n"
       << "keyfile " << (d / "server.key").string() << "\n"
       << extra_config;
  dir_.write("mosquitto.conf", conf.str());
}

MosquittoBroker::~MosquittoBroker() {
  stop(SIGKILL);
}

void MosquittoBroker::start() {
  if (pid_ > 0) return;
  const std::string binary = find_tool("mosquitto").string();
  const std::string conf = (dir_.path() / "mosquitto.conf").string();
  const std::string out = (dir_.path() / "mosquitto.out").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (o >= 0) {
      ::dup2(o, 1);
      ::dup2(o, 2);
    }
    ::execl(binary.c_str(), binary.c_str(), "-c", conf.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) throw std::runtime_error("broker fixture: fork failed");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!loopback_listening(port_)) {
    int s = 0;
    if (::waitpid(pid_, &s, WNOHANG) == pid_ || std::chrono::steady_clock::now() > give_up) {
      stop(SIGKILL);
      throw std::runtime_error("broker fixture: mosquitto did not start:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void MosquittoBroker::stop(int sig) {
  if (pid_ <= 0) return;
  ::kill(pid_, sig);
  int s = 0;
  ::waitpid(pid_, &s, 0);
  pid_ = -1;
}

std::string MosquittoBroker::url() const {
  return "mqtts://127.0.0.1:" + std::to_string(port_);
}

std::string MosquittoBroker::log() const {
  return slurp(dir_.path() / "mosquitto.out") + slurp(dir_.path() / "mosquitto.log");
}

}  // namespace loa::test
