#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace loa {

// Clips that need FFmpeg's libraries (AAC in M4A/MP4 and ADTS) decoded by a short-lived helper
// process instead of in this one. Loading those libraries costs 21-28 MB of resident memory for
// the rest of a process's life (ffmpeg_library.hpp): a render or the on-air process that decodes
// one AAC clip would keep it. With a helper, the process that asked reads the clip's mono
// downmix, at the clip's own rate, from a pipe: the very samples, length and reasons the clip
// gives in-process, so a render is the same bytes either way; the helper exits when the clip
// has been read (or is no longer wanted), taking FFmpeg's memory with it.
//
// `command`: the helper's program and first arguments (app/ gives the running loa executable and
// its hidden subcommand); the clip's path is appended, and the helper must run
// serve_clip_decoding() on it with its standard output. `silence`: how long the helper may go
// without writing anything before it is taken for hung, killed, and the clip refused.
// Without a call, or with an empty `command`, clips are decoded in the calling process (tests,
// library users).
// Call before any clip is opened (not synchronised with opening clips on other threads).
void use_decoding_helper(std::vector<std::string> command,
                         std::chrono::milliseconds silence = std::chrono::seconds(60));

// The helper's side: decodes `clip` in this process and writes it to `fd` (a pipe) as the
// process that asked expects it. Returns the exit status (0 when all was written, a clip that
// cannot be decoded included: its reason is written too). Never throws.
int serve_clip_decoding(const std::filesystem::path& clip, int fd) noexcept;

}  // namespace loa
