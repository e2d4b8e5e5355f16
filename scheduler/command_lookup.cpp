#include "loa/command_lookup.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

namespace loa {

namespace {

enum class Found { missing, folder, not_executable, executable };

Found look_at(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return Found::missing;
  if (S_ISDIR(st.st_mode)) return Found::folder;
  if (!S_ISREG(st.st_mode) || ::access(file.c_str(), X_OK) != 0) return Found::not_executable;
  return Found::executable;
}

// PATH as execvp reads it: unset means the system's default (confstr _CS_PATH).
std::string path_or_default(const char* search_path) {
  if (search_path != nullptr) return search_path;
  const std::size_t n = ::confstr(_CS_PATH, nullptr, 0);
  if (n == 0) return "/bin:/usr/bin";
  std::string out(n, '\0');
  ::confstr(_CS_PATH, out.data(), n);
  out.resize(n - 1);
  return out;
}

}  // namespace

std::string command_problem(const std::string& program, const char* search_path) {
  if (program.empty()) return "is empty; give the program to run";
  if (program.find('/') != std::string::npos) {
    switch (look_at(program)) {
      case Found::missing:
        return "does not exist; install it or correct the path";
      case Found::folder:
        return "is a folder, not a program; give the program's path";
      case Found::not_executable:
        return "is not an executable file; make it one (chmod +x " + program + ")";
      case Found::executable:
        return {};
    }
  }
  const std::string path = path_or_default(search_path);
  std::string not_executable;
  std::string_view rest = path;
  while (true) {
    const auto colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    // An empty entry is the working folder, as for execvp.
    const std::string file = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + program;
    const Found f = look_at(file);
    if (f == Found::executable) return {};
    if (f == Found::not_executable && not_executable.empty()) not_executable = file;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  if (!not_executable.empty()) {
    return "is not an executable file (" + not_executable + "); make it one (chmod +x " +
           not_executable + ")";
  }
  return "is not found in PATH (" + path + "); install it or give its full path";
}

}  // namespace loa
