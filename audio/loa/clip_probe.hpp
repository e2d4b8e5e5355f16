#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>

namespace loa {

// What loa knows of a clip after decoding it once from start to end.
struct ClipInfo {
  std::int64_t frames = 0;  // frames actually decoded, not what the header claims
  int sample_rate = 0;
  int channels = 0;
  std::string format;  // "WAV", "FLAC", "Ogg Vorbis", "Ogg Opus", "MP3", ...

  std::chrono::microseconds duration() const;
};

// Why a clip cannot air, in words an operator can act on, e.g. "file not found",
// "empty (no audio)", "truncated: ...", "not an audio file (...)". Reasons that start with
// "cannot read" depend on permissions or the system rather than on the file's content.
struct ClipError {
  std::string reason;
};

using ProbeResult = std::variant<ClipInfo, ClipError>;

// Opens and decodes the whole clip with libsndfile (streamed, a small buffer at a time) to prove it
// airs and to learn its real length. Thread-safe: opens are serialised (libsndfile reports a failed
// open through process-wide state), decoding runs in parallel. Never throws for bad files.
ProbeResult probe_clip(const std::filesystem::path& file);

}  // namespace loa
