#include "ffmpeg_common.hpp"

#include <cstdarg>
#include <cstdio>
#include <string_view>

namespace loa::detail {

namespace {

constexpr std::size_t kMaxDetail = 80;

// FFmpeg logs through one process-wide callback. loa words its own messages, so nothing is
// printed; the last error FFmpeg logged on a thread is kept as the detail of a reason (a clip is
// opened and decoded on its caller's thread, a relay on its own).
thread_local std::string last_log;

void keep_last_error(void* /*context*/, int level, const char* format, va_list args) {
  if (level > AV_LOG_ERROR) return;
  char text[256];
  std::vsnprintf(text, sizeof text, format, args);
  std::string_view message = text;
  while (!message.empty() &&
         (message.back() == '\n' || message.back() == '.' || message.back() == ' ')) {
    message.remove_suffix(1);
  }
  if (!message.empty()) last_log = std::string(message.substr(0, kMaxDetail));
}

}  // namespace

const FfmpegLibrary* quiet_ffmpeg(bool formats) {
  static const FfmpegLibrary* const codecs = [] {
    const FfmpegLibrary* l = ffmpeg_library(nullptr, false);
    if (l != nullptr) l->av_log_set_callback(keep_last_error);
    return l;
  }();
  if (codecs == nullptr || !formats) return codecs;
  return ffmpeg_library(nullptr, true);
}

const FfmpegLibrary& av() {
  return *quiet_ffmpeg(false);
}

std::string& ffmpeg_last_log() {
  return last_log;
}

std::string ffmpeg_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av().av_strerror(code, text, sizeof text);
  return text;
}

std::string ffmpeg_detail(int code) {
  return last_log.empty() ? ffmpeg_error_text(code) : last_log;
}

std::variant<AudioCodec, std::string> open_audio_codec(AVFormatContext& format) {
  // The first audio stream (av_find_best_stream would skip an MP3's: its rate and channels are
  // known only once a frame is decoded, and loa does not read ahead to find out).
  int stream = -1;
  for (unsigned i = 0; i < format.nb_streams && stream < 0; ++i) {
    if (format.streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) stream = static_cast<int>(i);
  }
  if (stream < 0) return std::string("not an audio file (no audio stream found)");
  const AVCodecParameters& parameters = *format.streams[stream]->codecpar;
  const AVCodec* codec = av().avcodec_find_decoder(parameters.codec_id);
  if (codec == nullptr) {
    return "unsupported audio (no decoder for " +
           std::string(av().avcodec_get_name(parameters.codec_id)) + ")";
  }
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    if (static_cast<int>(i) != stream) format.streams[i]->discard = AVDISCARD_ALL;
  }
  CodecPtr context(av().avcodec_alloc_context3(codec));
  if (!context) return std::string("cannot decode: out of memory");
  context->thread_count = 1;  // the caller owns the threading
  context->pkt_timebase = format.streams[stream]->time_base;
  if (av().avcodec_parameters_to_context(context.get(), &parameters) < 0 ||
      av().avcodec_open2(context.get(), codec, nullptr) < 0) {
    return "unsupported audio (" + std::string(codec->long_name ? codec->long_name : "") + ": " +
           ffmpeg_detail(AVERROR_INVALIDDATA) + ")";
  }
  return AudioCodec{std::move(context), stream};
}

}  // namespace loa::detail
