// Clips decoded with FFmpeg's libraries (libavcodec decodes; libavformat reads the file unless
// it is plain): AAC in M4A/MP4 (as phones and Zalo send it) and in ADTS (.aac); whatever else
// comes in an MP4 file (ALAC from an iPhone's lossless memo). A plain M4A or ADTS file, which is
// nearly every one a station receives, is read by mp4_track.cpp or adts_stream.cpp instead, to
// the same packets, so that libavformat's 9.5 MB are not loaded (the same samples: tested
// against the ffmpeg program in tests/audio/plain_m4a_test.cpp). MP3 stays with libsndfile: through
// a read buffer it decodes as fast as FFmpeg here (2.4 against 2.5 CPU seconds for the corpus's
// hour), to the same samples as before, without FFmpeg's 21 MB (ffmpeg_library.hpp).
//
// Gapless and lengths, with FFmpeg 5.1:
// - M4A/MP4: the edit list's start (AAC's priming, 1024 samples from FFmpeg's encoder, 2112 from
//   Apple's) is dropped (libavformat marks it for the decoder; the plain reader drops as many
//   samples itself); the last AAC frame's padding is not, so the clip is cut at
//   the track's duration, which is also the promise a cut file falls short of. A file that ends
//   before its index (moov, written last by phones) cannot be read at all.
// - ADTS (.aac): no container to declare priming or padding: the decoder's output as it is (about
//   23 ms of priming at 44.1 kHz before the first sound), and no promised length.
//
// A packet that does not decode is skipped, as FFmpeg's own tools do (a glitch of a frame); more
// than a few (kMaxBadPackets plus 1 % of the packets) make the clip damaged.

#include <algorithm>
#include <cstdio>
#include <vector>

#include "adts_stream.hpp"
#include "clip_decoder.hpp"
#include "ffmpeg_common.hpp"
#include "mp4_track.hpp"

namespace loa::detail {

namespace {

namespace fs = std::filesystem;

// The containers FFmpeg may open for loa: its probe picks among these only, so a file it would
// take for something else (an image, a playlist) is left to libsndfile.
constexpr const char* kFormats = "aac,mov,mp4,m4a,3gp,3g2,mj2";
constexpr int kMaxBadPackets = 3;

bool is_mp4(const AVFormatContext& context) {
  return std::string_view(context.iformat->name).starts_with("mov,");
}

// Where a decoder's packets come from: libavformat, or the sample table mp4_track.hpp read.
class PacketReader {
 public:
  virtual ~PacketReader() = default;
  // The audio track's next packet into `packet`: 0, AVERROR_EOF at the end, or an error code.
  virtual int next(AVPacket& packet) = 0;
};

class FormatReader final : public PacketReader {
 public:
  FormatReader(FormatPtr format, int stream) : container_(std::move(format)), stream_(stream) {}

  int next(AVPacket& packet) override {
    while (true) {
      const int result = av().av_read_frame(container_.get(), &packet);
      if (result < 0 || packet.stream_index == stream_) return result;
      av().av_packet_unref(&packet);
    }
  }

 private:
  FormatPtr container_;
  int stream_;
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

class Mp4Reader final : public PacketReader {
 public:
  Mp4Reader(FilePtr file, Mp4AudioTrack track) : file_(std::move(file)), track_(std::move(track)) {}

  int next(AVPacket& packet) override {
    if (next_ == track_.sizes.size()) return AVERROR_EOF;
    const std::uint32_t size = track_.sizes[next_];
    if (av().av_new_packet(&packet, static_cast<int>(size)) < 0) return AVERROR(ENOMEM);
    if (::fseeko(file_.get(), static_cast<off_t>(track_.offsets[next_]), SEEK_SET) != 0 ||
        std::fread(packet.data, 1, size, file_.get()) != size) {
      av().av_packet_unref(&packet);
      return AVERROR(EIO);
    }
    ++next_;
    return 0;
  }

 private:
  FilePtr file_;
  Mp4AudioTrack track_;
  std::size_t next_ = 0;
};

// An ADTS stream that scan_adts has found whole: frame after frame, each with its header, as
// libavformat's ADTS demuxer and parser give them.
class AdtsReader final : public PacketReader {
 public:
  AdtsReader(FilePtr file, AdtsStream stream) : file_(std::move(file)), stream_(stream) {}

