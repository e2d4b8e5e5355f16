#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "loa/clip_probe.hpp"

namespace loa {

// A clip as it is heard in a (mono) zone: loudness (EBU R128 integrated, of the mono downmix),
// its true peak (EBU R128 / ITU-R BS.1770, 4x oversampled), and its length.
struct Loudness {
  double integrated_lufs = -70.0;  // -70 (the R128 floor) for silence
  double peak_dbfs = -144.0;       // true peak of the mono downmix, dBTP
  std::int64_t frames = 0;
  int sample_rate = 0;
  int channels = 0;
};

using LoudnessResult = std::variant<Loudness, ClipError>;

// Measures with libebur128 (streamed). Thread-safe; never throws for bad files.
LoudnessResult measure_loudness(const std::filesystem::path& file);

// The gain (linear) that brings `l` to `target_lufs`, lowered so the true peak stays at or under
// -1 dBTP: no sample exceeds -1 dBFS, also after resampling to the station rate.
// `capped` tells whether the peak limit bit.
float normalization_gain(const Loudness& l, double target_lufs, bool* capped = nullptr);

// Measurements kept across runs in the state folder, keyed on the clip's content (a 64-bit xxHash
// of its bytes), so a renamed or copied clip is not measured again and a changed one is.
// Thread-safe.
class LoudnessCache {
 public:
  explicit LoudnessCache(std::filesystem::path file);  // empty: memory only
  LoudnessResult measure(const std::filesystem::path& clip);
  // measure() of each clip, in the same order, the clips not in the cache measured on all cores.
  std::vector<LoudnessResult> measure_all(const std::vector<std::filesystem::path>& clips);
  bool save() noexcept;
  std::size_t hits() const;
  std::size_t misses() const;

 private:
  std::filesystem::path file_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Loudness> entries_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
  bool dirty_ = false;
};

}  // namespace loa
