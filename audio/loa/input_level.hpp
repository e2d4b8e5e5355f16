#pragma once

// The level of a capture input as it arrives, before live levelling: what the speaker's meter
// shows (too quiet, about right, clipping), where the level on air after the leveller would always
// look about right. The input's thread measures; any thread reads the last 100 ms.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "loa/level_meter.hpp"

namespace loa {

class InputLevel {
 public:
  // The input's thread only: the next samples as they arrive, mono at `rate`. Real-time safe (no
  // lock, no allocation).
  void add(std::span<const float> samples, int rate);
  // The last full 100 ms window's level; nullopt when none has been full in the last 500 ms (the
  // device is missing, unplugged, or not open). Any thread; lock-free.
  std::optional<AirLevel> latest() const;

 private:
  LevelMeter meter_;  // the input's thread's
  // The last window: peak and RMS in dBFS as two floats in one word, so a reader never sees
  // one window's peak with another's RMS; and when it was full (steady clock, ns).
  std::atomic<std::uint64_t> level_{0};
  std::atomic<std::int64_t> full_at_{0};
};

// One per id of the station's `audio.inputs`, made with the station for air and shared by every
// opening of that input.
using InputLevels = std::map<std::string, std::shared_ptr<InputLevel>, std::less<>>;

}  // namespace loa
