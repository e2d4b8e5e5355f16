#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "loa/air_control.hpp"
#include "loa/air_snapshot.hpp"
#include "loa/air_station.hpp"
#include "loa/station_lock.hpp"

namespace loa {

struct AirOptions {
  std::filesystem::path config;  // the station file, loaded again on SIGHUP or a file change
  std::string output;            // overrides audio.output when set
};

// The unattended engine of `loa run`: airs a loaded station until SIGTERM or SIGINT. Sleeps on a
// timerfd (CLOCK_REALTIME, woken when the clock is set) while nothing is due; reloads on SIGHUP or
// when a station file changes, keeping the old version on air if the new one has errors; survives
// the sound device failing (retrying with backoff). One thread of its own (the caller's, in run())
// besides PortAudio's callback and a reload worker. Others see it only through `board` (what it
// publishes) and reach it only through `queue`, which it drains between blocks of audio.
//
// The constructor blocks SIGTERM, SIGINT and SIGHUP in the calling thread (they arrive on a
// signalfd): construct it before starting other threads. Throws std::runtime_error if another
// engine airs the same station (StationLock), or the journal or the engine's event sources cannot
// be opened.
class AirEngine {
 public:
  AirEngine(const AirOptions& options, LoadedStation loaded, AirBoard& board,
            AirControlQueue& queue);
  ~AirEngine();
  AirEngine(const AirEngine&) = delete;
  AirEngine& operator=(const AirEngine&) = delete;

  // Airs until stopped by a signal; then fades out, journals what was cut and switches the
  // amplifiers off.
  void run();

  class Impl;

 private:
  std::unique_ptr<StationLock> lock_;  // taken before anything touches the journal or amplifiers
  std::unique_ptr<Impl> impl_;
};

// The checker's diagnostics logged line by line, each at its own level (warning or error).
void log_diagnostics(const std::string& text);

}  // namespace loa