  int next(AVPacket& packet) override {
    if (read_ == stream_.frames) return AVERROR_EOF;
    if (read_ == 0 && ::fseeko(file_.get(), static_cast<off_t>(stream_.start), SEEK_SET) != 0) {
      return AVERROR(EIO);
    }
    std::uint8_t header[kAdtsHeader];
    if (std::fread(header, 1, kAdtsHeader, file_.get()) != kAdtsHeader) return AVERROR(EIO);
    const std::uint32_t length = adts_frame_length(header);
    if (length < kAdtsHeader) return AVERROR_INVALIDDATA;  // changed since the scan
    if (av().av_new_packet(&packet, static_cast<int>(length)) < 0) return AVERROR(ENOMEM);
    std::copy_n(header, kAdtsHeader, packet.data);
    const std::size_t rest = length - kAdtsHeader;
    if (std::fread(packet.data + kAdtsHeader, 1, rest, file_.get()) != rest) {
      av().av_packet_unref(&packet);
      return AVERROR(EIO);
    }
    ++read_;
    return 0;
  }

 private:
  FilePtr file_;
  AdtsStream stream_;
  std::uint64_t read_ = 0;
};

// What the container says of the track, beyond its packets.
struct TrackShape {
  bool mp4 = false;           // M4A/MP4, else ADTS
  std::int64_t duration = 0;  // its promised length in `time_base`, 0 if none
  AVRational time_base{1, 1};
  std::int64_t priming = 0;  // decoded samples to drop first (libavformat drops its own)
};

class FfmpegDecoder final : public ClipDecoder {
 public:
  FfmpegDecoder(std::unique_ptr<PacketReader> packets, CodecPtr codec, TrackShape shape)
      : packets_in_(std::move(packets)),
        codec_(std::move(codec)),
        shape_(shape),
        skip_(shape.priming),
        packet_(av().av_packet_alloc()),
        frame_(av().av_frame_alloc()) {}

  // Decodes the first frame, which says the clip's rate and channels. The reason if there is none.
  std::optional<ClipError> start() {
    if (!packet_ || !frame_) return clip_error("cannot decode: out of memory");
    if (!next_frame()) {
      const std::string why = problem_.empty() ? "" : " (" + problem_ + ")";
      if (shape_.mp4 && shape_.duration > 0) {
        return clip_error("truncated: cut off before any audio" + why);
      }
      if (failed_) return clip_error("damaged: no audio frame decodes" + why);
      return clip_error("empty (no audio)");
    }
    rate_ = frame_->sample_rate;
    channels_ = frame_->ch_layout.nb_channels;
    format_ = shape_.mp4 ? "M4A" : "AAC";
    if (auto error = check_shape(channels_, rate_)) return error;
    // The promised length, in frames at the clip's rate: an MP4 track's duration. (An ADTS
    // stream's would be an estimate from its size, which a cut shrinks too.)
    if (shape_.mp4 && shape_.duration > 0) {
      const std::int64_t frames =
          av().av_rescale_q(shape_.duration, shape_.time_base, AVRational{1, rate_});
      promised_ = frames;
      end_ = frames;  // AAC pads its last frame: cut at the track's end
    }
    return std::nullopt;
  }

  // The rate of the first decoded frame (after start()).
  int rate() const { return rate_; }

  std::size_t read(std::span<float> mono) override {
    std::size_t written = 0;
    while (written < mono.size()) {
      if (offset_ == frame_frames_ && !next_frame()) break;
      std::size_t n = std::min(frame_frames_ - offset_, mono.size() - written);
      if (end_) {
        const std::int64_t left = *end_ - (decoded_ + static_cast<std::int64_t>(written));
        n = std::min(n, static_cast<std::size_t>(std::max<std::int64_t>(left, 0)));
        if (n == 0) {
          finished_ = true;
          break;
        }
      }
      downmix(n, mono.data() + written);
      offset_ += n;
      written += n;
    }
    decoded_ += static_cast<std::int64_t>(written);
    return written;
  }

