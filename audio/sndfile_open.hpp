#pragma once

// Private to audio/: how every reader of clips (probe, stream, loudness) opens them with
// libsndfile and words what is wrong, so that an operator gets the same reason for the same broken
// file from `loa check`, `loa scan` and the air. Implemented in clip_probe.cpp.

#include <sndfile.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "loa/clip_probe.hpp"

namespace loa::detail {

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

struct OpenedClip {
  SndfilePtr file;
  SF_INFO info{};
};

// Checks the file (found, a regular file, readable, not empty), opens it and checks its shape
// (channels, sample rate). Thread-safe: opens are serialised (libsndfile reports a failed open only
// through process-wide state). Never throws for bad files.
std::variant<OpenedClip, ClipError> open_sndfile(const std::filesystem::path& file);

// After `frames` frames were decoded from `file` (to the end, or up to a failed read): why the clip
// cannot air (decoding failed, cut off), or nullopt. Reads the handle's error state and log; does
// not report an empty clip (frames == 0), which callers word themselves.
std::optional<ClipError> check_decoded(SNDFILE* file, const SF_INFO& info, sf_count_t frames);

}  // namespace loa::detail
