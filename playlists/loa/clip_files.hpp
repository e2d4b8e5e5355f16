#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace loa {

// The file `file` names, spelt as it is on disk: `file` itself when it exists; else, part by part,
// the entry whose name is the same text in another Unicode normal form (a Mac writes "báo.wav" as
// "ba\u0301o.wav", decomposed; programmes are typed composed); else `file` unchanged, for the
// probe to report as not found. Reads folders only when a part with accents is missing. Never
// throws but std::bad_alloc.
std::filesystem::path file_on_disk(const std::filesystem::path& file);

// For a clip `ref` (as written) whose `file` is not there: the reference the operator most likely
// meant, from what is in that folder: the same name with another extension ("tin.mp3" ->
// "tin.wav"), else the closest name (case and accents aside); or "" when nothing is close. Never
// throws but std::bad_alloc.
std::string suggest_clip(const std::filesystem::path& file, std::string_view ref);

}  // namespace loa
