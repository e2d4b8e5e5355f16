#pragma once

// Private to audio/: FFmpeg's libraries, loaded the first time a clip needs them (an AAC clip).
//
// Why not linked: Debian's libavcodec and libavformat pull in about 130 libraries (x265, librsvg,
// GnuTLS, ...), and loading them alone takes 21 MB of resident memory in every loa process (16 MB
// of it shared library pages, 5 MB private), whatever it does: `loa run` airing an MP3 would go
// from 17 to 38 MB. Loaded on demand, only a station that airs AAC pays for it, once.
// The sonames are those of the headers loa was built with (Debian 12: libavformat.so.59, ...).

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
#include <libswresample/swresample.h>
}

#include <string>

namespace loa::detail {

// The functions loa calls, as X(library, function): decoding, and reading containers.
#define LOA_FFMPEG_CODEC_FUNCTIONS(X)       \
  X(avutil, av_log_set_callback)            \
  X(avutil, av_strerror)                    \
  X(avutil, av_rescale_q)                   \
  X(avutil, av_dict_set)                    \
  X(avutil, av_dict_free)                   \
  X(avutil, av_frame_alloc)                 \
  X(avutil, av_frame_free)                  \
  X(avutil, av_mallocz)                     \
  X(avutil, av_malloc)                      \
  X(avutil, av_free)                        \
  X(avcodec, avcodec_find_decoder)          \
  X(avcodec, avcodec_get_name)              \
  X(avcodec, avcodec_alloc_context3)        \
  X(avcodec, avcodec_free_context)          \
  X(avcodec, avcodec_parameters_to_context) \
  X(avcodec, avcodec_open2)                 \
  X(avcodec, avcodec_send_packet)           \
  X(avcodec, avcodec_receive_frame)         \
  X(avcodec, av_packet_alloc)               \
  X(avcodec, av_packet_free)                \
  X(avcodec, av_packet_unref)               \
  X(avcodec, av_new_packet)                 \
  X(avcodec, av_parser_init)                \
  X(avcodec, av_parser_parse2)              \
  X(avcodec, av_parser_close)               \
  X(swresample, swr_alloc_set_opts2)        \
  X(swresample, swr_init)                   \
  X(swresample, swr_convert)                \
  X(swresample, swr_free)
#define LOA_FFMPEG_FORMAT_FUNCTIONS(X)   \
  X(avformat, avformat_alloc_context)    \
  X(avformat, avformat_find_stream_info) \
  X(avformat, avformat_open_input)       \
  X(avformat, avformat_close_input)      \
  X(avformat, av_read_frame)             \
  X(avformat, avio_size)                 \
  X(avformat, avio_alloc_context)        \
  X(avformat, avio_context_free)
#define LOA_FFMPEG_FUNCTIONS(X) LOA_FFMPEG_CODEC_FUNCTIONS(X) LOA_FFMPEG_FORMAT_FUNCTIONS(X)

struct FfmpegLibrary {
#define LOA_FFMPEG_POINTER(library, function) decltype(&::function) function = nullptr;
  LOA_FFMPEG_FUNCTIONS(LOA_FFMPEG_POINTER)
#undef LOA_FFMPEG_POINTER
};

// The libraries, loaded on the first call (thread-safe; never unloaded), or nullptr if they
// cannot be loaded; `why` then says what is missing. Without `formats`, libavformat is not loaded
// (its functions stay null until a call with `formats`): a clip that mp4_track.hpp reads needs
// only the decoder, and libavformat's dependencies cost 9.5 MB of resident pages.
const FfmpegLibrary* ffmpeg_library(std::string* why = nullptr, bool formats = true);

}  // namespace loa::detail
