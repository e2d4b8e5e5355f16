#pragma once

// A relay's address looked at once, for `loa check --online`: does it give a stream loa can air,
// and what is it.

#include <chrono>
#include <string>

namespace loa {

struct RelayProbe {
  bool ok = false;
  // ok: what the stream is. `format` is the container FFmpeg read ("mp3", "hls", "ogg", "aac"
  // for ADTS, "mov" for MP4), `codec` the audio in it ("mp3", "aac", "vorbis", "opus", ...),
  // `rate` and `channels` its own.
  std::string format;
  std::string codec;
  int rate = 0;
  int channels = 0;
  // not ok: why, in an operator's words (the relay's own reasons: "connection refused: ...",
  // "HTTP 404: ...", "not audio: ...", "stream too slow: ...").
  std::string reason;
};

// Connects to `url` (http:// or https://) and reads until the stream's codec, rate and channels
// are known, for `timeout` at most. Returns within `timeout` and half a second, whatever the
// network does (a DNS lookup that does not answer is left to finish on a thread of its own).
// Never throws for the network; throws std::invalid_argument for an address that is not http(s).
// Blocks the calling thread (not for the producer or the audio thread).
RelayProbe probe_relay(const std::string& url,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

}  // namespace loa
