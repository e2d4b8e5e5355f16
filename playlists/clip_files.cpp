#include "loa/clip_files.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "loa/did_you_mean.hpp"
#include "loa/unicode_text.hpp"

namespace loa {

namespace {

namespace fs = std::filesystem;

// Enough for any clips folder; a bound so that a folder like /usr/lib cannot make loading slow.
constexpr std::size_t kMaxEntries = 20000;

// The names in `folder` (not starting with '.'), sorted; files only when `files_only`.
std::vector<std::string> names_in(const fs::path& folder, bool files_only) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(folder.empty() ? fs::path(".") : folder, ec);
  for (std::size_t n = 0; !ec && it != fs::directory_iterator() && n < kMaxEntries;
       it.increment(ec), ++n) {
    std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    std::error_code type_ec;
    if (files_only && !it->is_regular_file(type_ec)) continue;
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool is_there(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

fs::path file_on_disk(const fs::path& file) {
  if (is_ascii(file.native()) || is_there(file)) return file;
  fs::path out = file.root_path();
  for (const fs::path& part : file.relative_path()) {
    fs::path next = out / part;
    if (!is_ascii(part.native()) && !is_there(next)) {
      const std::string wanted = to_nfc(part.native());
      for (const std::string& name : names_in(out, false)) {
        if (!is_ascii(name) && to_nfc(name) == wanted) {
          next = out / name;
          break;
        }
      }
    }
    out = std::move(next);
  }
  return out;
}

std::string suggest_clip(const fs::path& file, std::string_view ref) {
  const std::vector<std::string> names = names_in(file.parent_path(), true);
  const std::string stem = lower_ascii(to_nfc(file.stem().string()));
  std::string found;
  for (const std::string& name : names) {
    if (lower_ascii(to_nfc(fs::path(name).stem().string())) == stem) {
      found = name;
      break;
    }
  }
  if (found.empty()) found = closest_match(file.filename().string(), names);
  if (found.empty()) return {};
  const auto slash = ref.rfind('/');
  return std::string(slash == std::string_view::npos ? "" : ref.substr(0, slash + 1)) + found;
}

}  // namespace loa
