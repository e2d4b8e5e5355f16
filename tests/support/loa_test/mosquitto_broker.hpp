#pragma once
// A real Mosquitto broker for the tests of the district link: on a free loopback port, with TLS
// (a CA and a server certificate for 127.0.0.1 and localhost, made with openssl at test time), a
// password file, the ACL of docs/district.md and persistence in its own folder. Stopped on
// destruction.
//
// A test skips itself when there is no broker to run:
//   if (auto why = test::MosquittoBroker::unavailable(); !why.empty()) GTEST_SKIP() << why;

#include <sys/types.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "loa_test/temp_dir.hpp"

namespace loa::test {

class MosquittoBroker {
 public:
  // Why no broker can run here ("" when mosquitto, mosquitto_passwd and openssl are installed).
  static std::string unavailable();

  // Makes the certificates, the password file (one account per `accounts` entry: user, password,
  // hashed by one mosquitto_passwd run for all of them) and the ACL for `district`; start() starts
  // it. `extra_config` is appended to mosquitto.conf after the listener, so its lines override
  // the fixture's (the push bench sets the district's own autosave and max_connections -1).
  // Throws std::runtime_error if a tool fails.
  MosquittoBroker(std::string district, std::vector<std::pair<std::string, std::string>> accounts,
                  const std::string& extra_config = {});
  ~MosquittoBroker();
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  // Starts mosquitto and waits until it listens (throws with its log if it does not in 10 s).
  // Keeps the port across restarts, so clients reconnect to the same address.
  void start();
  // Sends `sig` and waits for it to end. SIGTERM lets it save its persistent state; SIGKILL is a
  // power cut (what it saved last survives).
  void stop(int sig = SIGTERM);
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  // Its process id while it runs (for /proc/PID/...), else -1.
  pid_t pid() const { return pid_; }
  std::string url() const;  // mqtts://127.0.0.1:PORT
  const std::filesystem::path& ca() const { return ca_; }
  const std::filesystem::path& folder() const { return dir_.path(); }
  std::string log() const;

 private:
  TempDir dir_;
  std::filesystem::path ca_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace loa::test
