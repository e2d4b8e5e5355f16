#pragma once

// Private to audio/: a plain Icecast or Shoutcast stream (an http:// address that answers 200
// with audio of no stated length) read through loa's own socket. An MP3 or AAC stream's bytes go
// to libavcodec's parser (relay_parsed_packets.hpp), anything else's (Ogg) to FFmpeg's demuxer
// through a custom AVIOContext.
//
// Why: FFmpeg's HTTP reading polls its socket 100 ms at a time and reads each 1,400-byte chunk
// Icecast sends as it arrives, so a relay's network thread woke 14 times a second, and on a
// station's small computer the wakes cost more than the decoding. This socket wakes once 4 KB
// have arrived (SO_RCVLOWAT: 4 times a second at 128 kb/s), and at once when the server closes
// or resets the connection. Measured (performance.md, section 11): 40 % less CPU for reading
// and decoding the same stream.
//
// Everything else (https, a redirect, an error status, a playlist, a web page, a file of known
// length, credentials in the address, a refused connection) is left to FFmpeg's own reading:
// open() returns null and the caller opens the address with FFmpeg, whose reasons for failing
// operators already read.

#include <chrono>
#include <memory>
#include <string>

#include "ffmpeg_common.hpp"
#include "relay_link.hpp"
#include "relay_open.hpp"

namespace loa::detail {

class IcecastSocket {
 public:
  // Connects and reads the answer's head, within the `deadline` armed for `timeout`; null if
  // the address is not a plain stream (above), if the deadline passed (deadline.timed_out()) or
  // if the link stops. A read waits at most `longest_wait` for its 4 KB, then returns what has
  // come: the most the socket delays the audio, which must stay well inside the relay's jitter
  // allowance. Network thread. Needs quiet_ffmpeg() loaded.
  static std::unique_ptr<IcecastSocket> open(const std::string& url, RelayDeadline& deadline,
                                             std::chrono::milliseconds timeout,
                                             std::chrono::milliseconds longest_wait,
                                             RelayLink& link);
  ~IcecastSocket();
  IcecastSocket(const IcecastSocket&) = delete;
  IcecastSocket& operator=(const IcecastSocket&) = delete;

  // The answer's Content-Type, lower case ("audio/mpeg").
  const std::string& content_type() const { return content_type_; }

  // At least `bytes` of the stream's first bytes, without taking them: fewer if the stream ends,
  // the deadline passes or the link stops first. Only before the first read().
  const std::string& peek(std::size_t bytes);

  // Up to `size` bytes of the stream into `buffer`: how many (> 0), AVERROR_EXIT once the
  // deadline passes (looked at before every read), AVERROR_EOF when the server closes the stream
  // or the link stops.
  int read(std::uint8_t* buffer, int size);

  // For AVFormatContext::pb, made on the first call (null if out of memory); reads as read().
  // Outlives the format context that reads it (destroy that first). Needs quiet_ffmpeg(true).
  AVIOContext* io();

 private:
  IcecastSocket(int fd, RelayDeadline& deadline, RelayLink& link);
  static int read_for_ffmpeg(void* opaque, std::uint8_t* buffer, int size);
  int receive(std::uint8_t* buffer, int size);  // read() from the socket itself

  int fd_;
  std::string early_bytes_;  // what came with the answer's head
  std::string content_type_;
  RelayDeadline& deadline_;
  RelayLink& link_;
  AVIOContext* io_ = nullptr;
};

}  // namespace loa::detail
