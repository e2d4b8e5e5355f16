#pragma once

// Private to audio/: the one way every reader of clips (probe, stream, loudness) decodes them, so
// that a clip has the same length, samples and reason for refusal in `loa check`, `loa scan`,
// `loa render` and on air. Two implementations behind it:
// - libsndfile (sndfile_decoder.cpp) for WAV, FLAC, Ogg Vorbis, Opus, MP3 (through mpg123) and
//   the rest it reads, through a 64 KB read buffer;
// - FFmpeg's libraries (ffmpeg_decoder.cpp, loaded on first use: ffmpeg_library.hpp) for AAC in
//   M4A/MP4 and ADTS files, which libsndfile does not read.
// open_decoder (clip_decoder.cpp) checks the file and picks one by the file's first bytes.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "loa/clip_probe.hpp"
#include "loa/mono_source.hpp"

namespace loa::detail {

// A clip decoded from its start, a block at a time, as the mono downmix a loudspeaker zone plays
// (the mean of the channels), at the clip's own rate. Gapless: encoder delay and padding that the
// file declares (LAME/Xing header, MP4 edit list and duration, Opus pre-skip) are left out.
// Used by one thread at a time; never throws for bad data.
class ClipDecoder {
 public:
  virtual ~ClipDecoder() = default;
  ClipDecoder() = default;
  ClipDecoder(const ClipDecoder&) = delete;
  ClipDecoder& operator=(const ClipDecoder&) = delete;

  int rate() const { return rate_; }
  int channels() const { return channels_; }
  // ClipInfo::format: "WAV", "FLAC", "Ogg Vorbis", "Ogg Opus", "MP3", "M4A", "AAC", ...
  const std::string& format() const { return format_; }
  // Frames given by read() so far.
  std::int64_t decoded() const { return decoded_; }

  // Decodes the next frames into `mono`; fewer than mono.size() (0 included) at the end of the
  // clip or where decoding failed, and none after that.
  virtual std::size_t read(std::span<float> mono) = 0;
  // After read() came up short: whether decoding failed (damaged data) rather than ended cleanly.
  virtual bool failed() const = 0;
  // After read() came up short: why the clip cannot air (decoding failed, cut off), or nullopt.
  // Does not report an empty clip (decoded() == 0), which callers word themselves.
  virtual std::optional<ClipError> verdict() = 0;

 protected:
  int rate_ = 0;
  int channels_ = 0;
  std::string format_;
  std::int64_t decoded_ = 0;
};

using OpenedDecoder = std::variant<std::unique_ptr<ClipDecoder>, ClipError>;

// Checks the file (found, a regular file, readable, not empty), opens it with the library that
// decodes its format and checks its shape (channels, sample rate). A clip that needs FFmpeg is
// decoded by the decoding helper when one is set (loa/decoding_helper.hpp). Thread-safe. Never
// throws for bad files.
OpenedDecoder open_decoder(const std::filesystem::path& file);
// The same, always in this process (the helper's side).
OpenedDecoder open_decoder_here(const std::filesystem::path& file);
// Whether `file` is decoded by the helper: one is set and its first bytes say AAC (M4A/MP4 or
// ADTS). Never throws.
bool decoded_by_helper(const std::filesystem::path& file);

// The helper (helper_decoder.cpp): whether one is set, and a decoder reading `file` through it.
bool decoding_helper_set();
OpenedDecoder open_helper_decoder(const std::filesystem::path& file);

// The two libraries, for open_decoder (the file has been checked).
OpenedDecoder open_sndfile_decoder(const std::filesystem::path& file);
// `container_known`: the file's first bytes say MP4 (an "ftyp" box), so FFmpeg's reason stands if
// it fails to open it; otherwise (an ADTS sync, perhaps by chance) that returns nullopt and
// libsndfile is asked instead.
std::optional<OpenedDecoder> open_ffmpeg_decoder(const std::filesystem::path& file,
                                                 bool container_known);

// Loads now what decoding a clip of `format` (ClipInfo::format) will need, so that a station whose
// clips were probed from the cache does not load FFmpeg's libraries (100 ms, seconds from a cold
// SD card) in the middle of a broadcast. Thread-safe; cheap once loaded.
void prepare_decoder(std::string_view format);
// The same for `file`, by its first bytes (clip_decoder.cpp). Never throws.
void prepare_decoder_for(const std::filesystem::path& file);

// What open_clip_stream (clip_stream.cpp) makes of an opened decoder: its clip at `rate`, times
// `gain`; for the house cache, which looks at the decoder first. Throws ClipStreamError.
std::unique_ptr<MonoSource> stream_decoder(std::unique_ptr<ClipDecoder> decoder, int rate,
                                           float gain);

// Shared wording.
ClipError clip_error(std::string reason);
// "17.190 s" under a minute, "7:24.789" from a minute.
std::string time_text(std::int64_t frames, int rate);
// Checks channel count and rate; nullopt if loa can air this shape.
std::optional<ClipError> check_shape(int channels, int rate);
// A lossy clip may end a codec frame or so short of what its header promises; this much shortfall
// (100 ms or 1 %) is not reported as truncation.
std::int64_t lossy_shortfall_tolerance(int rate, std::int64_t promised);
// "truncated: audio stops at X of Y (why)".
ClipError truncated_at(int rate, std::int64_t decoded, std::optional<std::int64_t> promised,
                       std::string_view why);

// The mean of `channels` interleaved channels of `frames` frames into `mono` (channels 1: a copy).
void downmix_interleaved(const float* in, std::size_t frames, std::size_t channels, float* mono);
// The same from planar channels.
void downmix_planar(const float* const* planes, std::size_t offset, std::size_t frames,
                    std::size_t channels, float* mono);

}  // namespace loa::detail