  bool failed() const override { return failed_; }

  std::optional<ClipError> verdict() override {
    if (promised_ && *promised_ - decoded_ > lossy_shortfall_tolerance(rate_, *promised_)) {
      return truncated_at(rate_, decoded_, promised_, problem_);
    }
    if (failed_) {
      return clip_error("damaged: decoding fails at " + time_text(decoded_, rate_) + " (" +
                        problem_ + ")");
    }
    return std::nullopt;
  }

 private:
  // Makes frame_ the next decoded frame (offset_ 0); false at the end or on failure.
  bool next_frame() {
    offset_ = frame_frames_ = 0;
    while (!finished_) {
      ffmpeg_last_log().clear();
      int result = av().avcodec_receive_frame(codec_.get(), frame_.get());
      if (result == 0) {
        if (!take_frame()) return false;
        drop_priming();
        if (offset_ < frame_frames_) return true;
        continue;
      }
      if (result == AVERROR_EOF) {
        finished_ = true;
        break;
      }
      if (result != AVERROR(EAGAIN)) {
        if (!bad_packet(result)) return false;
        continue;
      }
      result = packets_in_->next(*packet_);
      if (result < 0) {
        // The end of the file, or a read that fails (a cut file's index points past its end):
        // either way the decoder gives what it still holds. Only the length tells a cut.
        if (result != AVERROR_EOF) problem_ = ffmpeg_detail(result);
        av().avcodec_send_packet(codec_.get(), nullptr);
        continue;
      }
      ++packets_;
      result = av().avcodec_send_packet(codec_.get(), packet_.get());
      av().av_packet_unref(packet_.get());
      if (result < 0 && result != AVERROR(EAGAIN) && !bad_packet(result)) return false;
    }
    return false;
  }

  // A packet that did not decode: skipped, unless there have been too many. False if the clip
  // has failed.
  bool bad_packet(int code) {
    problem_ = ffmpeg_detail(code);
    if (++bad_packets_ <= kMaxBadPackets + packets_ / 100) return true;
    failed_ = finished_ = true;
    return false;
  }

  // Accepts the frame just decoded: its samples as float planes. False if the clip has failed.
  bool take_frame() {
    if (rate_ != 0 && frame_->sample_rate != rate_) {
      problem_ = "the sample rate changes from " + std::to_string(rate_) + " to " +
                 std::to_string(frame_->sample_rate) + " Hz";
      failed_ = finished_ = true;
      return false;
    }
    frame_channels_ = static_cast<std::size_t>(frame_->ch_layout.nb_channels);
    if (frame_channels_ == 0 || frame_->nb_samples <= 0) return true;
    const auto format = static_cast<AVSampleFormat>(frame_->format);
    if (format == AV_SAMPLE_FMT_FLTP || format == AV_SAMPLE_FMT_FLT) {
      planar_ = format == AV_SAMPLE_FMT_FLTP;
      planes_ = reinterpret_cast<const float* const*>(frame_->extended_data);
    } else if (!convert(format)) {
      return false;
    }
    frame_frames_ = static_cast<std::size_t>(frame_->nb_samples);
    return true;
  }

  // The edit list's priming, when this decoder reads the MP4 itself: libavformat drops it the
  // same way, whole frames and then part of one, before the samples count.
  void drop_priming() {
    const auto dropped = static_cast<std::size_t>(
        std::min<std::int64_t>(skip_, static_cast<std::int64_t>(frame_frames_)));
    offset_ = dropped;
    skip_ -= static_cast<std::int64_t>(dropped);
  }

