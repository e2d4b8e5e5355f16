#include "loa/unicode_text.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <new>

namespace loa {

namespace {

// utf8proc_map's result, or the text unchanged when it is not valid UTF-8 (or too long for it).
std::string map_text(std::string_view text, int options) {
  if (is_ascii(text)) return std::string(text);
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                          static_cast<utf8proc_ssize_t>(text.size()), &out,
                                          static_cast<utf8proc_option_t>(options));
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  if (n == UTF8PROC_ERROR_NOMEM) throw std::bad_alloc();
  if (n < 0 || out == nullptr) return std::string(text);
  return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(n)};
}

}  // namespace

std::optional<std::u32string> code_points(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0 || c < 0) return std::nullopt;
    out.push_back(static_cast<char32_t>(c));
    p += n;
    left -= n;
  }
  return out;
}

bool is_ascii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::string to_nfc(std::string_view text) {
  return map_text(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

std::string fold_diacritics(std::string_view text) {
  std::string folded = map_text(text, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK);
  // đ (U+0111) and Đ (U+0110) are letters of their own to Unicode, not d with a mark.
  std::string out;
  out.reserve(folded.size());
  for (std::size_t i = 0; i < folded.size(); ++i) {
    if (folded[i] == '\xC4' && i + 1 < folded.size() &&
        (folded[i + 1] == '\x91' || folded[i + 1] == '\x90')) {
      out += folded[i + 1] == '\x91' ? 'd' : 'D';
      ++i;
    } else {
      out += folded[i];
    }
  }
  return out;
}

}  // namespace loa
