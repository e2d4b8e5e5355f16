// Clips decoded by a helper process (loa/decoding_helper.hpp), read from a pipe.
//
// What the helper writes on the pipe (native byte order: both ends are the same program on the
// same machine):
//   'E' reason                      the clip does not open: ClipError(reason), nothing follows
//   'D' rate channels format        it opened: the decoder's shape, then
//   (frames samples...)*            blocks of the mono downmix (frames > 0, that many floats)
//   0 failed verdict? [reason]      the end: ClipDecoder::failed() and verdict() as the helper saw
// where rate, channels and frames are 32-bit, a reason or format a 32-bit length and its bytes,
// failed and verdict? a byte each. A helper that stops before the end (killed, crashed, hung past
// its silence) makes the clip fail with a reason saying so. What a helper gave to its end is kept
// (decoded_spool.hpp): the next reading of the same clip in this process starts no helper.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "clip_decoder.hpp"
#include "decoded_spool.hpp"
#include "loa/decoding_helper.hpp"

extern char** environ;

namespace loa {

namespace {

namespace fs = std::filesystem;

struct Helper {
  std::vector<std::string> command;
  std::chrono::milliseconds silence{};
};

// Set once, before clips are opened (use_decoding_helper's contract).
std::optional<Helper>& helper() {
  static std::optional<Helper> h;
  return h;
}

constexpr std::uint32_t kBlockFrames = 4096;
// Longer reasons or format names are not what a helper writes: taken for a broken pipe.
constexpr std::uint32_t kMaxText = 64 * 1024;

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// How a helper that stopped ended, for a reason: "exit status 3", "signal 9 (Killed)".
std::string ending(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "signal " + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  return "status " + std::to_string(status);
}

class HelperDecoder final : public detail::ClipDecoder {
 public:
  // Starts the helper on `file`; the reason if it cannot start or the clip does not open.
  std::optional<ClipError> start(const fs::path& file, const Helper& h) {
    silence_ = h.silence;
    spool_ = std::make_unique<detail::SpoolWriter>(file);
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
      return detail::clip_error("cannot read: no pipe for the decoding helper (" +
                                errno_text(errno) + ")");
    }
    fd_ = fds[0];
    std::vector<std::string> args = h.command;
    args.push_back(file.string());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    // Its standard output is the pipe; nothing else of this process (sockets, the journal).
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    // Default signal handling and none blocked: a helper whose reader is gone dies of SIGPIPE.
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int spawned = ::posix_spawn(&pid_, argv[0], &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(fds[1]);
    if (spawned == ENOENT) {
      pid_ = -1;
      return detail::clip_error("cannot read: the decoding helper " + args[0] +
                                " is missing; reinstall loa, or set LOA_DECODE_IN_PROCESS=1 to "
                                "decode AAC clips in loa itself");
    }
    if (spawned != 0) {
      pid_ = -1;
      return detail::clip_error("cannot read: the decoding helper " + args[0] +
                                " does not start (" + errno_text(spawned) + ")");
    }

    char kind = 0;
    if (!receive(&kind, 1)) return lost();
    if (kind == 'E') {
      std::string reason;
      if (!receive_text(reason)) return lost();
      return detail::clip_error(std::move(reason));
    }
    std::int32_t rate = 0;
    std::int32_t channels = 0;
    if (kind != 'D' || !receive(&rate, sizeof rate) || !receive(&channels, sizeof channels) ||
        !receive_text(format_)) {
      return lost();
    }
    rate_ = rate;
    channels_ = channels;
    return std::nullopt;
  }

