#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "loa/air_station.hpp"
#include "loa/on_air.hpp"

namespace loa {

// What the control server may ask of the on-air engine. Called on the engine's thread only.
class AirControl {
 public:
  virtual ~AirControl() = default;
  // Queues an ad-hoc broadcast; returns the time it is scheduled at.
  virtual UtcTime play_now(AirStation adhoc) = 0;
  // Cuts what plays on `zones`; returns the zones where something was on air.
  virtual ZoneSet stop(ZoneSet zones, const std::string& reason) = 0;
  // Ends the live broadcast (programme kLiveProgramme), on air or still to start; returns the
  // zones it was for (0: there was none).
  virtual ZoneSet end_live(const std::string& reason) = 0;
  // A station already loaded and checked (e.g. after a programme was saved) goes on air.
  virtual void reload(LoadedStation loaded) = 0;
  // Writes a control action to the journal.
  virtual void record_action(const std::string& who, const std::string& from,
                             const std::string& what) = 0;
};

// Hands work from the server's threads to the engine's, which runs it between two blocks of audio,
// so the engine never waits for a request (however large or slow) and the server never touches the
// engine's state. The engine polls fd() and calls run_pending(). Thread-safe.
class AirControlQueue {
 public:
  AirControlQueue();
  ~AirControlQueue();
  AirControlQueue(const AirControlQueue&) = delete;
  AirControlQueue& operator=(const AirControlQueue&) = delete;

  // Readable when work is queued (an eventfd).
  int fd() const { return fd_; }

  // Server threads: runs `task` on the engine's thread and waits up to `timeout` for it to finish.
  // False if it did not finish in time (it may still run later) or threw (`error` says why).
  bool call(std::function<void(AirControl&)> task, std::chrono::milliseconds timeout,
            std::string& error);

  // The engine's thread: runs everything queued.
  void run_pending(AirControl& control);

 private:
  struct Job;
  int fd_;
  std::mutex mutex_;
  std::deque<std::shared_ptr<Job>> jobs_;
};

}  // namespace loa
