#pragma once

// Private to audio/: the one way audio/ resamples to the station's rate. soxr, one channel (every
// source is downmixed first: resampling stereo and then downmixing costs twice as much for the same
// samples), HQ (20 bits of precision: clips, relays and inputs alike), in streaming mode
// (soxr_process; a null input flushes the filter's tail at the end).

#include <soxr.h>

#include <memory>
#include <type_traits>

namespace loa::detail {

struct SoxrDeleter {
  void operator()(soxr_t resampler) const { soxr_delete(resampler); }
};
using MonoResampler = std::unique_ptr<std::remove_pointer_t<soxr_t>, SoxrDeleter>;

// A resampler from `from` to `to` Hz, single-threaded (the caller owns the threading). Throws
// std::runtime_error when soxr cannot make one (a rate it refuses).
MonoResampler make_mono_resampler(int from, int to);

}  // namespace loa::detail
