#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace loa {

using CommandId = std::uint64_t;

// How one external command ended.
struct CommandResult {
  CommandId id = 0;
  std::string label;
  bool ok = false;         // ran and exited with status 0 (and was not timed out)
  int exit_code = -1;      // its exit status when it exited, else -1
  int signal = 0;          // the signal that ended it, else 0
  bool timed_out = false;  // ran past its timeout and was killed
  bool spawn_failed = false;
  // The first kOutputExcerpt bytes it wrote to stdout and stderr (one pipe, interleaved), or why
  // it could not be started ("cannot run 'x': No such file or directory").
  std::string output;
};

// Runs external commands (argv, no shell) without ever blocking the caller for their sake.
// Each runs in its own process group, with stdin from /dev/null, stdout and stderr into a pipe,
// no other inherited descriptor, default signal dispositions and an empty signal mask (so a
// parent that blocks signals for signalfd does not make it unkillable). A command still running
// at its timeout gets SIGTERM (to its whole group), then SIGKILL a second later.
//
// Thread: one owner thread calls everything. Reaps only its own children with waitpid(pid), so
// SIGCHLD must not be ignored and nobody else may reap with waitpid(-1). Nothing throws except
// std::bad_alloc; a command that cannot be started is a failed result, not an exception.
class CommandRunner {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kOutputExcerpt = 1024;
  static constexpr std::chrono::seconds kKillGrace{1};  // from SIGTERM to SIGKILL

  explicit CommandRunner(Clock::duration timeout = std::chrono::seconds(10));
  // Kills (SIGKILL) and reaps whatever still runs, waiting at most about a second. noexcept.
  ~CommandRunner();
  CommandRunner(const CommandRunner&) = delete;
  CommandRunner& operator=(const CommandRunner&) = delete;

  // Starts argv[0] (looked up in PATH) with arguments argv[1...]. Returns at once (it forks and
  // execs, nothing more). Its result, even a failure to start, comes from a later poll().
  CommandId start(std::string label, const std::vector<std::string>& argv);

  // Non-blocking: reads what finished commands wrote, reaps those that ended, signals those past
  // their timeout. Returns the commands that ended since the last call, in the order reaped.
  // Call it at least every ~100 ms while busy() so timeouts and reaping are prompt.
  std::vector<CommandResult> poll(Clock::time_point now = Clock::now());

  // Blocks until every outstanding command has ended or `deadline` passes (timeouts still apply).
  // Past the deadline the rest is SIGKILLed and reaped (at most about a second more). For shutdown.
  std::vector<CommandResult> wait_all(Clock::time_point deadline);

  bool busy() const { return !running_.empty() || !failed_.empty(); }
  std::size_t running() const { return running_.size(); }

 private:
  struct Running {
    CommandResult result;
    pid_t pid = -1;
    int out_fd = -1;  // read end of the output pipe, non-blocking
    Clock::time_point deadline;
    Clock::time_point kill_at = Clock::time_point::max();  // SIGKILL time once SIGTERM was sent
  };

  static void drain(Running& r) noexcept;
  static void finish(Running& r, int status) noexcept;
  void kill_all_and_reap(Clock::duration patience, std::vector<CommandResult>* out) noexcept;

  Clock::duration timeout_;
  CommandId next_id_ = 1;
  std::vector<Running> running_;
  std::vector<CommandResult> failed_;  // could not start: reported by the next poll()
};

}  // namespace loa
