#include "relay_reader.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "clip_decoder.hpp"
#include "ffmpeg_common.hpp"
#include "icecast_socket.hpp"
#include "mono_resampler.hpp"
#include "relay_open.hpp"
#include "relay_packets.hpp"
#include "relay_reasons.hpp"

namespace loa::detail {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How many packets in a row may fail to decode before the stream counts as broken.
constexpr int kMaxBadPacketsInRow = 50;
// The stream's speed is judged over windows this long (of time not spent waiting for room).
constexpr auto kSpeedWindow = std::chrono::seconds(4);
constexpr double kTooSlow = 0.9;  // of real time
// A jump in the stream's timestamps longer than this is reported (seconds).
constexpr double kMaxGap = 0.5;
// A stream read without FFmpeg's demuxer is open once this much of it decodes (seconds): within
// the opening's deadline, as the demuxer's probe must find its audio in time (a trickle fails).
constexpr double kOpenedAfter = 0.5;

// The most loa's own socket may hold audio back before handing it on (icecast_socket.hpp): a
// quarter of the jitter allowance, so that the ring never runs dry waiting for it; half a second
// with the default allowance (2 s), when a 128 kb/s stream's 4 KB come in a quarter.
milliseconds socket_wait(milliseconds jitter) {
  return std::clamp(jitter / 4, milliseconds(20), milliseconds(500));
}

class Reader {
 public:
  Reader(std::shared_ptr<RelayLink> link, std::string url, int rate, float gain,
         const RelaySettings& settings, std::shared_ptr<RelayEvents> events)
      : link_(std::move(link)),
        url_(std::move(url)),
        rate_(rate),
        gain_(gain),
        settings_(settings),
        events_(std::move(events)) {}

  void run() noexcept {
    try {
      reconnect_loop();
    } catch (const std::exception& e) {
      link_->set_problem(std::string("the relay failed: ") + e.what());
      report(RelayEvent::Kind::lost, link_->current_problem());
    }
    link_->playing.store(false);
    std::lock_guard lock(link_->mutex);
    link_->finished = true;
    link_->changed.notify_all();
  }

 private:
  bool stopping() const { return link_->stop.load(std::memory_order_acquire); }

  void report(RelayEvent::Kind kind, std::string reason) {
    if (!events_) return;
    RelayEvent event{};
    event.kind = kind;
    event.reason = std::move(reason);
    events_->push(std::move(event));
  }

  void reconnect_loop() {
    if (quiet_ffmpeg(false) == nullptr) {
      std::string why;
      ffmpeg_library(&why, false);
      link_->set_problem("the relay cannot play: " + why + " (Debian: apt install libavcodec59)");
      report(RelayEvent::Kind::lost, link_->current_problem());
      return;
    }
    milliseconds backoff = settings_.first_backoff;
    for (int attempt = 1; !stopping(); ++attempt) {
      played_ = false;
      const std::string why = play_once();
      link_->playing.store(false);
      if (stopping()) return;
      link_->set_problem(why);
      report(RelayEvent::Kind::lost, why);
      if (finished_recording_) return;
      if (played_) backoff = settings_.first_backoff;
      report(RelayEvent::Kind::reconnecting,
             "attempt " + std::to_string(attempt + 1) + " in " + seconds_text(backoff));
      std::unique_lock lock(link_->mutex);
      link_->changed.wait_for(lock, backoff, [&] { return stopping(); });
      backoff = std::min(backoff * 2, settings_.max_backoff);
    }
  }

