#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loa/relay.hpp"

namespace loa::test {

constexpr int kRelayRate = 48000;

// The test melody: 16 notes of 0.25 s (a 4 s loop), amplitude 0.3, at `rate`; distinct enough
// that one second of it says where in the loop it is.
std::vector<float> melody(std::size_t frames, int rate, std::size_t from = 0);
constexpr double kMelodySeconds = 4.0;

// The melody encoded by the ffmpeg program with `options` ("-c:a libmp3lame -b:a 128k"), at 44.1
// kHz stereo, into a file of `extension` in `folder`; the file's bytes. Its first `quiet` seconds
// are 50 dB down (at -60 dBFS: dead air to a relay).
std::string encoded_melody(const std::string& folder, const std::string& extension,
                           const std::string& options, double seconds = kMelodySeconds,
                           double quiet = 0.0);

// Reads `source` as the air does: a block of 20 ms every 20 ms (deadlines absolute), until it
// ends or `max_frames` were read. `each` (if set) is called before each block with the frames read
// so far.
std::vector<float> air(MonoSource& source, std::size_t max_frames,
                       const std::function<void(std::size_t)>& each = nullptr);

// Reads `source` as fast as it gives, until it ends or `max_frames`.
std::vector<float> read_all(MonoSource& source, std::size_t max_frames);

// The best normalized correlation (either polarity) of the last second of `heard` against the
// melody at any delay (at kRelayRate).
double melody_correlation(const std::vector<float>& heard);

// Which of the melody's 16 notes (0.25 s each) sounds in heard[from, from + 50 ms): where in its
// 4 s loop the stream is; -1 if none does (above an amplitude of 0.05).
int melody_note_at(const std::vector<float>& heard, std::size_t from);

// The level of `frequency` in heard[from, from + frames): the amplitude of that sine component.
double tone_level(const std::vector<float>& heard, std::size_t from, std::size_t frames,
                  double frequency);

// Waits up to `timeout` for an event of `kind` (whose reason contains `part`, if given); the
// events taken meanwhile are appended to `seen`. The event, if it came.
std::optional<RelayEvent> wait_event(RelayEvents& events, std::vector<RelayEvent>& seen,
                                     RelayEvent::Kind kind, std::chrono::milliseconds timeout,
                                     const std::string& part = "");

// Airs `relay` (whose events go to `events`) in real time and checks what a listener would, with
// gtest's EXPECTs: the stream's melody, the exact length, a connection naming `codec` (at `rate`,
// stereo), no dead air.
void expect_relayed(RelayEvents& events, const RelaySound& relay, const std::string& codec,
                    int rate = 44100);

// Every event, as "kind: reason" lines, for failure messages.
std::string describe(const std::vector<RelayEvent>& events);

}  // namespace loa::test
