#pragma once

// Private to audio/: what the probe and loudness caches share. Their files are text, one entry a
// line, tab-separated fields; lines that do not parse are ignored.

#include <charconv>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace loa::detail {

std::vector<std::string_view> split_tabs(std::string_view line);

// The whole of `text` as a number, or nullopt.
template <class T>
std::optional<T> parse_number(std::string_view text, int base = 10) {
  T value{};
  std::from_chars_result result{};
  if constexpr (std::is_floating_point_v<T>) {
    result = std::from_chars(text.data(), text.data() + text.size(), value);
  } else {
    result = std::from_chars(text.data(), text.data() + text.size(), value, base);
  }
  if (result.ec != std::errc{} || result.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// Writes a temporary file then renames it, so a crash or a full disk never leaves half a cache.
// No fsync: a cache lost to a power cut is only measured again. Creates the folder; never throws.
bool write_atomically(const std::filesystem::path& file, const std::string& text) noexcept;

// The header line, then the entry lines sorted, so that the file is stable and diffable;
// written as write_atomically does. Never throws.
bool write_entries(const std::filesystem::path& file, std::string_view header,
                   std::vector<std::string> lines) noexcept;

}  // namespace loa::detail
