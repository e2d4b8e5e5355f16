#include <string_view>

#include "relay_packets.hpp"

namespace loa::detail {

namespace {

class FormatPackets final : public RelayPackets {
 public:
  FormatPackets(FormatPtr format, AudioCodec audio)
      : format_(std::move(format)), audio_(std::move(audio)) {}

  int next(AVPacket& packet) override {
    for (;;) {
      const int result = av().av_read_frame(format_.get(), &packet);
      if (result < 0 || packet.stream_index == audio_.stream) return result;
      av().av_packet_unref(&packet);
    }
  }
  AVCodecContext& codec() override { return *audio_.codec; }
  AVRational time_base() const override { return format_->streams[audio_.stream]->time_base; }

  // A finished HLS playlist (#EXT-X-ENDLIST) has a duration; a file over HTTP has a length
  // (Content-Length), which a live Icecast stream never sends. (An HLS playlist's own length
  // says nothing: live ones have one too.)
  bool is_recording() const override {
    if (format_->duration > 0) return true;
    return !is_segmented() && format_->pb != nullptr && av().avio_size(format_->pb) > 0;
  }
  bool is_segmented() const override {
    return format_->iformat != nullptr && std::string_view(format_->iformat->name) == "hls";
  }
  bool found_audio() const override { return true; }

 private:
  FormatPtr format_;
  AudioCodec audio_;
};

}  // namespace

PacketsOrReason open_format_packets(const std::string& url, RelayDeadline& deadline,
                                    std::chrono::milliseconds open_timeout,
                                    std::chrono::milliseconds stall, IcecastSocket* socket) {
  if (quiet_ffmpeg(true) == nullptr) {
    std::string why;
    ffmpeg_library(&why, true);
    return "the relay cannot play: " + why + " (Debian: apt install libavformat59)";
  }
  AVIOContext* io = nullptr;
  if (socket != nullptr && (io = socket->io()) == nullptr) return std::string("out of memory");
  int code = 0;
  FormatPtr format = open_relay_input(url, deadline, open_timeout, stall, code, io);
  if (!format) return relay_open_reason(url, code, deadline, open_timeout);
  auto codec = open_audio_codec(*format);
  if (auto* why = std::get_if<std::string>(&codec)) return "not audio: " + *why;
  return std::make_unique<FormatPackets>(std::move(format), std::move(std::get<AudioCodec>(codec)));
}

}  // namespace loa::detail
