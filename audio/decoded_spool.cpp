#include "decoded_spool.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <list>
#include <mutex>
#include <system_error>
#include <utility>

namespace loa::detail {

// An anonymous temporary file, closed (and so freed) when the last reader or writer lets go.
class SpoolFile {
 public:
  explicit SpoolFile(int fd) : fd_(fd) {}
  ~SpoolFile() { ::close(fd_); }
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

namespace {

namespace fs = std::filesystem;

struct Kept {
  std::string key;
  std::shared_ptr<SpoolFile> file;
  std::int64_t frames = 0;
  int rate = 0;
  int channels = 0;
  std::string format;
  bool failed = false;
  std::optional<ClipError> verdict;
  std::chrono::steady_clock::time_point used;
};

struct Spool {
  std::mutex mutex;
  std::list<Kept> kept;  // the least recently spooled or opened first
  std::int64_t bytes = 0;
};

Spool& spool() {
  static Spool s;
  return s;
}

// Drops the least recently used clips while more than kSpoolBytes are kept, and those unused for
// kSpoolIdle. Called with the mutex held.
void prune(Spool& s, std::chrono::steady_clock::time_point now) {
  while (!s.kept.empty() && (s.bytes > kSpoolBytes || now - s.kept.front().used > kSpoolIdle)) {
    s.bytes -= s.kept.front().frames * static_cast<std::int64_t>(sizeof(float));
    s.kept.pop_front();
  }
}

// The clip's absolute path, size and modification time; empty if it cannot be looked at.
std::string key_of(const fs::path& clip) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(clip, ec);
  struct stat st {};
  if (ec || ::stat(absolute.c_str(), &st) != 0) return {};
  return absolute.string() + '\n' + std::to_string(st.st_size) + '\n' +
         std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec);
}

std::shared_ptr<SpoolFile> temporary_file() {
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string folder = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/var/tmp";
  const int fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return nullptr;
  return std::make_shared<SpoolFile>(fd);
}

class SpooledDecoder final : public ClipDecoder {
 public:
  explicit SpooledDecoder(const Kept& kept)
      : file_(kept.file), frames_(kept.frames), failed_(kept.failed), verdict_(kept.verdict) {
    rate_ = kept.rate;
    channels_ = kept.channels;
    format_ = kept.format;
  }

  std::size_t read(std::span<float> mono) override {
    const auto wanted = static_cast<std::size_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(mono.size()), frames_ - decoded_));
    auto* bytes = reinterpret_cast<char*>(mono.data());
    std::size_t got = 0;
    const std::size_t size = wanted * sizeof(float);
    while (got < size) {
      const ssize_t n = ::pread(file_->fd(), bytes + got, size - got,
                                static_cast<off_t>(decoded_ * sizeof(float) + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    const std::size_t frames = got / sizeof(float);
    decoded_ += static_cast<std::int64_t>(frames);
    if (frames < wanted) {  // the temporary file failed under us (I/O error): refuse, as a helper
      failed_ = true;
      frames_ = decoded_;
      verdict_ = clip_error("cannot read: its decoded samples could not be read back (" +
                            std::error_code(errno, std::generic_category()).message() + ")");
    }
    return frames;
  }

  bool failed() const override { return failed_; }
  std::optional<ClipError> verdict() override { return verdict_; }

 private:
  std::shared_ptr<SpoolFile> file_;
  std::int64_t frames_;
  bool failed_;
  std::optional<ClipError> verdict_;
};

}  // namespace

SpoolWriter::SpoolWriter(const fs::path& clip) : key_(key_of(clip)) {
  if (!key_.empty()) file_ = temporary_file();
}

SpoolWriter::~SpoolWriter() = default;

void SpoolWriter::append(std::span<const float> mono) {
  if (!file_) return;
  const auto* bytes = reinterpret_cast<const char*>(mono.data());
  std::size_t size = mono.size_bytes();
  while (size > 0) {
    const ssize_t n = ::write(file_->fd(), bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // disk full: keep nothing, the clip is decoded again when next asked for
      file_.reset();
      return;
    }
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  frames_ += static_cast<std::int64_t>(mono.size());
}

void SpoolWriter::keep(const ClipDecoder& decoder, bool failed,
                       const std::optional<ClipError>& verdict) {
  if (!file_) return;
  const auto now = std::chrono::steady_clock::now();
  Kept kept{key_,   std::move(file_), frames_, decoder.rate(), decoder.channels(), decoder.format(),
            failed, verdict,          now};
  Spool& s = spool();
  const std::lock_guard lock(s.mutex);
  const auto same =
      std::find_if(s.kept.begin(), s.kept.end(), [&](const Kept& k) { return k.key == kept.key; });
  if (same != s.kept.end()) {
    s.bytes -= same->frames * static_cast<std::int64_t>(sizeof(float));
    s.kept.erase(same);
  }
  s.bytes += kept.frames * static_cast<std::int64_t>(sizeof(float));
  s.kept.push_back(std::move(kept));
  prune(s, now);
}

std::unique_ptr<ClipDecoder> open_spooled(const fs::path& clip) {
  try {
    const std::string key = key_of(clip);
    if (key.empty()) return nullptr;
    Spool& s = spool();
    const std::lock_guard lock(s.mutex);
    const auto now = std::chrono::steady_clock::now();
    prune(s, now);
    const auto kept =
        std::find_if(s.kept.begin(), s.kept.end(), [&](const Kept& k) { return k.key == key; });
    if (kept == s.kept.end()) return nullptr;
    kept->used = now;
    s.kept.splice(s.kept.end(), s.kept, kept);  // recently used: dropped last
    return std::make_unique<SpooledDecoder>(*kept);
  } catch (...) {  // out of memory: decoded again by a helper
    return nullptr;
  }
}

}  // namespace loa::detail
