#pragma once

// Private to audio/: where a relay's network thread (relay_reader.cpp) takes its audio packets
// and their decoder from. Two sources:
// - FFmpeg's demuxer (relay_format_packets.cpp): HLS, Ogg, https, redirects, files; it loads
//   libavformat;
// - libavcodec's parser on loa's own socket (relay_parsed_packets.cpp): a plain MP3 or AAC
//   Icecast or Shoutcast stream, the streams stations relay most. libavformat is not loaded for
//   it: with its dependencies, 9 MB of a relaying loa's 46 MB (docs/performance.md, section 11).
// Both run on the network thread only.

#include <chrono>
#include <memory>
#include <string>
#include <variant>

#include "ffmpeg_common.hpp"
#include "icecast_socket.hpp"
#include "relay_open.hpp"

namespace loa::detail {

class RelayPackets {
 public:
  virtual ~RelayPackets() = default;
  // The next packet of the audio stream into `packet` (the caller unrefs it): 0, or an AVERROR
  // (AVERROR_EOF at the stream's end, AVERROR_EXIT once the deadline passed or the link stops).
  virtual int next(AVPacket& packet) = 0;
  // The decoder of the packets, opened.
  virtual AVCodecContext& codec() = 0;
  // The packets' time base; {0, 1} if they carry no timestamps.
  virtual AVRational time_base() const = 0;
  // A stream of known length (a recording): at its end the relay does not connect again.
  virtual bool is_recording() const = 0;
  // HLS: its audio comes a segment (seconds) at a time, so a burst is how it arrives, not a
  // backlog to skip.
  virtual bool is_segmented() const = 0;
  // Whether opening already found audio in the stream (the demuxer's probe). If not, the stream
  // is still opening until its first half second decodes, under the opening's deadline.
  virtual bool found_audio() const = 0;
};

using PacketsOrReason = std::variant<std::unique_ptr<RelayPackets>, std::string>;

// `url` opened by FFmpeg under `deadline` (read through `socket` if given, which must outlive the
// packets), or the reason it cannot be, in an operator's words. Loads libavformat.
PacketsOrReason open_format_packets(const std::string& url, RelayDeadline& deadline,
                                    std::chrono::milliseconds open_timeout,
                                    std::chrono::milliseconds stall, IcecastSocket* socket);

// The packets of an MP3 or AAC stream read from `socket` (which must outlive them), if its
// Content-Type says MP3 or AAC; null for any other type (FFmpeg's demuxer reads it), a reason if
// its decoder cannot be opened. Reads the stream's first bytes to tell MP3 from AAC by their frame
// headers (a server may call either audio/mpeg).
PacketsOrReason open_parsed_packets(IcecastSocket& socket);

}  // namespace loa::detail
