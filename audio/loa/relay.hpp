#pragma once

// A relay: an http(s) stream (Icecast/Shoutcast MP3, AAC or Ogg; HLS .m3u8 with AAC in TS or
// fMP4 segments) aired as an item of a known length, with a fallback for when it fails.
//
// Threads and the contract with the audio side:
// - open_relay() starts one network thread per relay and returns at once: it never waits on the
//   network (no DNS lookup, no connection in the caller's thread).
// - The network thread connects, reads, demuxes and decodes with FFmpeg's libraries, converts to
//   mono at the station's rate, and pushes into a bounded lock-free ring (the jitter buffer).
//   Every FFmpeg call it makes has a deadline (AVIOInterruptCB), so it never blocks for ever; when
//   the stream fails it reconnects, backing off 1 s, 2 s, 4 s ... up to 30 s, until the relay ends.
// - The relay's MonoSource::read() (the producer thread that mixes, never the audio callback)
//   only pops what the ring holds and never waits on the network: it always fills its block,
//   with the stream, the fallback or silence, and ends exactly at `frames`, whatever the stream.
// - Dead air (the stream down, unreachable, too slow, or quieter than -50 dBFS for `dead_air`)
//   switches to the fallback inside the relay, with a crossfade: the engine and the mixer see one
//   source that always produces its frames.
// - What happens is reported as RelayEvents, from both threads.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "loa/mono_source.hpp"

namespace loa {

// One thing a relay experienced, in the order it happened.
struct RelayEvent {
  enum class Kind {
    connected,         // the stream plays: `codec`, `rate`, `channels` say what it is
    lost,              // the stream could not be opened, or stopped: `reason`
    reconnecting,      // a new attempt after `reason` ("in 2 s")
    warning,           // the stream plays but not well (damaged packets skipped): `reason`
    dead_air_started,  // the fallback airs from `frame`: `reason`
    dead_air_ended,    // the relay airs again from `frame`
    ended,             // the relay's last frame was read: `frame` is its length
  };
  Kind kind;
  std::string reason;  // in an operator's words
  std::string codec;   // connected: "mp3", "aac", "vorbis", ...
  int rate = 0;        // connected: the stream's own rate and channels
  int channels = 0;
  std::int64_t frame = -1;  // dead air and end: the frame of the relay (from its start) it happened
  std::chrono::system_clock::time_point when;
};

// "connected", "lost", ... as journals and logs spell them.
const char* relay_event_name(RelayEvent::Kind kind);

// A thread-safe queue of a relay's events, for the air side to journal. Bounded: beyond
// `capacity` events not yet drained, the oldest are dropped (and counted). Pushing takes a mutex
// and may allocate: it is called from the relay's network thread and from its read(), never from
// the audio callback.
class RelayEvents {
 public:
  explicit RelayEvents(std::size_t capacity = 256) : capacity_(capacity) {}
  void push(RelayEvent event);
  // Takes every event waiting (oldest first).
  std::vector<RelayEvent> drain();
  // Waits until an event is waiting or `timeout` passes; whether one is.
  bool wait(std::chrono::milliseconds timeout);
  std::size_t dropped() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable pushed_;
  std::deque<RelayEvent> events_;
  std::size_t dropped_ = 0;
};

// A clip that covers dead air, with its own gain (its loudness is known ahead, the relay's not).
struct FallbackClip {
  std::filesystem::path file;
  float gain = 1.0f;
};

// Each relay's own settings (the programme's `dead_air:`, `fallback:`, `return:`); a capture
// input (input_sound.hpp) has the same, the network's timeouts aside.
struct RelaySettings {
  std::chrono::milliseconds dead_air{10'000};
  // Covering dead air, aired in turn (and again from the first); none: silence.
  std::vector<FallbackClip> fallback;
  // Back to the stream at the end of the fallback clip that is airing, or at once (`return: now`).
  bool return_now = false;
  // Audio held before the stream sounds (and again after it ran dry): evens out the network.
  std::chrono::milliseconds jitter{2'000};
  // The most the ring holds besides `jitter`: how far the network may run ahead of the air. The
  // ring's frames are rounded up to a power of two, 4 bytes each: 4 MB at 48 kHz by default.
  std::chrono::milliseconds buffer{10'000};
  // Opening (connection, HTTP, the first bytes of the stream) must finish in this time, and a
  // read must bring data within `stall`: else the attempt fails as too slow.
  std::chrono::milliseconds open_timeout{10'000};
  std::chrono::milliseconds stall{10'000};
  std::chrono::milliseconds first_backoff{1'000};
  std::chrono::milliseconds max_backoff{30'000};
  std::chrono::milliseconds crossfade{500};
  // The stream's loudness is not known ahead: with a target (the station's `audio.loudness`, in
  // LUFS) it is levelled live toward it (live_leveller.hpp: gain riding within +-12 dB, a true-peak
  // limit at -1 dBTP), in read(). The fallback clips keep their own gain. None: the stream airs
  // as it comes, times the relay's gain.
  std::optional<double> level_to_lufs;
};

// What a relay item sounds like (an alternative of Sound, sound.hpp).
struct RelaySound {
  std::string url;      // http:// or https://
  std::int64_t frames;  // its length at the station's rate: the relay ends exactly there
  RelaySettings settings;
  std::shared_ptr<RelayEvents> events;  // may be null: nothing is reported
};

// Opens a relay for airing: mono at `rate`, the stream times `gain` (linear; the fallback clips
// carry their own); levelled, the stream airs at level_to_lufs moved by `gain` (0.5: 6 dB under),
// the gain applied after the rider and before the limiter.
// Starts its network thread and returns at once. Throws std::invalid_argument for a URL that is not
// http(s) or a non-positive rate; never throws for the network. Not real-time safe (the producer
// thread calls it when a voice is due). Destroying the source stops the thread; it waits up to a
// second for it (a DNS lookup cannot be interrupted), then leaves it to end by itself.
std::unique_ptr<MonoSource> open_relay(const RelaySound& relay, int rate, float gain);

}  // namespace loa
