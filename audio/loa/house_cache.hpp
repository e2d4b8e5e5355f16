#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "loa/mono_source.hpp"

namespace loa {

// Clips imported once into the station's house format, as broadcast playout systems do: a clip's
// mono downmix resampled to the station rate, before any gain, kept as a 32-bit float WAV in the
// state folder (state/house/), so that airing or rendering it again skips decoding and
// resampling, and does not load FFmpeg's libraries for an AAC clip. Read back, a house copy gives
// the very samples the clip would: a render from the cache is the same bytes as one without it.
//
// A copy is keyed on the clip's absolute path, size and modification time, the station rate and
// the cache's version: a changed or replaced clip, another rate or another version of loa never
// uses an old copy (and importing a clip again removes its older copies). Only clips that cost
// something to decode are imported: those at another rate than the station's, and lossy ones
// (MP3, AAC, Vorbis, Opus); a WAV or FLAC at the station rate is read as it is.
//
// A clip is imported as a byproduct of airing or rendering it, when it is read to its end without
// error (a cut item leaves nothing behind), through a temporary file then renamed; a copy that
// does not open (left empty by a power cut) is removed and the clip decoded again. Disk use: 192
// KB per second of audio at 48 kHz (11.5 MB a minute). Deleting the folder is always safe (clips
// are imported again). Thread-safe: no state but the folder.
class HouseCache {
 public:
  // `folder`: where copies live (state/house); empty: no cache, open() only streams the clip.
  // Removes what imports cut off by a crash left there over a day ago. Never throws for the folder.
  explicit HouseCache(std::filesystem::path folder);

  // The clip at `rate`, times `gain` (linear), as open_clip_stream gives it: from its house copy if
  // there is one for the clip as it is now, else decoded from the clip and imported as it is read.
  // Throws ClipStreamError (clip_stream.hpp) if the clip cannot be opened. Not real-time safe.
  std::unique_ptr<MonoSource> open(const std::filesystem::path& clip, int rate, float gain) const;

  // The house copy of `clip` as it is now at `rate`, if there is one.
  std::optional<std::filesystem::path> copy_of(const std::filesystem::path& clip, int rate) const;

  // Loads now what airing `clip` will need: nothing if it has a house copy; else, for a clip
  // decoded by the decoding helper (loa/decoding_helper.hpp), imports it now (a full decode:
  // seconds for a long recording), else loads the libraries that decode its format (FFmpeg's for
  // AAC without a helper), so that neither happens in the middle of a broadcast. Never throws.
  void prepare(const std::filesystem::path& clip, int rate) const noexcept;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
};

}  // namespace loa
