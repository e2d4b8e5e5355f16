// Feeds arbitrary bytes as an AAC clip's file to the readers that take plain M4A and ADTS files
// without libavformat (audio/mp4_track.hpp, audio/adts_stream.hpp): a file from anyone's phone.
// They must never crash, hang or throw, and what they accept must lie within the file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "adts_stream.hpp"
#include "mp4_track.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // fmemopen's buffer is not written: the cast only meets its signature.
  std::FILE* file = ::fmemopen(const_cast<std::uint8_t*>(data), size, "rb");
  if (file == nullptr) return 0;
  if (const auto track = loa::detail::read_mp4_audio_track(file, size)) {
    if (track->offsets.size() != track->sizes.size() || track->offsets.empty()) std::abort();
    for (std::size_t i = 0; i < track->offsets.size(); ++i) {
      if (track->offsets[i] + track->sizes[i] > size) std::abort();
    }
    if (track->rate <= 0 || track->channels <= 0 || track->duration <= 0) std::abort();
  }
  if (const auto stream = loa::detail::scan_adts(file, size)) {
    if (stream->frames == 0 || stream->start >= size || stream->rate <= 0) std::abort();
  }
  std::fclose(file);
  return 0;
}
