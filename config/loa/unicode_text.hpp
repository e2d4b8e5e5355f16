#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace loa {

// Text in Unicode normal form C (composed), as Linux and Windows write names and as operators
// type them; macOS writes file names decomposed (NFD), which look the same but are other bytes.
// Text that is not valid UTF-8 is returned unchanged. Thread-safe; throws only std::bad_alloc.
std::string to_nfc(std::string_view text);

// Text with its accents taken off, for comparing what an operator typed with ASCII ids:
// "Chợ Đình" -> "Cho Dinh" (đ and Đ, which Unicode does not decompose, become d and D). Case is
// kept. Text that is not valid UTF-8 is returned unchanged. Thread-safe; throws only
// std::bad_alloc.
std::string fold_diacritics(std::string_view text);

// The code points of UTF-8 `text`, or nullopt when it is not valid UTF-8. Thread-safe.
std::optional<std::u32string> code_points(std::string_view text);

// True if every byte is ASCII (so every normal form of the text is the text itself).
bool is_ascii(std::string_view text);

}  // namespace loa
