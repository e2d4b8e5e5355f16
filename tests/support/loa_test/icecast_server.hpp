#pragma once
// A real Icecast server (Debian's icecast2) on a free loopback port, for the relay tests: its
// config, logs and pid file in its own temporary folder, no chroot, no static files. A test run
// as root runs it as nobody: icecast2 refuses to run as root (it asks for <changeowner>, which
// would drop to a user that cannot write the test's folder). Killed on destruction.
//
// A test skips itself when there is no server to run:
//   if (auto why = test::IcecastServer::unavailable(); !why.empty()) GTEST_SKIP() << why;

#include <sys/types.h>

#include <string>

#include "loa_test/temp_dir.hpp"

namespace loa::test {

class IcecastServer {
 public:
  // Why no Icecast can run here ("" when /usr/bin/icecast2 and ffmpeg, its sources, are installed).
  static std::string unavailable();

  IcecastServer();  // writes icecast.xml; start() starts it
  ~IcecastServer();
  IcecastServer(const IcecastServer&) = delete;
  IcecastServer& operator=(const IcecastServer&) = delete;

  // Starts icecast2 and waits until it listens (throws with its log if it does not in 10 s).
  // Keeps its port across restarts.
  void start();
  // SIGKILL: the server dies as in a crash or a power cut, its listeners and sources cut.
  void kill();

  int port() const { return port_; }
  // What listeners (a relay) read: http://127.0.0.1:PORT/mount.
  std::string url(const std::string& mount) const;
  // Where a source (ffmpeg) sends a mount: icecast://source:PASSWORD@127.0.0.1:PORT/mount.
  std::string source_url(const std::string& mount) const;
  // Whether `mount` has a source now (a listener's request is answered 200).
  bool mounted(const std::string& mount) const;
  // Cuts every listener of `mount` (the admin interface's killclient), as a network failure
  // cuts a relay, while the mount's source airs on; how many it cut.
  int drop_listeners(const std::string& mount) const;
  const TempDir& folder() const { return dir_; }
  std::string log() const;

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace loa::test
