#include "cache_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

namespace loa::detail {

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

bool write_atomically(const std::filesystem::path& file, const std::string& text) noexcept {
  namespace fs = std::filesystem;
  try {
    std::error_code ec;
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
    // A name of its own: loa check, a reload and the control API may write the same cache at
    // once, and two writers sharing one temporary file could interleave into a wrong entry.
    std::string temporary = file.string() + ".tmp-XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0) return false;
    std::size_t done = 0;
    bool ok = ::fchmod(fd, 0644) == 0;
    while (ok && done < text.size()) {
      const auto n = ::write(fd, text.data() + done, text.size() - done);
      ok = n > 0;
      if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
      fs::remove(temporary, ec);
      return false;
    }
    fs::rename(temporary, file, ec);
    if (ec) {
      std::error_code ignored;  // not `ec`: a removal that works must not turn this into success
      fs::remove(temporary, ignored);
      return false;
    }
    return true;
  } catch (...) {
    return false;
  }
}

bool write_entries(const std::filesystem::path& file, std::string_view header,
                   std::vector<std::string> lines) noexcept {
  try {
    std::ranges::sort(lines);
    std::string text(header);
    text += '\n';
    for (const auto& line : lines) text += line;
    return write_atomically(file, text);
  } catch (...) {
    return false;  // out of memory
  }
}

}  // namespace loa::detail
