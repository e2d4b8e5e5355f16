#include "loa/station_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace loa {

namespace {

// The pid the holder wrote, or "" if it cannot be read.
std::string holder_of(int fd) {
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return {};
  std::string pid(buffer, static_cast<std::size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

StationLock::StationLock(const std::filesystem::path& state) {
  std::error_code ec;
  std::filesystem::create_directories(state, ec);
  const auto file = state / "run.lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot write in the state folder " + state.string() + " (" +
                             std::strerror(errno) +
                             "); give the user loa runs as the right to write there");
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string pid = holder_of(fd_);
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error(
        "another loa run" + (pid.empty() ? std::string() : " (process " + pid + ")") +
        " is already airing this station (state folder " + state.string() +
        "); stop it first (systemctl stop loa, or Ctrl-C where it runs), or give this station "
        "another state folder");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // The lock holds without the pid: a second loa run is refused all the same, without it.
  }
}

StationLock::~StationLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace loa
