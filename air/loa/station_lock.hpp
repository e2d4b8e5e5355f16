#pragma once

#include <filesystem>

namespace loa {

// One station, one engine. `loa run` holds this for as long as it airs, so that a second `loa run`
// on the same state folder refuses to start instead of running the amplifiers' commands and
// journaling beside the first. An flock on `state/run.lock` (which also holds the holder's pid):
// the kernel releases it when the process ends, however it ends, so a power cut or kill -9 never
// leaves a stale lock behind.
class StationLock {
 public:
  // Creates the state folder if needed. Throws std::runtime_error, in an operator's words naming
  // the folder (and the other process, when known), if another process holds the lock or the
  // folder cannot be written.
  explicit StationLock(const std::filesystem::path& state);
  ~StationLock();
  StationLock(const StationLock&) = delete;
  StationLock& operator=(const StationLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace loa