  ~HelperDecoder() override {
    if (fd_ >= 0) ::close(fd_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);  // no longer wanted, or done (then it has exited already)
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  HelperDecoder() = default;
  HelperDecoder(const HelperDecoder&) = delete;
  HelperDecoder& operator=(const HelperDecoder&) = delete;

  std::size_t read(std::span<float> mono) override {
    std::size_t written = 0;
    while (written < mono.size() && !ended_) {
      if (left_ == 0) {
        std::uint32_t frames = 0;
        if (!receive(&frames, sizeof frames)) {
          stop(*lost());
          break;
        }
        if (frames == 0) {
          finish();
          break;
        }
        left_ = frames;
      }
      const std::size_t n = std::min<std::size_t>(left_, mono.size() - written);
      if (!receive(mono.data() + written, n * sizeof(float))) {
        stop(*lost());
        break;
      }
      spool_->append(mono.subspan(written, n));
      left_ -= static_cast<std::uint32_t>(n);
      written += n;
    }
    decoded_ += static_cast<std::int64_t>(written);
    return written;
  }

  bool failed() const override { return failed_; }
  std::optional<ClipError> verdict() override { return verdict_; }

 private:
  // The trailer: the helper decoder's failed() and verdict().
  void finish() {
    std::uint8_t failed = 0;
    std::uint8_t has_verdict = 0;
    std::string reason;
    if (!receive(&failed, 1) || !receive(&has_verdict, 1) ||
        (has_verdict != 0 && !receive_text(reason))) {
      stop(*lost());
      return;
    }
    ended_ = true;
    failed_ = failed != 0;
    if (has_verdict != 0) verdict_ = detail::clip_error(std::move(reason));
    spool_->keep(*this, failed_, verdict_);
  }

  void stop(ClipError why) {
    ended_ = true;
    failed_ = true;
    verdict_ = std::move(why);
  }

  // Why the helper stopped short: it ended (killed, crashed) or went silent too long.
  std::optional<ClipError> lost() {
    if (pid_ <= 0) return detail::clip_error("cannot read: the decoding helper stopped");
    if (hung_) {
      ::kill(pid_, SIGKILL);
      reap();
      const auto ms = silence_.count();
      const std::string silence =
          ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
      return detail::clip_error("cannot read: decoding it stopped answering for " + silence +
                                " (the decoding helper was stopped); check the clip with loa scan");
    }
    ::kill(pid_, SIGKILL);  // a malformed stream from a live helper: it is of no further use
    const int status = reap();
    return detail::clip_error("damaged: decoding it stopped the decoding helper (" +
                              ending(status) + " at " +
                              detail::time_text(decoded_, rate_ > 0 ? rate_ : 1) +
                              "); convert it to WAV or FLAC and send it again");
  }

  int reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

  // Reads exactly `size` bytes; false at the end of the pipe, on an error or after the silence.
  bool receive(void* data, std::size_t size) {
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
      pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
      const int ready = ::poll(&p, 1, static_cast<int>(silence_.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) hung_ = true;
      if (ready <= 0) return false;
      const ssize_t n = ::read(fd_, bytes, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }

  bool receive_text(std::string& text) {
    std::uint32_t size = 0;
    if (!receive(&size, sizeof size) || size > kMaxText) return false;
    text.resize(size);
    return receive(text.data(), size);
  }

  int fd_ = -1;
  pid_t pid_ = -1;
  std::chrono::milliseconds silence_{};
  std::uint32_t left_ = 0;  // floats of the current block still to read
  bool ended_ = false;
  bool failed_ = false;
  bool hung_ = false;
  std::optional<ClipError> verdict_;
  std::unique_ptr<detail::SpoolWriter> spool_;
};

// Writes all of `data` to `fd`; false if the reader is gone.
bool send(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool send_text(int fd, const std::string& text) {
  const auto size = static_cast<std::uint32_t>(std::min<std::size_t>(text.size(), kMaxText));
  return send(fd, &size, sizeof size) && send(fd, text.data(), size);
}

}  // namespace

void use_decoding_helper(std::vector<std::string> command, std::chrono::milliseconds silence) {
  if (command.empty()) {
    helper().reset();
  } else {
    helper() = Helper{std::move(command), silence};
  }
}

int serve_clip_decoding(const fs::path& clip, int fd) noexcept {
  try {
    auto opened = detail::open_decoder_here(clip);
    if (auto* error = std::get_if<ClipError>(&opened)) {
      return send(fd, "E", 1) && send_text(fd, error->reason) ? 0 : 1;
    }
    auto& decoder = *std::get<std::unique_ptr<detail::ClipDecoder>>(opened);
    const std::int32_t rate = decoder.rate();
    const std::int32_t channels = decoder.channels();
    if (!send(fd, "D", 1) || !send(fd, &rate, sizeof rate) ||
        !send(fd, &channels, sizeof channels) || !send_text(fd, decoder.format())) {
      return 1;
    }
    std::vector<float> block(kBlockFrames);
    for (;;) {
      const std::size_t n = decoder.read(block);
      const auto frames = static_cast<std::uint32_t>(n);
      if (n > 0 &&
          (!send(fd, &frames, sizeof frames) || !send(fd, block.data(), n * sizeof(float)))) {
        return 1;
      }
      if (n < block.size()) break;
    }
    const std::uint32_t end = 0;
    const auto verdict = decoder.verdict();
    const std::uint8_t failed = decoder.failed() ? 1 : 0;
    const std::uint8_t has_verdict = verdict ? 1 : 0;
    if (!send(fd, &end, sizeof end) || !send(fd, &failed, 1) || !send(fd, &has_verdict, 1) ||
        (verdict && !send_text(fd, verdict->reason))) {
      return 1;
    }
    return 0;
  } catch (...) {  // out of memory: the reader reports the helper's end
    return 1;
  }
}

namespace detail {

bool decoding_helper_set() {
  return helper().has_value();
}

OpenedDecoder open_helper_decoder(const fs::path& file) {
  if (auto kept = open_spooled(file)) return kept;
  auto decoder = std::make_unique<HelperDecoder>();
  if (auto error = decoder->start(file, *helper())) return std::move(*error);
  return decoder;
}

}  // namespace detail

}  // namespace loa
