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
    case EPERM: {
      const std::string user = user_name();
      return reason + ": loa runs as user '" + user + "', which may not write in " + where +
             "; give it the folder: sudo chown -R " + user + ": " + where;
    }
    case EROFS:
      return reason + ": " + where +
             " is read-only for loa. As a service (loa.service) loa may write only in "
             "/var/lib/loa and /etc/loa/programmes: keep clips and programmes there and name "
             "them in the station file, or let loa write here with 'sudo systemctl edit loa' "
             "and the lines [Service] ReadWritePaths=" +
             where + " (see /usr/share/doc/loa/README.Debian.gz)";
    case ENOSPC:
    case EDQUOT:
      return reason + ": make room on the disk that holds " + where + ", then try again";
    case ENOENT:
    case ENOTDIR:
      return reason + ": the folder " + where +
             " is not there; create it, or correct its path in the station file";
    default:
      return reason + " (in " + where + ")";
  }
}

}  // namespace loa
