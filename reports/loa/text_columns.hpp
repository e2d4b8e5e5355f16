#pragma once
// Aligning columns of text that holds Vietnamese.

#include <algorithm>
#include <string>
#include <string_view>

namespace loa {

// Code points: near enough to terminal columns for Vietnamese (precomposed) and English.
inline std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// `text` followed by spaces up to `width` columns.
inline std::string pad_right(std::string_view text, std::size_t width) {
  const std::size_t used = display_width(text);
  std::string out(text);
  if (used < width) out.append(width - used, ' ');
  return out;
}

// Spaces, then `text`, up to `width` columns (for numbers).
inline std::string pad_left(std::string_view text, std::size_t width) {
  const std::size_t used = display_width(text);
  return (used < width ? std::string(width - used, ' ') : std::string()) + std::string(text);
}

}  // namespace loa
