#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace loa {

// A channel's level over its last full window: the peak and the RMS in dBFS (-inf for silence
// is reported as kSilentDbfs).
struct AirLevel {
  double peak_dbfs = 0;
  double rms_dbfs = 0;
  bool operator==(const AirLevel&) const = default;
};

inline constexpr double kSilentDbfs = -90.0;

// Measures one channel of interleaved blocks, window by window, for a meter: the engine's for the
// live broadcast on air, a capture input's (input_level.hpp) for the input as it arrives. One
// pass over each block, no allocation: cheap enough for the engine's thread. Not thread-safe.
class LevelMeter {
 public:
  // Measures `channel` (0-based) of blocks with `channels` channels, in windows of `window`
  // frames; a channel < 0 measures nothing and forgets the last level.
  void watch(int channel, int channels, std::size_t window);
  // The next block (interleaved, `channels` per frame).
  void add(std::span<const float> block);
  // The last full window's level; nullopt before one is full, or when watching nothing.
  std::optional<AirLevel> level() const { return level_; }
  int channel() const { return channel_; }
  // How many windows have been full since watch(): a new level() when it moves.
  std::uint64_t windows() const { return windows_; }

 private:
  int channel_ = -1;
  int channels_ = 1;
  std::size_t window_ = 1;
  std::size_t frames_ = 0;
  float peak_ = 0;
  double squares_ = 0;
  std::optional<AirLevel> level_;
  std::uint64_t windows_ = 0;
};

}  // namespace loa
