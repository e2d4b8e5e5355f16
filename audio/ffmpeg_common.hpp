#pragma once

// Private to audio/: what the two users of FFmpeg's libraries share, clips (ffmpeg_decoder.cpp)
// and relays (relay_reader.cpp): the libraries, loaded once and kept quiet; FFmpeg's last logged
// error on the calling thread, as the detail of a reason; RAII owners; opening the decoder of a
// container's first audio stream.

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "ffmpeg_library.hpp"

namespace loa::detail {

// The libraries, quiet (FFmpeg's log goes to a process-wide callback that keeps only the last
// error of each thread), once loaded; nullptr if they cannot be. Thread-safe. Without `formats`
// only the decoding libraries are loaded (libavformat's functions stay null).
const FfmpegLibrary* quiet_ffmpeg(bool formats = true);

// Only once quiet_ffmpeg() has returned the libraries (with `formats` before any of libavformat's
// functions is called).
const FfmpegLibrary& av();

// The last error FFmpeg logged on this thread ("" if none since the last clear).
std::string& ffmpeg_last_log();
// The text of an AVERROR code.
std::string ffmpeg_error_text(int code);
// FFmpeg's own detail if it logged one, else the error code's text.
std::string ffmpeg_detail(int code);

struct FormatCloser {
  void operator()(AVFormatContext* context) const { av().avformat_close_input(&context); }
};
struct CodecCloser {
  void operator()(AVCodecContext* context) const { av().avcodec_free_context(&context); }
};
struct PacketFreer {
  void operator()(AVPacket* packet) const { av().av_packet_free(&packet); }
};
struct FrameFreer {
  void operator()(AVFrame* frame) const { av().av_frame_free(&frame); }
};
struct SwrFreer {
  void operator()(SwrContext* context) const { av().swr_free(&context); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecCloser>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using SwrPtr = std::unique_ptr<SwrContext, SwrFreer>;

// The decoder of the first audio stream of an opened container (every other stream discarded),
// single-threaded (the caller owns the threading).
struct AudioCodec {
  CodecPtr codec;
  int stream = -1;
};
// The codec, or the reason in an operator's words ("not an audio file (no audio stream found)",
// "unsupported audio (no decoder for X)").
std::variant<AudioCodec, std::string> open_audio_codec(AVFormatContext& format);

}  // namespace loa::detail
