#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loa/messages.hpp"
#include "loa/probe_cache.hpp"

namespace loa {

// The clips folder behind GET/POST /api/clips: what is in it, which file a clip name may reach, and
// how an upload gets in. A clip has one of the extensions .wav .flac .ogg .opus .mp3 .m4a .aac (any
// case on disk; lower case in names this library makes).

// Cleans an uploaded clip's name for the clips folder, or returns nullopt and sets `why` (a plain
// message for the operator saying what to do) when the name cannot be used. Leading and trailing
// spaces are trimmed; the extension is lower-cased; the name is composed (Unicode NFC), as
// programmes are typed, so that "Ca\u0309nh.mp3" from a Mac (which writes accents as separate
// marks) is saved as "Cảnh.mp3". Nothing else is changed: a name is kept as the operator wrote it
// or refused. Refused: an empty name or one over 120 bytes; '/', '\\', NUL or any control
// character; ".", ".." or a leading '.'; invalid UTF-8; anything but letters of any script, digits,
// space, '.', '-' and '_'; a name without one of the clip extensions. A letter may carry combining
// marks (Thai, Khmer, Devanagari, ...), except a Latin accent U+0300..U+036F left over after
// composing (one no letter takes, as in "x\u0301"): such a name only looks like another.
std::optional<std::string> clean_clip_name(std::string_view name, std::string& why);
// The same, with why as a message with its code (clip.name.*).
std::optional<std::string> clean_clip_name(std::string_view name, Message& why);

struct LibraryClip {
  std::string name;  // relative to the clips folder, '/' separated (clips may be in subfolders)
  std::uintmax_t size = 0;         // bytes
  std::optional<double> duration;  // seconds; nullopt when it cannot be played
  std::string problem;             // why it cannot be played ("" when it can)
};

// Every file with a clip extension under `folder` (recursively, not following symlinked folders,
// skipping names starting with '.'), sorted by name (bytes). Only files that clip_file() accepts
// are listed, so every listed name can be fetched. Probes through `cache` (nullptr: probes
// directly). A missing folder gives an empty list. Never throws for bad files. A name that is not
// valid UTF-8 (copied in by hand) is listed as it is, with a problem saying to rename it: such a
// name must not be put in JSON unescaped.
std::vector<LibraryClip> list_clips(const std::filesystem::path& folder, ProbeCache* cache);

// The file `name` (as in LibraryClip::name, possibly with '/' subfolders) names inside `folder`,
// as a canonical path, or nullopt if: it would leave the folder (absolute, "..", symlinks out of
// the folder; weakly_canonical paths are compared), a part of it is empty or starts with '.', it
// holds NUL or '\\', it has no clip extension, or it is not an existing regular file. Symlinks that
// stay inside the folder are followed. A name in another Unicode normal form than the file's (NFC
// typed, NFD written by a Mac) finds the file (file_on_disk).
std::optional<std::filesystem::path> clip_file(const std::filesystem::path& folder,
                                               std::string_view name);

enum class UploadOutcome { added, replaced, exists, undecodable, too_large, bad_name, failed };

struct UploadResult {
  UploadOutcome outcome = UploadOutcome::failed;
  std::string name;                // the cleaned name ("" when bad_name)
  std::optional<double> duration;  // seconds, when added or replaced
  std::string message;             // plain, for the operator (why not, and what to do)
  Message error;                   // the same with its code, when not added or replaced
};

// Installs an uploaded clip as `folder`/clean_clip_name(name). Refuses more than `max_bytes`, and
// (unless `replace`) a name already taken before anything is written. Writes `bytes` to a hidden
// temporary file in `folder` (".upload-XXXXXX.EXT", mode 0644), fsyncs it, probes it with
// probe_clip (it must decode to its end: truncated, empty or non-audio files are `undecodable` with
// the probe's reason), then renames it to its name and fsyncs the folder. Without `replace` the
// rename never overwrites (renameat2 RENAME_NOREPLACE, or link() where the file system lacks it),
// so of two uploads of one name at once exactly one is `added` and the other `exists`. With
// `replace` the outcome is `added` if no file had the name at the moment of the rename. The
// temporary file never survives a failure (a power cut can leave one: hidden, never listed, and
// cleared by remove_abandoned_uploads when loa run starts its server again). The
// folder is created if missing. Thread-safe. Never throws.
UploadResult install_clip(const std::filesystem::path& folder, std::string_view name,
                          std::string_view bytes, bool replace, std::uintmax_t max_bytes);

// install_clip in steps, for a body that arrives in pieces: only a piece is ever in memory. The
// constructor checks the name and (unless `replace`) that it is free, and creates the folder and
// the hidden temporary file; write() appends, refusing more than `max_bytes` in all; finish()
// syncs, probes, checks the format against the name and moves the file into place, as
// install_clip does. Once failed() (after any step), result() says why and the temporary file is
// gone with the object. Never throws. One per upload; not thread-safe.
class ClipUpload {
 public:
  ClipUpload(const std::filesystem::path& folder, std::string_view name, bool replace,
             std::uintmax_t max_bytes);
  ~ClipUpload();
  ClipUpload(const ClipUpload&) = delete;
  ClipUpload& operator=(const ClipUpload&) = delete;

  // False once the upload has failed.
  bool write(std::string_view bytes);
  // The outcome; call once, after the last write.
  UploadResult finish();
  bool failed() const;
  const UploadResult& result() const;

 private:
  struct Impl;
  template <class Step>
  void guarded(Step step) noexcept;
  std::unique_ptr<Impl> impl_;
};

// Removes the hidden temporary files (".upload-*") that uploads cut short by a crash or a power cut
// left at the top of `folder`, where install_clip writes them, if last written more than
// `older_than` ago, so that an upload under way (in another loa sharing the folder) is never
// touched. Only regular files; symlinks and folders are left alone. Returns how many went. Never
// throws.
std::size_t remove_abandoned_uploads(const std::filesystem::path& folder,
                                     std::chrono::seconds older_than);

// The MIME type to serve a clip with, by extension (any case): audio/wav, audio/flac, audio/ogg
// (.ogg and .opus), audio/mpeg, audio/mp4 (.m4a), audio/aac; application/octet-stream for anything
// else.
std::string_view clip_content_type(std::string_view name);

}  // namespace loa