  // Integer and double samples (ALAC, some MP4 audio) to float planes, with libswresample.
  bool convert(AVSampleFormat format) {
    if (!swr_ || format != swr_format_ || frame_channels_ != swr_channels_) {
      SwrContext* raw = nullptr;
      if (av().swr_alloc_set_opts2(&raw, &frame_->ch_layout, AV_SAMPLE_FMT_FLTP,
                                   frame_->sample_rate, &frame_->ch_layout, format,
                                   frame_->sample_rate, 0, nullptr) < 0 ||
          av().swr_init(raw) < 0) {
        av().swr_free(&raw);
        problem_ = "cannot convert its samples";
        failed_ = finished_ = true;
        return false;
      }
      swr_.reset(raw);
      swr_format_ = format;
      swr_channels_ = frame_channels_;
    }
    const auto frames = static_cast<std::size_t>(frame_->nb_samples);
    converted_.resize(frames * frame_channels_);
    converted_planes_.resize(frame_channels_);
    for (std::size_t c = 0; c < frame_channels_; ++c) {
      converted_planes_[c] = converted_.data() + c * frames;
    }
    auto* out = reinterpret_cast<std::uint8_t**>(converted_planes_.data());
    const int made = av().swr_convert(swr_.get(), out, frame_->nb_samples,
                                      const_cast<const std::uint8_t**>(frame_->extended_data),
                                      frame_->nb_samples);
    if (made != frame_->nb_samples) {
      problem_ = "cannot convert its samples";
      failed_ = finished_ = true;
      return false;
    }
    planar_ = true;
    planes_ = converted_planes_.data();
    return true;
  }

  void downmix(std::size_t frames, float* mono) const {
    if (planar_) {
      downmix_planar(planes_, offset_, frames, frame_channels_, mono);
    } else {
      downmix_interleaved(planes_[0] + offset_ * frame_channels_, frames, frame_channels_, mono);
    }
  }

