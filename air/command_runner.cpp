#include "loa/command_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <thread>

extern char** environ;

namespace loa {
namespace {

std::string error_text(int err) {
  return std::system_category().message(err);
}

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // The child's fds 1 and 2 become `out`; 0 is /dev/null; nothing else is inherited (the output
  // pipe's own ends are close-on-exec). The dup2s come first in case `out` happens to be fd 0.
  int prepare(int out) {
    int err = posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO);
    if (err == 0) err = posix_spawn_file_actions_adddup2(&actions, out, STDERR_FILENO);
    if (err == 0) {
      err = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    }
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
    if (err == 0) err = posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
#endif
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    if (err == 0) err = posix_spawnattr_setsigmask(&attr, &none);
    if (err == 0) err = posix_spawnattr_setsigdefault(&attr, &all);
    if (err == 0) err = posix_spawnattr_setpgroup(&attr, 0);
    if (err == 0) {
      err = posix_spawnattr_setflags(
          &attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    }
    return err;
  }
};

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

CommandRunner::CommandRunner(Clock::duration timeout) : timeout_(timeout) {}

CommandRunner::~CommandRunner() {
  kill_all_and_reap(kKillGrace, nullptr);
  for (Running& r : running_) close_fd(r.out_fd);  // left unreaped: stuck in the kernel
}

CommandId CommandRunner::start(std::string label, const std::vector<std::string>& argv) {
  CommandResult result;
  result.id = next_id_++;
  result.label = std::move(label);
  const CommandId id = result.id;
  auto fail = [&](std::string why) {
    result.spawn_failed = true;
    result.output = std::move(why);
    failed_.push_back(std::move(result));
    return id;
  };
  if (argv.empty() || argv[0].empty()) return fail("empty command");

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  running_.reserve(running_.size() + 1);  // so nothing can throw once the child exists

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail("cannot make a pipe: " + error_text(errno));
  // Only our end is non-blocking: the child's writes must block, not fail, when the pipe is full.
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  SpawnSetup setup;
  pid_t pid = -1;
  int err = setup.prepare(fds[1]);
  if (err == 0)
    err = ::posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
  close_fd(fds[1]);
  if (err != 0) {
    close_fd(fds[0]);
    return fail("cannot run '" + argv[0] + "': " + error_text(err));
  }
  Running r;
  r.result = std::move(result);
  r.pid = pid;
  r.out_fd = fds[0];
  r.deadline = Clock::now() + timeout_;
  running_.push_back(std::move(r));
  return id;
}

void CommandRunner::drain(Running& r) noexcept {
  char buf[4096];
  // Bounded: a child (or a grandchild holding the pipe) that writes without end cannot hold us.
  for (int reads = 0; r.out_fd >= 0 && reads < 16; ++reads) {
    const ssize_t n = ::read(r.out_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    std::string& out = r.result.output;
    if (out.size() < kOutputExcerpt) {
      try {
        out.append(buf,
                   std::min<std::size_t>(static_cast<std::size_t>(n), kOutputExcerpt - out.size()));
      } catch (...) {
        // Out of memory: the excerpt is a nicety.
      }
    }
  }
}

void CommandRunner::finish(Running& r, int status) noexcept {
  drain(r);
  close_fd(r.out_fd);
  CommandResult& res = r.result;
  if (WIFEXITED(status)) res.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) res.signal = WTERMSIG(status);
  res.ok = res.exit_code == 0 && !res.timed_out;
}

std::vector<CommandResult> CommandRunner::poll(Clock::time_point now) {
  std::vector<CommandResult> out = std::move(failed_);
  failed_.clear();
  for (std::size_t i = 0; i < running_.size();) {
    Running& r = running_[i];
    drain(r);
    int status = 0;
    const pid_t got = ::waitpid(r.pid, &status, WNOHANG);
    if (got == r.pid || (got < 0 && errno == ECHILD)) {
      // ECHILD: someone else reaped it; its status is lost, so it counts as failed.
      finish(r, got == r.pid ? status : W_EXITCODE(255, 0));
      out.push_back(std::move(r.result));
      running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    if (now >= r.deadline && !r.result.timed_out) {
      r.result.timed_out = true;
      ::kill(-r.pid, SIGTERM);
      r.kill_at = now + kKillGrace;
    } else if (now >= r.kill_at) {
      ::kill(-r.pid, SIGKILL);
      r.kill_at = Clock::time_point::max();
    }
    ++i;
  }
  return out;
}

std::vector<CommandResult> CommandRunner::wait_all(Clock::time_point deadline) {
  std::vector<CommandResult> out;
  for (;;) {
    const Clock::time_point now = Clock::now();
    for (CommandResult& r : poll(now)) out.push_back(std::move(r));
    if (!busy() || now >= deadline) break;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(std::chrono::milliseconds(10), deadline - now));
  }
  kill_all_and_reap(kKillGrace, &out);
  return out;
}

void CommandRunner::kill_all_and_reap(Clock::duration patience,
                                      std::vector<CommandResult>* out) noexcept {
  for (Running& r : running_) {
    r.result.timed_out = true;
    ::kill(-r.pid, SIGKILL);
  }
  const Clock::time_point give_up = Clock::now() + patience;
  while (!running_.empty()) {
    for (std::size_t i = 0; i < running_.size();) {
      Running& r = running_[i];
      int status = 0;
      const pid_t got = ::waitpid(r.pid, &status, WNOHANG);
      if (got == r.pid || (got < 0 && errno == ECHILD)) {
        finish(r, got == r.pid ? status : W_EXITCODE(255, 0));
        try {
          if (out != nullptr) out->push_back(std::move(r.result));
        } catch (...) {
          // Out of memory: the result is lost, the child is reaped all the same.
        }
        running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      ++i;
    }
    if (running_.empty() || Clock::now() >= give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace loa
