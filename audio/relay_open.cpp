#include "relay_open.hpp"

#include "relay_reasons.hpp"

namespace loa::detail {

namespace {

// What FFmpeg may open for a relay: streams over HTTP(S) (and the TLS and TCP beneath, and AES
// for encrypted HLS segments), in the containers stations stream in; nothing local.
constexpr const char* kProtocols = "http,https,tls,tcp,crypto";
constexpr const char* kFormats = "mp3,aac,ogg,hls,mpegts,mov,mp4,m4a,flac,wav";

}  // namespace

int RelayDeadline::interrupt(void* opaque) {
  auto* self = static_cast<RelayDeadline*>(opaque);
  if (self->stopping()) return 1;
  if (std::chrono::steady_clock::now() < self->at_) return 0;
  self->timed_out_ = true;
  return 1;
}

std::string seconds_text(std::chrono::milliseconds ms) {
  const auto tenths = (ms.count() + 50) / 100;
  return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") +
         " s";
}

FormatPtr open_relay_input(const std::string& url, RelayDeadline& deadline,
                           std::chrono::milliseconds open_timeout, std::chrono::milliseconds stall,
                           int& code, AVIOContext* io) {
  ffmpeg_last_log().clear();
  AVFormatContext* raw = av().avformat_alloc_context();
  if (raw == nullptr) {
    code = AVERROR(ENOMEM);
    return nullptr;
  }
  raw->interrupt_callback = AVIOInterruptCB{&RelayDeadline::interrupt, &deadline};
  raw->pb = io;  // null: FFmpeg reads `url` itself
  AVDictionary* options = nullptr;
  av().av_dict_set(&options, "protocol_whitelist", kProtocols, 0);
  av().av_dict_set(&options, "format_whitelist", kFormats, 0);
  av().av_dict_set(&options, "user_agent", "loa (commune loudspeaker station)", 0);
  const auto stall_us = std::to_string(stall.count() * 1000);
  av().av_dict_set(&options, "rw_timeout", stall_us.c_str(), 0);
  // FFmpeg names the format after reading up to 1 MB by default; an MP3 mount took 128 KB: the
  // 64 KB Icecast sends at once, then 4 s more of a 128 kb/s stream (16 s at 32 kb/s), longer
  // than a short preroll. 32 KB is enough to tell an MP3, AAC or Ogg stream or an HLS playlist.
  av().av_dict_set(&options, "formatprobesize", "32768", 0);
  deadline.arm(open_timeout);
  code = av().avformat_open_input(&raw, url.c_str(), nullptr, &options);
  av().av_dict_free(&options);
  if (code < 0) return nullptr;  // FFmpeg freed the context
  FormatPtr format(raw);
  bool has_audio = false;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    has_audio |= format->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
  }
  if (!has_audio) {
    code = av().avformat_find_stream_info(format.get(), nullptr);
    if (code < 0) return nullptr;
  }
  code = 0;
  return format;
}

std::string relay_open_reason(const std::string& url, int code, const RelayDeadline& deadline,
                              std::chrono::milliseconds open_timeout) {
  if (deadline.stopping()) return "";
  if (deadline.timed_out() && url.find(".m3u8") != std::string::npos) {
    return "stream too slow: the HLS playlist did not load within " + seconds_text(open_timeout) +
           " (the server is too slow, or the playlist never ends)";
  }
  if (deadline.timed_out()) {
    return "stream too slow: no playable audio within " + seconds_text(open_timeout) +
           " of connecting (the server is too slow, or sends without end something that is not "
           "audio)";
  }
  const int look_ms = static_cast<int>(std::min<long long>(open_timeout.count(), 3000));
  return relay_open_failure(url, code, ffmpeg_last_log(), look_ms);
}

}  // namespace loa::detail