  std::unique_ptr<PacketReader> packets_in_;
  CodecPtr codec_;
  TrackShape shape_;
  std::int64_t skip_;  // priming still to drop
  PacketPtr packet_;
  FramePtr frame_;
  SwrPtr swr_;
  AVSampleFormat swr_format_ = AV_SAMPLE_FMT_NONE;
  std::size_t swr_channels_ = 0;
  std::vector<float> converted_;
  std::vector<float*> converted_planes_;
  const float* const* planes_ = nullptr;  // the current frame's samples
  bool planar_ = true;
  std::size_t frame_channels_ = 0;
  std::size_t frame_frames_ = 0;
  std::size_t offset_ = 0;  // next unread frame of the current frame
  std::optional<std::int64_t> promised_;
  std::optional<std::int64_t> end_;
  std::string problem_;  // what went wrong last, for the verdict
  std::size_t packets_ = 0;
  std::size_t bad_packets_ = 0;
  bool finished_ = false;
  bool failed_ = false;
};

// Why an MP4 file does not open, for the operator.
ClipError mp4_open_failure(int code) {
  const std::string detail = ffmpeg_detail(code);
  if (detail.find("moov atom not found") != std::string::npos) {
    return clip_error(
        "truncated or unfinished: the M4A/MP4 file has no index (moov atom), as when a recording "
        "is cut off or a copy stops early; send or export it again");
  }
  return clip_error("damaged audio file (" + detail + ")");
}

// FFmpeg's AAC decoder, single-threaded; for an MP4 track with its AudioSpecificConfig, as
// libavformat would set it up. Null if it does not open.
CodecPtr open_aac(const Mp4AudioTrack* track) {
  const AVCodec* aac = av().avcodec_find_decoder(AV_CODEC_ID_AAC);
  if (aac == nullptr) return nullptr;
  CodecPtr codec(av().avcodec_alloc_context3(aac));
  if (!codec) return nullptr;
  codec->thread_count = 1;  // the caller owns the threading
  if (track != nullptr) {
    codec->pkt_timebase = AVRational{1, static_cast<int>(track->timescale)};
    codec->sample_rate = track->rate;
    codec->ch_layout.order = AV_CHANNEL_ORDER_UNSPEC;
    codec->ch_layout.nb_channels = track->channels;
    codec->extradata = static_cast<std::uint8_t*>(
        av().av_mallocz(track->config.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (codec->extradata == nullptr) return nullptr;
    std::copy(track->config.begin(), track->config.end(), codec->extradata);
    codec->extradata_size = static_cast<int>(track->config.size());
  }
  if (av().avcodec_open2(codec.get(), aac, nullptr) < 0) return nullptr;
  return codec;
}

// A plain M4A or ADTS stream read without libavformat (mp4_track.hpp, adts_stream.hpp), or
// nullopt: the file is for libavformat, as is one whose first frame does not decode (libavformat
// words the reason) or, in an M4A, decodes to another rate than the track's (HE-AAC declared at
// its core rate: the edit list's priming would count in other samples).
std::optional<OpenedDecoder> open_plain_aac(const fs::path& file) {
  if (quiet_ffmpeg(false) == nullptr) return std::nullopt;
  FilePtr in(std::fopen(file.c_str(), "rb"));
  std::error_code failed;
  const auto size = fs::file_size(file, failed);
  if (!in || failed) return std::nullopt;

  std::unique_ptr<FfmpegDecoder> decoder;
  int timescale = 0;
  if (auto track = read_mp4_audio_track(in.get(), size)) {
    CodecPtr codec = open_aac(&*track);
    if (!codec) return std::nullopt;
    TrackShape shape;
    shape.mp4 = true;
    shape.duration = track->duration;
    timescale = static_cast<int>(track->timescale);
    shape.time_base = AVRational{1, timescale};
    shape.priming = track->priming;
    decoder = std::make_unique<FfmpegDecoder>(
        std::make_unique<Mp4Reader>(std::move(in), std::move(*track)), std::move(codec), shape);
  } else if (auto stream = scan_adts(in.get(), size)) {
    CodecPtr codec = open_aac(nullptr);
    if (!codec) return std::nullopt;
    decoder = std::make_unique<FfmpegDecoder>(std::make_unique<AdtsReader>(std::move(in), *stream),
                                              std::move(codec), TrackShape{});
  } else {
    return std::nullopt;
  }
  if (decoder->start() || (timescale != 0 && decoder->rate() != timescale)) return std::nullopt;
  return OpenedDecoder{std::move(decoder)};
}

}  // namespace

void prepare_decoder(std::string_view format) {
  // With a decoding helper, FFmpeg is loaded there, never here; libavformat only if a clip needs
  // it.
  if ((format == "M4A" || format == "AAC") && !decoding_helper_set()) quiet_ffmpeg(false);
}

std::optional<OpenedDecoder> open_ffmpeg_decoder(const fs::path& file, bool container_known) {
  if (auto plain = open_plain_aac(file)) return plain;
  if (quiet_ffmpeg() == nullptr) {
    std::string why;
    ffmpeg_library(&why);
    return OpenedDecoder{clip_error(
        "unsupported audio: loa decodes AAC (M4A) with FFmpeg's libraries, and " + why +
        "; install them (Debian: apt install libavformat59) or convert the clip to WAV, FLAC or "
        "MP3 (e.g. ffmpeg -i clip.m4a clip.flac)")};
  }
  ffmpeg_last_log().clear();
  AVDictionary* options = nullptr;
  av().av_dict_set(&options, "format_whitelist", kFormats, 0);
  av().av_dict_set(&options, "protocol_whitelist", "file", 0);
  AVFormatContext* raw = nullptr;
  // "file:" so that a name with a colon is not taken for a protocol.
  const std::string url = "file:" + file.string();
  const int opened = av().avformat_open_input(&raw, url.c_str(), nullptr, &options);
  av().av_dict_free(&options);
  if (opened < 0) {
    if (!container_known) return std::nullopt;  // not MPEG audio after all: libsndfile's verdict
    return OpenedDecoder{mp4_open_failure(opened)};
  }
  FormatPtr format(raw);

  auto codec = open_audio_codec(*format);
  if (auto* why = std::get_if<std::string>(&codec)) return OpenedDecoder{clip_error(*why)};
  auto& audio = std::get<AudioCodec>(codec);
  TrackShape shape;
  shape.mp4 = is_mp4(*format);
  const AVStream& stream = *format->streams[audio.stream];
  if (shape.mp4 && stream.duration != AV_NOPTS_VALUE && stream.duration > 0) {
    shape.duration = stream.duration;
    shape.time_base = stream.time_base;
  }
  auto decoder = std::make_unique<FfmpegDecoder>(
      std::make_unique<FormatReader>(std::move(format), audio.stream), std::move(audio.codec),
      shape);
  if (auto error = decoder->start()) return OpenedDecoder{std::move(*error)};
  return OpenedDecoder{std::move(decoder)};
}

}  // namespace loa::detail
