#include "loa/write_advice.hpp"

#include <pwd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace loa {

namespace {

// The name of the user loa runs as, or its number when it has no name.
std::string user_name() {
  const uid_t uid = ::geteuid();
  passwd entry{};
  passwd* found = nullptr;
  std::array<char, 4096> buffer{};
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr)
    return found->pw_name;
  return std::to_string(uid);
}

}  // namespace

std::string cannot_write_advice(const std::filesystem::path& folder, int error) {
  return cannot_write_message(folder, error).text();
}

Message cannot_write_message(const std::filesystem::path& folder, int error) {
  const std::string reason = std::error_code(error, std::generic_category()).message();
  // Absolute and without a trailing '/': the operator pastes it into a command.
  std::error_code ec;
  std::filesystem::path full = std::filesystem::absolute(folder, ec).lexically_normal();
  if (ec) full = folder;
  if (!full.has_filename() && full.has_parent_path() && full != full.root_path())
    full = full.parent_path();
  const std::string where = full.string();
  switch (error) {
    case EACCES:
    case EPERM:
      return Message{"write.permission",
                     {{"reason", reason}, {"user", user_name()}, {"folder", where}}};
    case EROFS:
      return Message{"write.read_only", {{"reason", reason}, {"folder", where}}};
    case ENOSPC:
    case EDQUOT:
      return Message{"write.disk_full", {{"reason", reason}, {"folder", where}}};
    case ENOENT:
    case ENOTDIR:
      return Message{"write.no_folder", {{"reason", reason}, {"folder", where}}};
    default:
      return Message{"write.other", {{"reason", reason}, {"folder", where}}};
  }
}

}  // namespace loa