  // One connection: opens, plays until the stream fails; why it failed.
  std::string play_once() {
    // A plain Icecast stream is read through loa's own socket (icecast_socket.hpp says why),
    // anything else by FFmpeg. Declared first: the packets reading it go before it.
    const auto socket = IcecastSocket::open(url_, deadline_, settings_.open_timeout,
                                            socket_wait(settings_.jitter), *link_);
    if (!socket && (deadline_.timed_out() || stopping())) {
      return relay_open_reason(url_, AVERROR_EXIT, deadline_, settings_.open_timeout);
    }
    PacketsOrReason opened =
        socket ? open_parsed_packets(*socket) : PacketsOrReason(std::unique_ptr<RelayPackets>());
    if (auto* packets = std::get_if<std::unique_ptr<RelayPackets>>(&opened); packets && !*packets) {
      opened = open_format_packets(url_, deadline_, settings_.open_timeout, settings_.stall,
                                   socket.get());
    }
    if (auto* why = std::get_if<std::string>(&opened)) return *why;
    auto& packets = *std::get<std::unique_ptr<RelayPackets>>(opened);
    link_->segmented.store(packets.is_segmented());
    return decode(packets);
  }

  std::string decode(RelayPackets& packets) {
    PacketPtr packet(av().av_packet_alloc());
    FramePtr frame(av().av_frame_alloc());
    if (!packet || !frame) return "out of memory";
    AVCodecContext& codec = packets.codec();
    swr_.reset();
    next_pts_ = -1;
    bad_in_row_ = 0;
    warned_damage_ = false;
    opening_frames_ = packets.found_audio() ? 0 : static_cast<std::size_t>(kOpenedAfter * rate_);
    while (!stopping()) {
      ffmpeg_last_log().clear();
      // While the stream is still opening, the opening's deadline holds.
      if (opening_frames_ == 0) deadline_.arm(settings_.stall);
      const int result = packets.next(*packet);
      if (result < 0) {
        if (stopping()) return "";
        if (deadline_.timed_out() && opening_frames_ > 0) {
          return relay_open_reason(url_, AVERROR_EXIT, deadline_, settings_.open_timeout);
        }
        if (deadline_.timed_out()) {
          return "stream too slow: no data for " + seconds_text(settings_.stall);
        }
        if (result == AVERROR_EOF && packets.is_recording()) {
          // A recording played to its end: connecting again would air it from its beginning, so
          // the relay stays on its fallback.
          finished_recording_ = true;
          return "the stream ended: the address gives a recording (a file of known length), not "
                 "a live stream; it is not aired again";
        }
        return relay_read_failure(result, ffmpeg_last_log());
      }
      check_continuity(*packet, packets.time_base());
      const int sent = av().avcodec_send_packet(&codec, packet.get());
      if (sent < 0 && sent != AVERROR(EAGAIN) && !bad_packet(sent)) {
        av().av_packet_unref(packet.get());
        return "the stream does not decode (" + ffmpeg_detail(sent) + ")";
      }
      while (!stopping()) {
        const int got = av().avcodec_receive_frame(&codec, frame.get());
        if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) break;
        if (got < 0) {
          if (!bad_packet(got)) {
            av().av_packet_unref(packet.get());
            return "the stream does not decode (" + ffmpeg_detail(got) + ")";
          }
          break;
        }
        bad_in_row_ = 0;
        if (!take_frame(*frame, codec)) {
          av().av_packet_unref(packet.get());
          return stopping() ? "" : "the stream's audio cannot be converted";
        }
      }
      av().av_packet_unref(packet.get());
    }
    return "";
  }

  // A forward jump in the packets' timestamps is audio the listener does not hear: a damaged
  // part the demuxer dropped, or a segment lost. Reported; the stream plays on.
  void check_continuity(const AVPacket& packet, AVRational time_base) {
    if (packet.pts == AV_NOPTS_VALUE || time_base.den == 0) return;
    const double at = static_cast<double>(packet.pts) * time_base.num / time_base.den;
    const double length = static_cast<double>(packet.duration) * time_base.num / time_base.den;
    if (next_pts_ >= 0 && at - next_pts_ > kMaxGap) {
      const auto tenths = static_cast<long long>((at - next_pts_) * 10 + 0.5);
      report(RelayEvent::Kind::warning, "damaged or missing data: " + std::to_string(tenths / 10) +
                                            "." + std::to_string(tenths % 10) +
                                            " s of the stream skipped");
    }
    next_pts_ = at + length;
  }

