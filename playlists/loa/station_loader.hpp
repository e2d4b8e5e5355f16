#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "loa/diagnostics.hpp"
#include "loa/programme.hpp"

namespace loa {

// An included file's new text, read in place of what is on disk (or as if the file existed, when
// an include pattern matches it): for checking a programme file before it is saved. `file` must be
// spelt as the include pattern expands it (station file's folder / pattern's folder / name).
struct FileOverlay {
  std::filesystem::path file;
  std::string text;
};

// Gives every distinct clip file one index (PlayItem::clip into Station::clips), each spelt as it
// is on disk; said again once spoken items have their files (check_station).
void index_clips(Station& st);

// Reads a station file and every file its `station.include` globs name, and checks everything that
// can be checked without audio or a clock: YAML, types, ranges, unknown keys, duplicate ids and
// references between programmes, playlists and zones. Every problem goes to `diags`; the returned
// station holds whatever was valid. A station with errors must not go on air. Never throws for bad
// input (only std::bad_alloc).
Station load_station(const std::filesystem::path& file, Diagnostics& diags,
                     const FileOverlay* overlay = nullptr);

// The same for a station held in memory (no includes are read). `file` names it in messages and is
// where relative paths resolve from. Used by the fuzz target and tests.
Station load_station_text(std::string_view text, const std::filesystem::path& file,
                          Diagnostics& diags);

// Warnings that depend on the date: programmes whose validity has ended before `today`.
void warn_expired(const Station& station, const Date& today, Diagnostics& diags);

}  // namespace loa
