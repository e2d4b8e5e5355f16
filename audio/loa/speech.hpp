#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace loa {

// A voice of espeak-ng, in its own units (the station's `audio.speech`).
struct SpeechParams {
  std::string voice = "vi";
  int rate = 150;    // words per minute
  int pitch = 50;    // 0..100
  int volume = 100;  // 0..200
};

// Speech synthesis with libespeak-ng, in the calling thread (its synchronous mode). espeak-ng keeps
// global state and is not thread-safe: every function here takes one process-wide mutex, so calls
// from several threads are safe but run one at a time. None throws except std::bad_alloc.

// espeak-ng's version ("1.51"), part of every cached clip's name: a new engine speaks anew.
std::string speech_engine_version();

// The text as the voice will be given it: for a Vietnamese voice (vi, vi-*) dates, times, numbers
// and abbreviations are said in words (vietnamese_reading.hpp); for others the text as written.
std::string speech_text(std::string_view text, const SpeechParams& p);

// Where the clip of `text` spoken with `p` is cached: STATE/speech/HASH.wav, HASH over the
// speech_text, the voice settings and the engine's version.
std::filesystem::path speech_clip_file(const std::filesystem::path& state, std::string_view text,
                                       const SpeechParams& p);

// Mono 16-bit samples of `text` spoken with `p`, at `rate` (set on return, espeak-ng's own rate).
// Returns "" or what went wrong (an unknown voice, the engine's data missing).
std::string synthesize(std::string_view text, const SpeechParams& p, std::vector<short>& samples,
                       int& rate);

// Speaks `text` into a WAV file at `file` (written to a temporary file, then renamed, so a reader
// never sees half a clip). Returns "" or what went wrong.
std::string write_speech_clip(std::string_view text, const SpeechParams& p,
                              const std::filesystem::path& file);

// The cached clip of `text` (speech_clip_file), synthesized first if it is not there yet. Sets
// `synthesized` when it had to be. Returns "" or what went wrong.
std::string ensure_speech_clip(const std::filesystem::path& file, std::string_view text,
                               const SpeechParams& p, bool& synthesized);

}  // namespace loa
