#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "loa/mono_source.hpp"

namespace loa {

// One item placed on the output timeline: a mono source heard on some output channels from frame
// `start` up to (not including) frame `end`. The mixer knows nothing of broadcasts; the scheduler
// turns a plan into voices.
struct Voice {
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::uint64_t channels = 0;  // bit c: output channel c (0-based)
  // Opens the source when the voice is due (so only voices on air hold decoders). May throw; the
  // failure is reported through Mixer::on_failure and the voice is silent.
  std::function<std::unique_ptr<MonoSource>()> open;
  std::int64_t skip = 0;      // source frames to discard first (a voice that began before frame 0)
  std::int64_t fade_out = 0;  // frames faded out before `end`: where an item is cut, never on joins
  std::size_t tag = 0;        // the caller's, handed back in on_failure
  // Channels that go silent at frame `stop_at`, faded out over the `stop_fade` frames before it,
  // while the voice plays on on the others (Mixer::silence).
  std::uint64_t stop_channels = 0;
  std::int64_t stop_at = 0;
  std::int64_t stop_fade = 0;
};

// Mixes voices into interleaved float frames, block by block. Gapless by construction: a voice
// fills exactly [start, end), padded with silence if its source ends early and cut if it runs
// long (by a sample or so of resampler rounding). Not thread-safe; one producer thread calls it.
class Mixer {
 public:
  Mixer(int channels, std::size_t max_block);

  // Voices may be added in any order, but not once the mixer has passed their start.
  void add(Voice v);
  // Renders the next out.size() / channels frames into `out`.
  void render(std::span<float> out);
  // Ends the voice tagged `tag` at frame `end` instead, fading out over the `fade` frames before it
  // (a hard interruption decided after the voice was added). A cut at a frame already rendered
  // takes effect at position(). No effect if there is no such voice or it ends earlier.
  void cut(std::size_t tag, std::int64_t end, std::int64_t fade);
  // Silences the voice tagged `tag` on `channels` from frame `at` on, fading them out over the
  // `fade` frames before it; it plays on, unchanged, on its other channels (a zone stopped while
  // its broadcast goes on elsewhere). A frame already rendered takes effect at position().
  void silence(std::size_t tag, std::uint64_t channels, std::int64_t at, std::int64_t fade);
  std::int64_t position() const { return position_; }
  // No voice playing or waiting.
  bool idle() const { return active_.empty() && pending_.empty(); }
  // Sources currently open.
  std::size_t open_voices() const { return active_.size(); }

  std::function<void(std::size_t tag, const std::string& reason)> on_failure;

 private:
  struct Active {
    Voice voice;
    std::unique_ptr<MonoSource> source;  // null when it failed to open
    std::int64_t read = 0;               // voice frames produced so far
  };

  void admit(std::int64_t block_end);
  void mix(Active& a, std::int64_t block_start, std::span<float> out, std::size_t frames);

  int channels_;
  std::int64_t position_ = 0;
  std::vector<Voice> pending_;  // sorted by start, latest first (popped from the back)
  bool sorted_ = true;
  std::vector<Active> active_;
  std::vector<float> scratch_;
};

}  // namespace loa
