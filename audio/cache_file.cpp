#include "cache_file.hpp"

#include <fstream>
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
    fs::path temporary = file;
    temporary += ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      if (!out) return false;
      out << text;
      out.close();
      if (!out) {
        fs::remove(temporary, ec);
        return false;
      }
    }
    fs::rename(temporary, file, ec);
    if (ec) fs::remove(temporary, ec);
    return !ec;
  } catch (...) {
    return false;
  }
}

}  // namespace loa::detail
