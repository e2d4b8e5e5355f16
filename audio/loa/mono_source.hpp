#pragma once

#include <cstddef>
#include <span>

namespace loa {

// A stream of mono float samples at the station's rate: what a zone channel hears from one item.
// Used by one thread at a time (the renderer's), never by the audio callback.
class MonoSource {
 public:
  virtual ~MonoSource() = default;
  // Fills `out` from the current position; returns the samples written. Fewer than out.size()
  // means the source has ended (and stays ended). Throws ClipError-carrying std::runtime_error
  // (see clip_stream.hpp) when a clip fails mid-stream.
  virtual std::size_t read(std::span<float> out) = 0;
};

}  // namespace loa
