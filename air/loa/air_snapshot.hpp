#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "loa/level_meter.hpp"
#include "loa/on_air.hpp"

namespace loa {

struct AmplifierState {
  std::string id;
  ZoneSet zones = 0;
  bool on = false;
  bool operator==(const AmplifierState&) const = default;
};

// The live broadcast ("speak live", POST /api/live) while it is on air or about to be.
struct LiveBroadcast {
  BroadcastKey key;
  std::string title;
  ZoneSet zones = 0;
  int priority = 50;
  bool on_air = false;          // false: waiting for its turn, its amplifiers or its chime
  bool speaking = false;        // the input itself is on air (the chime has played)
  std::optional<UtcTime> ends;  // while speaking: when its `max` ends it
  // While speaking: the level on air of its first zone (after live levelling), over the last
  // 100 ms.
  std::optional<AirLevel> level;
  // While speaking: the input's level as it arrives, before levelling (the speaker's meter: too
  // quiet, or clipping), over the last 100 ms; nullopt while the input delivers nothing.
  std::optional<AirLevel> input_level;
  bool operator==(const LiveBroadcast&) const = default;
};

// What the engine shows the control server: a copy made on the engine's thread whenever it
// changes, read by the server's threads without touching the engine.
struct AirSnapshot {
  std::shared_ptr<const AirStation> air;  // the station on air (immutable)
  std::string version;                    // changes whenever the station's files change
  UtcTime loaded_at;
  std::string output;        // the output's spec
  std::string output_state;  // open, closed or failing
  std::string output_error;
  std::vector<AmplifierState> amplifiers;
  std::vector<NowPlaying> on_air;
  std::vector<ComingUp> next;
  std::optional<LiveBroadcast> live;
};

// The latest snapshot. Thread-safe.
class AirBoard {
 public:
  void publish(std::shared_ptr<const AirSnapshot> s) {
    const std::lock_guard lock(mutex_);
    current_ = std::move(s);
  }
  std::shared_ptr<const AirSnapshot> get() const {
    const std::lock_guard lock(mutex_);
    return current_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const AirSnapshot> current_;
};

// A short fingerprint of the station's files' contents (hex), for AirSnapshot::version.
std::string station_version(const std::vector<std::filesystem::path>& files);

}  // namespace loa
