#pragma once

// Private to audio/: the audio track of a plain M4A/MP4 file (AAC, as phones record it), read
// from the file's index (moov) without libavformat.
//
// Why: Debian's libavformat is built with every protocol and demuxer, and loading it costs the
// decoding helper about 9.5 MB of resident pages (GnuTLS, SRT, libxml2, ...) before it reads a
// byte; with libavcodec alone a helper stays under 30 MB (docs/performance.md, issue 15). This
// reader takes only the plain case: one edit or none, AAC, sample tables that fit the file. For
// anything else it declines, and libavformat reads the file as before, so an odd or broken file
// gets the same samples and the same reasons as it always did.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

namespace loa::detail {

struct Mp4AudioTrack {
  std::uint32_t timescale = 0;  // the track's (mdhd), in which priming and duration count
  int rate = 0;                 // the sample entry's rate (Hz)
  int channels = 0;             // the sample entry's channel count
  // The samples the edit list skips at the start (AAC's priming: 1024 from FFmpeg's encoder,
  // 2112 from Apple's), 0 without an edit list.
  std::int64_t priming = 0;
  // The track's length after priming, as libavformat 5.1 gives it as the stream's duration: the
  // edit's length if there is an edit, else the media's (mdhd).
  std::int64_t duration = 0;
  std::vector<std::uint8_t> config;    // the AudioSpecificConfig (esds), the decoder's extradata
  std::vector<std::uint64_t> offsets;  // each sample's (AAC frame's) place in the file
  std::vector<std::uint32_t> sizes;    // and its size in bytes
};

// Reads the first audio track of `file` (`size` bytes long; read with fseeko/fread from any
// position). nullopt if the file is not a plain M4A/MP4 with an AAC track whose samples all lie
// within the file: not an MP4 at all, fragmented, several edits, another codec, a box that does
// not add up, an index that points past the end (a cut file). Never throws for the file's
// content; reads at most the index's boxes, whatever their declared sizes.
std::optional<Mp4AudioTrack> read_mp4_audio_track(std::FILE* file, std::uint64_t size);

}  // namespace loa::detail
