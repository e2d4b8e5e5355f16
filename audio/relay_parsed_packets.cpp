#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "adts_stream.hpp"
#include "relay_packets.hpp"

namespace loa::detail {

namespace {

// How much of the stream's start is looked at to tell MP3 from AAC: several frames of either.
constexpr std::size_t kSniffBytes = 2048;
// What one read from the socket may bring.
constexpr int kChunk = 16 * 1024;

struct ParserCloser {
  void operator()(AVCodecParserContext* parser) const { av().av_parser_close(parser); }
};
using ParserPtr = std::unique_ptr<AVCodecParserContext, ParserCloser>;

// The codec a Content-Type names, if it is MP3 (MPEG audio: layer II too) or AAC.
std::optional<AVCodecID> codec_of_type(std::string_view type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  for (std::string_view mpeg :
       {"audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg", "audio/x-mp3", "audio/mpa"}) {
    if (type == mpeg) return AV_CODEC_ID_MP3;
  }
  for (std::string_view aac : {"audio/aac", "audio/aacp", "audio/x-aac", "audio/x-aacp"}) {
    if (type == aac) return AV_CODEC_ID_AAC;
  }
  return std::nullopt;
}

// An MPEG audio frame header (layer I, II or III): sync, no reserved version, layer, bit rate
// or sampling rate.
bool is_mpeg_audio_header(const std::uint8_t* h) {
  return h[0] == 0xFF && (h[1] & 0xE0U) == 0xE0 && ((h[1] >> 3U) & 3U) != 1 &&
         ((h[1] >> 1U) & 3U) != 0 && (h[2] >> 4U) != 15 && (h[2] >> 4U) != 0 &&
         ((h[2] >> 2U) & 3U) != 3;
}

// What the stream's first bytes are: AAC if an ADTS frame followed by another comes first, MP3
// if an MPEG audio header does; `by_type` if neither shows; nothing for a container's magic
// (Ogg, FLAC, WAV: FFmpeg's demuxer reads it, whatever the server calls it).
std::optional<AVCodecID> sniff(std::string_view start, AVCodecID by_type) {
  for (std::string_view magic : {"OggS", "fLaC", "RIFF"}) {
    if (start.starts_with(magic)) return std::nullopt;
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(start.data());
  for (std::size_t at = 0; at + kAdtsHeader <= start.size(); ++at) {
    if (const std::uint32_t length = adts_frame_length(bytes + at); length > 0) {
      const std::size_t next = at + length;
      if (next + kAdtsHeader <= start.size() && adts_frame_length(bytes + next) > 0) {
        return AV_CODEC_ID_AAC;
      }
    } else if (is_mpeg_audio_header(bytes + at)) {
      return AV_CODEC_ID_MP3;
    }
  }
  return by_type;
}

class ParsedPackets final : public RelayPackets {
 public:
  ParsedPackets(IcecastSocket& socket, ParserPtr parser, CodecPtr codec)
      : socket_(socket),
        parser_(std::move(parser)),
        codec_(std::move(codec)),
        bytes_(kChunk + AV_INPUT_BUFFER_PADDING_SIZE, 0) {}

  // Network thread. The packet's data is the parser's, valid until the next call.
  int next(AVPacket& packet) override {
    for (;;) {
      if (at_ < end_ || ended_) {
        std::uint8_t* frame = nullptr;
        int size = 0;
        const int used =
            av().av_parser_parse2(parser_.get(), codec_.get(), &frame, &size, bytes_.data() + at_,
                                  end_ - at_, AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
        if (used < 0) return used;
        // A parser takes the bytes it is given (into its own buffer when they end mid-frame);
        // if one ever took none, they are dropped rather than offered again without end.
        at_ = used == 0 && size == 0 ? end_ : at_ + used;
        if (size > 0) {
          packet.data = frame;
          packet.size = size;
          return 0;
        }
        if (ended_) return AVERROR_EOF;  // the parser gave its last frame
        if (at_ < end_) continue;
      }
      const int got = socket_.read(bytes_.data(), kChunk);
      if (got == AVERROR_EOF) {
        ended_ = true;  // the parser is asked once more, with nothing, for the frame it holds
        at_ = end_ = 0;
        continue;
      }
      if (got < 0) return got;
      at_ = 0;
      end_ = got;
      std::fill_n(bytes_.begin() + end_, AV_INPUT_BUFFER_PADDING_SIZE, 0);
    }
  }
  AVCodecContext& codec() override { return *codec_; }
  AVRational time_base() const override { return {0, 1}; }
  bool is_recording() const override { return false; }  // a Content-Length goes to FFmpeg
  bool is_segmented() const override { return false; }
  bool found_audio() const override { return false; }

 private:
  IcecastSocket& socket_;
  ParserPtr parser_;
  CodecPtr codec_;
  std::vector<std::uint8_t> bytes_;  // zero-padded after end_, as the parser may read ahead
  int at_ = 0;
  int end_ = 0;
  bool ended_ = false;
};

}  // namespace

PacketsOrReason open_parsed_packets(IcecastSocket& socket) {
  const auto by_type = codec_of_type(socket.content_type());
  if (!by_type) return std::unique_ptr<RelayPackets>();
  const auto id = sniff(socket.peek(kSniffBytes), *by_type);
  if (!id) return std::unique_ptr<RelayPackets>();
  const AVCodec* decoder = av().avcodec_find_decoder(*id);
  if (decoder == nullptr) {
    return "unsupported audio (no decoder for " + std::string(av().avcodec_get_name(*id)) + ")";
  }
  CodecPtr codec(av().avcodec_alloc_context3(decoder));
  ParserPtr parser(av().av_parser_init(*id));
  if (!codec || !parser) return std::string("out of memory");
  codec->thread_count = 1;  // the relay's network thread is the decoding thread
  if (av().avcodec_open2(codec.get(), decoder, nullptr) < 0) {
    return "unsupported audio (" +
           std::string(decoder->long_name != nullptr ? decoder->long_name : "") + ": " +
           ffmpeg_detail(AVERROR_INVALIDDATA) + ")";
  }
  return std::make_unique<ParsedPackets>(socket, std::move(parser), std::move(codec));
}

}  // namespace loa::detail
