#pragma once

// Private to audio/: the frames of a plain ADTS stream (.aac: AAC with a small header on every
// frame, as some phones and messaging apps save voice), found without libavformat, for the same
// reason as mp4_track.hpp: a decoding helper that loads libavformat costs 9.5 MB more.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace loa::detail {

struct AdtsStream {
  int rate = 0;             // the headers' sampling rate (the core rate: SBR doubles it decoded)
  std::uint64_t start = 0;  // where the first frame starts (after an ID3v2 tag)
  std::uint64_t frames = 0;
};

inline constexpr std::size_t kAdtsHeader = 7;  // the part of a header that says its frame's length

// The stream in `file` (`size` bytes long), or nullopt unless the file, after an optional ID3v2
// tag, is nothing but whole ADTS frames of one rate and channel layout up to its last byte. For
// anything else (a cut last frame, junk between frames, tags at the end, a program config
// element) libavformat reads it, with its own recovery and reasons. Reads every frame's header
// (a seek and 7 bytes each), nothing else. Never throws for the file's content.
std::optional<AdtsStream> scan_adts(std::FILE* file, std::uint64_t size);

// The length of the frame whose header starts with `header` (kAdtsHeader bytes), its header
// included; 0 if it is not an ADTS header.
std::uint32_t adts_frame_length(const std::uint8_t* header);

}  // namespace loa::detail
