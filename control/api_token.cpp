#include "loa/api_token.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sodium_init.hpp"

namespace loa {

namespace {

constexpr std::size_t kTokenBytes = 32;

std::filesystem::path token_path(const std::filesystem::path& state_folder) {
  return state_folder / "api-token";
}

[[noreturn]] void fail(const std::string& doing, const std::filesystem::path& file, int error) {
  std::string what = "cannot " + doing + " " + file.string() + ": " + std::strerror(error);
  if (error == EACCES || error == EPERM) what += "; run as the user that runs loa";
  throw std::runtime_error(what);
}

bool is_token(const std::string& text) {
  return text.size() == 2 * kTokenBytes && std::ranges::all_of(text, [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

// The token in the file, or nullopt if there is no file.
std::optional<std::string> read_token(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("read", file, errno);
  }
  std::string text;
  char buffer[256];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      fail("read", file, error);
    }
    if (n == 0 || text.size() > 4 * kTokenBytes) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (!is_token(text)) {
    throw std::runtime_error(file.string() +
                             " is not a loa API token; delete it and restart loa run to make a "
                             "new one");
  }
  return text;
}

// Writes all of `text` to `fd` and syncs it; the errno of the failure, or 0.
int write_synced(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    done += static_cast<std::size_t>(n);
  }
  return ::fsync(fd) == 0 ? 0 : errno;
}

// The folder's entry for the new file survives a power cut only once the folder is synced too.
void sync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string load_or_create_api_token(const std::filesystem::path& state_folder) {
  const auto file = token_path(state_folder);
  std::error_code ec;
  std::filesystem::create_directories(state_folder, ec);
  if (ec) {
    throw std::runtime_error("cannot create the folder " + state_folder.string() + ": " +
                             ec.message());
  }
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno != EEXIST) fail("create", file, errno);
    if (auto token = read_token(file)) return *token;
    throw std::runtime_error(file.string() + " disappeared while loa was reading it; start again");
  }
  const std::string token = random_hex(kTokenBytes);
  const int error = write_synced(fd, token + "\n");
  ::close(fd);
  if (error != 0) {
    // A half-written file would be refused on every later start; better none at all.
    ::unlink(file.c_str());
    fail("write", file, error);
  }
  sync_folder(state_folder);
  return token;
}

std::optional<std::string> read_api_token(const std::filesystem::path& state_folder) {
  return read_token(token_path(state_folder));
}

}  // namespace loa
