// A live source as the mixer sees it (a relay, a capture input: live_stream.hpp): a MonoSource that
// pops the stream from the jitter buffer, never waiting on the network or the device, watches for
// dead air, and covers it with the fallback, crossfading at each switch; it ends exactly at its
// length.

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "live_stream.hpp"
#include "loa/clip_stream.hpp"
#include "loa/live_leveller.hpp"
#include "loa/relay.hpp"
#include "relay_link.hpp"
#include "relay_reader.hpp"

namespace loa {

namespace {

using std::chrono::milliseconds;

// Dead air and the stream's return are judged on chunks this long (21 ms at 48 kHz).
constexpr std::size_t kChunk = 1024;
// The stream counts as back once it has sounded this long without a gap...
constexpr milliseconds kBackAfter{1'000};
// ...while its audio keeps coming, at least this often (an Ogg page is up to a second of audio).
constexpr milliseconds kFedWithin{2'000};
// The relay keeps near live: over each window this long, the least audio the ring held beyond
// the jitter allowance is a backlog (a server's burst after a reconnect: Icecast sends a new
// listener up to 64 KB at once, 16 s at 32 kb/s; or a source's clock running fast), skipped at
// the window's end...
constexpr milliseconds kLiveWindow{2'000};
// ...when it is more than this: less is the network's ordinary unevenness.
constexpr milliseconds kBacklogSlack{250};
// A skip is spliced with a crossfade this long, so that it is not a click.
constexpr std::size_t kSpliceFrames = 480;
// How long the destructor waits for the network thread to finish.
constexpr milliseconds kStopWait{1'000};

std::int64_t frames_of(milliseconds duration, int rate) {
  return duration.count() * rate / 1000;
}

class LiveStream final : public MonoSource {
 public:
  LiveStream(std::int64_t frames, const RelaySettings& settings,
             std::shared_ptr<RelayEvents> events, int rate, float gain,
             const detail::StartFeed& start)
      : settings_(settings),
        events_(std::move(events)),
        rate_(rate),
        length_(std::max<std::int64_t>(frames, 0)),
        dead_air_(std::max<std::int64_t>(frames_of(settings_.dead_air, rate), 1)),
        back_after_(frames_of(kBackAfter, rate)),
        fed_within_(frames_of(kFedWithin, rate)),
        jitter_(static_cast<std::size_t>(frames_of(settings_.jitter, rate))),
        live_window_(frames_of(kLiveWindow, rate)),
        backlog_slack_(static_cast<std::size_t>(frames_of(kBacklogSlack, rate))),
        crossfade_(std::max<std::int64_t>(frames_of(settings_.crossfade, rate), 1)),
        link_(std::make_shared<detail::RelayLink>(
            static_cast<std::size_t>(frames_of(settings_.buffer, rate)) + jitter_ + kChunk)),
        stream_(kChunk),
        fallback_(kChunk) {
    float stream_gain = gain;
    if (settings_.level_to_lufs) {
      LevelSettings level;
      level.target_lufs = *settings_.level_to_lufs;
      level.trim_db = 20.0 * std::log10(std::max(static_cast<double>(gain), 1e-6));
      leveller_ = std::make_unique<LiveLeveller>(rate, level);
      stream_gain = 1.0f;  // the leveller applies it, after its rider
    }
    thread_ = start(link_, stream_gain);
  }

  ~LiveStream() override {
    link_->request_stop();
    std::unique_lock lock(link_->mutex);
    const bool finished = link_->changed.wait_for(lock, kStopWait, [&] { return link_->finished; });
    lock.unlock();
    if (finished) {
      thread_.join();
    } else {
      thread_.detach();  // stuck in a DNS lookup: it ends by itself, holding its own link
    }
  }

  std::size_t read(std::span<float> out) override {
    if (position_ == 0 && !started_) start();
    const auto n = static_cast<std::size_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(out.size()), length_ - position_));
    for (std::size_t done = 0; done < n;) {
      const std::size_t chunk = std::min(kChunk, n - done);
      play_chunk(out.subspan(done, chunk));
      done += chunk;
      position_ += static_cast<std::int64_t>(chunk);
    }
    if (position_ == length_ && !ended_) {
      ended_ = true;
      link_->request_stop();
      report(RelayEvent::Kind::ended, "", length_);
    }
    return n;
  }

 private:
  enum class Airing { stream, fallback };

  void report(RelayEvent::Kind kind, std::string reason, std::int64_t frame) {
    if (!events_) return;
    RelayEvent event{};
    event.kind = kind;
    event.reason = std::move(reason);
    event.frame = frame;
    events_->push(std::move(event));
  }

  void play_chunk(std::span<float> out) {
    const std::size_t n = out.size();
    const bool sounding = pull_stream(n) == n && peak(n) >= detail::kSilenceLevel;
    if (leveller_) leveller_->process(std::span<float>(stream_.data(), n));
    const bool fed = note_arrivals(n);
    bad_ = sounding ? 0 : bad_ + static_cast<std::int64_t>(n);
    good_ = sounding && fed ? good_ + static_cast<std::int64_t>(n) : 0;
    // Dead air from the moment the source went quiet or stopped sending, not from when the
    // audio held against jitter (2 s) has aired: the fallback airs within dead_air of the loss.
    // (At least kFedWithin: a stream may pause that long between its pages.)
    const bool stopped =
        !link_->segmented.load() && since_arrival_ >= std::max(dead_air_, fed_within_);
    // Likewise a silence: dead air once the source has been silent for dead_air and the silence
    // has reached the air (not before: what airs until then is the source's sound).
    const bool silent = bad_ > 0 && link_->quiet_run.load(std::memory_order_acquire) >= dead_air_;

    if (airing_ == Airing::stream && fade_left_ == 0 && (bad_ >= dead_air_ || stopped || silent)) {
      report(RelayEvent::Kind::dead_air_started, dead_air_reason(), position_);
      start_fade(Airing::fallback);
      clip_ended_ = false;
    } else if (airing_ == Airing::fallback && fade_left_ == 0 && good_ >= back_after_ &&
               (settings_.return_now || clip_ended_ || no_clips())) {
      report(RelayEvent::Kind::dead_air_ended, "", position_);
      start_fade(Airing::stream);
    }

    const bool fallback_heard = airing_ == Airing::fallback || fade_left_ > 0;
    if (fallback_heard) pull_fallback(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (fade_left_ > 0) {
        const float g =
            static_cast<float>(crossfade_ - fade_left_) / static_cast<float>(crossfade_);
        const float from = airing_ == Airing::stream ? fallback_[i] : stream_[i];
        const float to = airing_ == Airing::stream ? stream_[i] : fallback_[i];
        out[i] = from * (1.0f - g) + to * g;
        if (--fade_left_ == 0 && airing_ == Airing::stream) clip_.reset();
      } else {
        out[i] = airing_ == Airing::stream ? stream_[i] : fallback_[i];
      }
    }
  }

  // Counts the air since audio last came into the ring: the feed stopped (a server gone, a device
  // unplugged) is dead air although what the ring holds still airs. A ring nearly full counts
  // as fed: the feed waits for room then. Whether audio came within kFedWithin (HLS: always; its
  // segments come seconds apart).
  bool note_arrivals(std::size_t n) {
    const std::size_t written = link_->ring.written();
    if (written != last_written_ || link_->ring.writable() < link_->ring.capacity() / 4) {
      since_arrival_ = 0;
    } else {
      since_arrival_ += static_cast<std::int64_t>(n);
    }
    last_written_ = written;
    return link_->segmented.load() || since_arrival_ < fed_within_;
  }

  // The slot starts: a relay opened ahead (preroll) sounds from the most recent audio it holds,
  // the jitter allowance, not from what came first after it connected. HLS keeps all it holds:
  // its next segment may come a whole segment's length (6 s, 10 s) from now, and what it holds
  // must last until then.
  void start() {
    started_ = true;
    link_->start_reading();
    if (!link_->segmented.load()) keep_newest(jitter_);
  }

  // Skips the oldest audio the ring holds beyond `frames`.
  void keep_newest(std::size_t frames) {
    const std::size_t held = link_->ring.readable();
    if (held > frames) link_->ring.skip(held - frames);
  }

  // The switch to `to` starts now, with a crossfade from what airs.
  void start_fade(Airing to) {
    airing_ = to;
    fade_left_ = crossfade_;
  }

  std::string dead_air_reason() {
    std::string problem = link_->current_problem();
    if (!problem.empty()) return problem;
    if (!link_->playing.load()) return "the source is not connected";
    if (starved_ || since_arrival_ >= dead_air_) {
      return "stream too slow: the audio stopped arriving";
    }
    return "the stream is silent (quieter than -50 dBFS)";
  }

  // Fills stream_[0, n) from the ring; the samples that were there (the rest is silence). After
  // the ring ran dry, nothing is taken until it holds the jitter allowance again; a backlog that
  // came meanwhile (a server's burst) is skipped then, and at the end of any window it lasted.
  std::size_t pull_stream(std::size_t n) {
    std::span<float> chunk(stream_.data(), n);
    const std::size_t least = std::max<std::size_t>(jitter_, n);
    if (buffering_) {
      if (link_->ring.readable() < least) {
        std::fill(chunk.begin(), chunk.end(), 0.0f);
        return 0;
      }
      buffering_ = false;
      // Back (or connected late): it airs from the most recent audio it holds, as start() does.
      if (!link_->segmented.load() && link_->ring.readable() > least + backlog_slack_) {
        keep_newest(least);
      }
      window_left_ = live_window_;
      lowest_held_ = link_->ring.readable();
    }
    const std::size_t backlog = backlog_due(n, least);
    std::size_t spliced = 0;
    if (backlog > 0) {
      spliced = link_->ring.read(std::span<float>(splice_.data(), kSpliceFrames));
      link_->ring.skip(backlog - spliced);
    }
    const std::size_t got = link_->ring.read(chunk);
    for (std::size_t i = 0; i < std::min(spliced, got); ++i) {
      const float g = static_cast<float>(i) / static_cast<float>(spliced);
      chunk[i] = splice_[i] * (1.0f - g) + chunk[i] * g;
    }
    if (got < n) {
      std::fill(chunk.begin() + static_cast<std::ptrdiff_t>(got), chunk.end(), 0.0f);
      buffering_ = true;
      starved_ = link_->playing.load();
    } else {
      starved_ = false;
    }
    return got;
  }

  // The backlog to skip before this chunk (0 but at a window's end): what the ring held beyond
  // `least` all through the window, if more than the slack. HLS's segments come seconds at once
  // by design, so there the ring's level says nothing of a backlog: it is never skipped.
  std::size_t backlog_due(std::size_t n, std::size_t least) {
    lowest_held_ = std::min(lowest_held_, link_->ring.readable());
    window_left_ -= static_cast<std::int64_t>(n);
    if (window_left_ > 0) return 0;
    const std::size_t lowest = lowest_held_;
    window_left_ = live_window_;
    lowest_held_ = link_->ring.readable();
    if (link_->segmented.load() || lowest <= least + backlog_slack_) return 0;
    return lowest - least;
  }

  float peak(std::size_t n) const {
    float p = 0.0f;
    for (std::size_t i = 0; i < n; ++i) p = std::max(p, std::abs(stream_[i]));
    return p;
  }

  bool no_clips() const { return settings_.fallback.empty() || all_clips_fail_; }

  // Fills fallback_[0, n) with the fallback clips in turn (silence if there are none or none
  // plays). Once the stream is back, the clip that ends is the last.
  void pull_fallback(std::size_t n) {
    std::span<float> chunk(fallback_.data(), n);
    std::size_t got = 0;
    int failures = 0;
    while (got < n && !no_clips() && !(clip_ended_ && airing_ == Airing::stream)) {
      if (!clip_ && !open_next_clip(failures)) continue;
      std::size_t read = 0;
      try {
        read = clip_->read(chunk.subspan(got));
      } catch (const std::exception& e) {
        report(RelayEvent::Kind::warning,
               "the fallback clip " + current_clip_name() + " fails: " + e.what(), position_);
      }
      got += read;
      if (got < n) {
        clip_.reset();
        clip_ended_ = true;
        if (good_ >= back_after_) break;  // the stream is back: switch at this clip's end
      }
    }
    std::fill(chunk.begin() + static_cast<std::ptrdiff_t>(got), chunk.end(), 0.0f);
  }

  bool open_next_clip(int& failures) {
    const auto& clips = settings_.fallback;
    clip_index_ = (clip_index_ + 1) % clips.size();
    try {
      clip_ = open_clip_stream(clips[clip_index_].file, rate_, clips[clip_index_].gain);
      clip_ended_ = false;
      return true;
    } catch (const std::exception& e) {
      report(RelayEvent::Kind::warning,
             "the fallback clip " + current_clip_name() + " cannot play: " + e.what(), position_);
      if (++failures >= static_cast<int>(clips.size())) all_clips_fail_ = true;
      return false;
    }
  }

  std::string current_clip_name() const {
    return settings_.fallback[clip_index_].file.filename().string();
  }

  RelaySettings settings_;
  std::shared_ptr<RelayEvents> events_;
  int rate_;
  std::int64_t length_;
  std::int64_t dead_air_;
  std::int64_t back_after_;
  std::int64_t fed_within_;
  std::size_t jitter_;
  std::int64_t live_window_;
  std::size_t backlog_slack_;
  std::int64_t crossfade_;
  std::unique_ptr<LiveLeveller> leveller_;  // null: the stream is not levelled
  std::shared_ptr<detail::RelayLink> link_;
  std::thread thread_;
  std::vector<float> stream_;
  std::vector<float> fallback_;

  std::int64_t position_ = 0;
  bool started_ = false;
  bool ended_ = false;
  Airing airing_ = Airing::stream;
  std::int64_t fade_left_ = 0;
  std::int64_t bad_ = 0;            // frames in a row without the stream sounding
  std::int64_t good_ = 0;           // frames in a row with it sounding and fed
  std::size_t last_written_ = 0;    // the ring's written() at the last chunk
  std::int64_t since_arrival_ = 0;  // frames aired since audio last came into the ring
  bool buffering_ = true;
  std::int64_t window_left_ = 0;  // frames of air left in this window (backlog_due)
  std::size_t lowest_held_ = 0;   // the least the ring held in this window
  std::vector<float> splice_ = std::vector<float>(kSpliceFrames);
  bool starved_ = false;
  std::unique_ptr<MonoSource> clip_;
  std::size_t clip_index_ = static_cast<std::size_t>(-1);
  bool clip_ended_ = false;
  bool all_clips_fail_ = false;
};

}  // namespace

std::unique_ptr<MonoSource> open_relay(const RelaySound& relay, int rate, float gain) {
  if (rate <= 0) throw std::invalid_argument("output sample rate must be positive");
  if (!relay.url.starts_with("http://") && !relay.url.starts_with("https://")) {
    throw std::invalid_argument("a relay's address must start with http:// or https://: " +
                                relay.url);
  }
  return detail::open_live_stream(relay.frames, relay.settings, relay.events, rate, gain,
                                  [&](std::shared_ptr<detail::RelayLink> link, float stream_gain) {
                                    return detail::start_relay_reader(std::move(link), relay.url,
                                                                      rate, stream_gain,
                                                                      relay.settings, relay.events);
                                  });
}

namespace detail {

std::unique_ptr<MonoSource> open_live_stream(std::int64_t frames, const RelaySettings& settings,
                                             std::shared_ptr<RelayEvents> events, int rate,
                                             float gain, const StartFeed& start) {
  return std::make_unique<LiveStream>(frames, settings, std::move(events), rate, gain, start);
}

}  // namespace detail

}  // namespace loa