  // A packet that did not decode: skipped (and reported once per connection), unless too many
  // fail in a row. False if the stream counts as broken.
  bool bad_packet(int code) {
    if (!warned_damage_) {
      warned_damage_ = true;
      report(RelayEvent::Kind::warning,
             "damaged data in the stream: parts that do not decode are skipped (" +
                 ffmpeg_detail(code) + ")");
    }
    return ++bad_in_row_ < kMaxBadPacketsInRow;
  }

  // Converts a decoded frame to mono at the station's rate and writes it to the ring. False if
  // it cannot be converted, or the relay stops while waiting for room.
  bool take_frame(const AVFrame& frame, const AVCodecContext& codec) {
    const int channels = frame.ch_layout.nb_channels;
    if (channels <= 0 || frame.nb_samples <= 0 || frame.sample_rate <= 0) return true;
    if (!swr_ || frame.sample_rate != in_rate_ || channels != in_channels_ ||
        frame.format != in_format_) {
      if (!make_converter(frame)) return false;
      if (!played_) {
        played_ = true;
        link_->playing.store(true);
        link_->set_problem("");
        RelayEvent event{};
        event.kind = RelayEvent::Kind::connected;
        event.codec = av().avcodec_get_name(codec.codec_id);
        event.rate = frame.sample_rate;
        event.channels = channels;
        if (events_) events_->push(std::move(event));
        window_start_ = Clock::now();
        window_frames_ = 0;
        waited_ = Clock::duration::zero();
      }
    }
    const auto frames = static_cast<std::size_t>(frame.nb_samples);
    converted_.resize(frames * static_cast<std::size_t>(channels));
    auto* out = reinterpret_cast<std::uint8_t*>(converted_.data());
    const int made =
        av().swr_convert(swr_.get(), &out, frame.nb_samples,
                         const_cast<const std::uint8_t**>(frame.extended_data), frame.nb_samples);
    if (made < 0) return false;
    auto n = static_cast<std::size_t>(made);
    mono_.resize(n);
    downmix_interleaved(converted_.data(), n, static_cast<std::size_t>(channels), mono_.data());
    if (resampler_) {
      resampled_.resize(n * static_cast<std::size_t>(rate_) / static_cast<std::size_t>(in_rate_) +
                        64);
      std::size_t done = 0;
      if (soxr_process(resampler_.get(), mono_.data(), n, nullptr, resampled_.data(),
                       resampled_.size(), &done) != nullptr) {
        return false;
      }
      resampled_.resize(done);
      mono_.swap(resampled_);
    }
    if (gain_ != 1.0f) {
      for (float& sample : mono_) sample *= gain_;
    }
    if (!push(mono_)) return false;
    opening_frames_ -= std::min(opening_frames_, mono_.size());
    judge_speed(n);
    return true;
  }

  bool make_converter(const AVFrame& frame) {
    if (swr_ && (frame.sample_rate != in_rate_ || frame.ch_layout.nb_channels != in_channels_)) {
      report(RelayEvent::Kind::warning, "the stream changed from " + std::to_string(in_rate_) +
                                            " Hz, " + std::to_string(in_channels_) +
                                            " channels to " + std::to_string(frame.sample_rate) +
                                            " Hz, " + std::to_string(frame.ch_layout.nb_channels) +
                                            " channels");
    }
    SwrContext* raw = nullptr;
    const auto format = static_cast<AVSampleFormat>(frame.format);
    AVChannelLayout layout = frame.ch_layout;  // a copy: FFmpeg 5.1 takes it non-const
    // swresample only interleaves the decoder's samples as floats, at the stream's rate; they are
    // downmixed, then resampled by soxr as clips and inputs are (mono_resampler.hpp): one channel,
    // not the stream's two (swresample resamples before it downmixes when the rate goes up).
    if (av().swr_alloc_set_opts2(&raw, &layout, AV_SAMPLE_FMT_FLT, frame.sample_rate, &layout,
                                 format, frame.sample_rate, 0, nullptr) < 0 ||
        av().swr_init(raw) < 0) {
      av().swr_free(&raw);
      return false;
    }
    resampler_.reset();
    if (frame.sample_rate != rate_) {
      try {
        resampler_ = make_mono_resampler(frame.sample_rate, rate_);
      } catch (const std::runtime_error&) {
        av().swr_free(&raw);
        return false;
      }
    }
    swr_.reset(raw);
    in_rate_ = frame.sample_rate;
    in_channels_ = frame.ch_layout.nb_channels;
    in_format_ = frame.format;
    return true;
  }

