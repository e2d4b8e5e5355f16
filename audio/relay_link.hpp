#pragma once

// Private to audio/: what a live source's feed thread (relay_reader.cpp: a relay's network;
// input_reader.cpp: a capture device) and its read() (relay_stream.cpp) share. Held by both
// through a shared_ptr, so that either may go first.

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include "loa/spsc_ring.hpp"

namespace loa::detail {

// Quieter than this (a peak under -50 dBFS) is silence: dead air.
constexpr float kSilenceLevel = 0.0031622777f;

struct RelayLink {
  explicit RelayLink(std::size_t ring_frames) : ring(ring_frames) {}

  // The jitter buffer: mono samples at the station's rate, the stream's (times its gain). The
  // network thread writes, read() reads; neither ever blocks on the other.
  SpscRing ring;
  // Set by read()'s owner when the relay ends: the network thread stops at its next deadline
  // check (FFmpeg's interrupt callback) or at once if it is waiting.
  std::atomic<bool> stop{false};
  // Whether a stream is open and decoding now.
  std::atomic<bool> playing{false};
  // Whether the stream comes in segments (HLS): a burst is then its normal delivery, which
  // read() does not skip after a reconnect.
  std::atomic<bool> segmented{false};

  // How long the source has been silent as its audio arrives (frames written in a row with no
  // sample at kSilenceLevel or above): what airs is behind by what the ring holds (2 s for a
  // relay), so read() learns of a silence that long before it airs. Feed thread writes.
  std::atomic<std::int64_t> quiet_run{0};

  // Feed thread: `samples` are about to be written.
  void note_arrived(std::span<const float> samples) {
    const bool silent = std::all_of(samples.begin(), samples.end(),
                                    [](float v) { return std::abs(v) < kSilenceLevel; });
    const auto n = static_cast<std::int64_t>(samples.size());
    quiet_run.store(silent ? quiet_run.load(std::memory_order_relaxed) + n : 0,
                    std::memory_order_release);
  }

  // Why the stream is not airing now, or is airing badly ("" when all is well): the reason given
  // when dead air starts. Under `mutex`; read() takes it only when dead air starts.
  std::string problem;
  // The network thread has ended (under `mutex`, signalled on `changed`).
  bool finished = false;
  int socket = -1;  // under `mutex`: see set_socket()
  std::mutex mutex;
  std::condition_variable changed;  // stop requested, or the thread finished

  // Until read() first takes audio the ring's reading end is idle, and the network thread may
  // drop the oldest audio there to make room (preroll): idle -> dropping -> idle, or idle ->
  // started, for good, by read(). read() waits out a drop in progress (a few instructions).
  enum Reading : int { idle, dropping, started };
  std::atomic<int> reading{idle};

  // Network thread: makes room for `frames` by dropping the oldest, if read() has not started.
  void drop_oldest_before_start(std::size_t frames) {
    int expected = idle;
    if (!reading.compare_exchange_strong(expected, dropping, std::memory_order_acquire)) return;
    const std::size_t room = ring.writable();
    if (room < frames) ring.skip(std::min(frames - room, ring.readable()));
    reading.store(idle, std::memory_order_release);
  }
  // read(): from now on only read() moves the ring's reading end.
  void start_reading() {
    int expected = idle;
    while (!reading.compare_exchange_weak(expected, started, std::memory_order_acq_rel)) {
      if (expected == started) return;
      expected = idle;
    }
  }

  void set_problem(std::string why) {
    std::lock_guard lock(mutex);
    problem = std::move(why);
  }
  std::string current_problem() {
    std::lock_guard lock(mutex);
    return problem;
  }
  void request_stop() {
    stop.store(true, std::memory_order_release);
    std::lock_guard lock(mutex);
    if (socket >= 0) ::shutdown(socket, SHUT_RDWR);
    changed.notify_all();
  }
  // Network thread: the socket it reads now (icecast_socket.hpp), or -1 when it stops reading
  // it (before closing it): request_stop() shuts it down, so that a read waiting on it returns.
  void set_socket(int fd) {
    std::lock_guard lock(mutex);
    socket = fd;
    if (socket >= 0 && stop.load(std::memory_order_acquire)) ::shutdown(socket, SHUT_RDWR);
  }
};

}  // namespace loa::detail
