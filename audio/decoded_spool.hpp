#pragma once

// Private to audio/: what the decoding helper (helper_decoder.cpp) gave for an AAC clip decoded
// to its end, kept for the rest of this process, so that probing, measuring and rendering (or
// importing) one clip start one helper, not three. A fresh render of a mix with AAC clips used
// to start a helper per clip for the probe, another for the loudness and a third for the
// render, each loading FFmpeg's libraries again.
//
// The samples are those the helper wrote (the clip's mono downmix at its own rate, as floats),
// in an anonymous temporary file (O_TMPFILE in $TMPDIR, else /var/tmp): never seen by anyone,
// gone when this process ends however it ends, read back through the page cache. A clip is
// known by its absolute path, size and modification time, so a changed clip is decoded again.
// At most kSpoolBytes are kept, the clips least recently spooled or opened dropped first, and none
// unused for kSpoolIdle: their use is the minutes in which a render, or the on-air process before
// a broadcast, probes, measures and imports a clip (then the house copy serves).
// Where no temporary file can be made (no such folder, disk full), nothing is kept and each
// reading starts its helper, as before. Thread-safe.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "clip_decoder.hpp"

namespace loa::detail {

inline constexpr std::int64_t kSpoolBytes = std::int64_t{1} << 30;
inline constexpr std::chrono::minutes kSpoolIdle{10};

class SpoolFile;

// Writes one clip's samples as the helper gives them, and keeps them if it reaches the end.
class SpoolWriter {
 public:
  // Nothing is kept if `clip` cannot be known (not found) or no temporary file can be made: then
  // the writer is inactive and costs nothing.
  explicit SpoolWriter(const std::filesystem::path& clip);
  ~SpoolWriter();
  SpoolWriter(const SpoolWriter&) = delete;
  SpoolWriter& operator=(const SpoolWriter&) = delete;

  void append(std::span<const float> mono);
  // The helper's whole stream has been read, with its shape and its trailer: kept from now on.
  void keep(const ClipDecoder& decoder, bool failed, const std::optional<ClipError>& verdict);

 private:
  std::string key_;
  std::shared_ptr<SpoolFile> file_;
  std::int64_t frames_ = 0;
};

// The kept decoding of `clip`, read from its start as the helper would give it; nullptr if none
// (never kept, dropped, or the clip changed since). Never throws.
std::unique_ptr<ClipDecoder> open_spooled(const std::filesystem::path& clip);

}  // namespace loa::detail