  // Writes all of `samples`, waiting for room (the ring is full when read() is behind or has not
  // started). False if the relay stops meanwhile.
  bool push(const std::vector<float>& samples) {
    link_->note_arrived(samples);
    std::size_t written = 0;
    while (written < samples.size()) {
      // Before the relay's slot (preroll) nobody reads: the oldest audio makes room, so that the
      // ring holds the most recent when the slot starts, not the first seconds after connecting.
      link_->drop_oldest_before_start(samples.size() - written);
      written += link_->ring.write(std::span(samples).subspan(written));
      if (written == samples.size()) break;
      const auto before = Clock::now();
      std::unique_lock lock(link_->mutex);
      link_->changed.wait_for(lock, milliseconds(10), [&] { return stopping(); });
      waited_ += Clock::now() - before;
      if (stopping()) return false;
    }
    return true;
  }

  // Whether the stream arrives as fast as it plays, over windows of kSpeedWindow of time not
  // spent waiting for room: a stream that keeps up is fine however its packets come.
  void judge_speed(std::size_t frames) {
    window_frames_ += frames;
    const auto active = Clock::now() - window_start_ - waited_;
    if (active < kSpeedWindow) return;
    const double audio = static_cast<double>(window_frames_) / rate_;
    const double real = std::chrono::duration<double>(active).count();
    const bool slow = audio < kTooSlow * real;
    if (slow && !slow_) {
      const int percent = static_cast<int>(100 * audio / real);
      const std::string why = "stream too slow: the audio arrives at " + std::to_string(percent) +
                              " % of the speed it plays (the network or the server is too slow)";
      link_->set_problem(why);
      report(RelayEvent::Kind::warning, why);
    } else if (!slow && slow_) {
      link_->set_problem("");
    }
    slow_ = slow;
    window_start_ = Clock::now();
    window_frames_ = 0;
    waited_ = Clock::duration::zero();
  }

  std::shared_ptr<RelayLink> link_;
  std::string url_;
  int rate_;
  float gain_;
  RelaySettings settings_;
  std::shared_ptr<RelayEvents> events_;

  RelayDeadline deadline_{&link_->stop};
  bool played_ = false;              // this connection has decoded audio
  bool finished_recording_ = false;  // a stream of known length ended: no new attempt
  SwrPtr swr_;
  int in_rate_ = 0;
  int in_channels_ = 0;
  int in_format_ = -1;
  std::vector<float> converted_;
  std::vector<float> mono_;
  MonoResampler resampler_;  // none when the stream is at the station's rate
  std::vector<float> resampled_;
  double next_pts_ = -1;            // where the next packet should start, in seconds of the stream
  std::size_t opening_frames_ = 0;  // what must still decode before the stream counts as open
  int bad_in_row_ = 0;
  bool warned_damage_ = false;
  Clock::time_point window_start_{};
  std::size_t window_frames_ = 0;
  Clock::duration waited_{};
  bool slow_ = false;
};

}  // namespace

std::thread start_relay_reader(std::shared_ptr<RelayLink> link, std::string url, int rate,
                               float gain, const RelaySettings& settings,
                               std::shared_ptr<RelayEvents> events) {
  auto reader = std::make_unique<Reader>(std::move(link), std::move(url), rate, gain, settings,
                                         std::move(events));
  return std::thread([reader = std::move(reader)] { reader->run(); });
}

}  // namespace loa::detail
