#pragma once

// Private to audio/: a clip imported into the house cache (house_cache.hpp) as it is read.

#include <filesystem>
#include <memory>
#include <string>

#include "loa/mono_source.hpp"

namespace loa::detail {

// Passes `source` (the clip at the station rate, without gain) through, times `gain`, and writes
// what it reads into a temporary file in `folder`; when the source ends cleanly, that file
// becomes `folder`/`name` (renamed) and the clip's older copies, the files starting
// with `stem` (the clip's path hash and a dash), are removed. A source that fails or is not read
// to its end leaves nothing. Writing problems (disk full, no such folder) never reach the
// reader: the clip plays on and is simply not imported. Used by one thread at a time.
std::unique_ptr<MonoSource> import_while_reading(std::unique_ptr<MonoSource> source, float gain,
                                                 const std::filesystem::path& folder,
                                                 std::string stem, std::string name, int rate);

}  // namespace loa::detail
