#pragma once
// `loa ARGS...` as a background process, for the tests of `loa run`.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "loa_test/cli.hpp"
#include "loa_test/temp_dir.hpp"

extern char** environ;

namespace loa::test {

// `loa ARGS...` started in the background in `dir`, its stdout and stderr in files there. Killed
// (SIGKILL) on destruction if it is still running, so a failing test never leaves it behind.
class LoaProcess {
 public:
  LoaProcess(const std::string& binary, const TempDir& dir, std::vector<std::string> args,
             const std::string& name = "run")
      : out_(dir / (name + "-stdout.txt")), err_(dir / (name + "-stderr.txt")) {
    args.insert(args.begin(), binary);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Not under systemd, whatever the test runs under: plain "loa: LEVEL: " lines, no sd_notify.
    std::vector<std::string> env_text;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view v(*e);
      if (!v.starts_with("JOURNAL_STREAM=") && !v.starts_with("NOTIFY_SOCKET=") &&
          !v.starts_with("WATCHDOG_")) {
        env_text.emplace_back(v);
      }
    }
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string cwd = dir.path().string();
    const std::string out = out_.string();
    const std::string err = err_.string();
    pid_ = ::fork();
    if (pid_ == 0) {
      if (::chdir(cwd.c_str()) != 0) ::_exit(126);
      const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(126);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    if (pid_ < 0) throw std::runtime_error("fork failed");
  }
  ~LoaProcess() {
    if (!status_) {
      ::kill(pid_, SIGKILL);
      int s = 0;
      ::waitpid(pid_, &s, 0);
    }
  }
  LoaProcess(const LoaProcess&) = delete;
  LoaProcess& operator=(const LoaProcess&) = delete;

  void signal(int sig) {
    if (!status_) ::kill(pid_, sig);
  }
  // Its exit code (-N if signal N killed it), or nullopt if it still runs after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
      int s = 0;
      if (::waitpid(pid_, &s, WNOHANG) == pid_) {
        status_ = WIFEXITED(s) ? WEXITSTATUS(s) : -WTERMSIG(s);
        break;
      }
      if (std::chrono::steady_clock::now() >= give_up) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status_;
  }
  bool running() { return !wait(std::chrono::milliseconds(0)); }
  // Its process id (for /proc/PID/...), while it runs.
  pid_t pid() const { return pid_; }
  std::string err() const { return slurp(err_); }
  // Waits until stderr shows `text`; false if it does not within `timeout` or loa ends first.
  bool wait_for(std::string_view text, std::chrono::milliseconds timeout) {
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (err().find(text) != std::string::npos) return true;
      if (!running() || std::chrono::steady_clock::now() >= give_up)
        return err().find(text) != std::string::npos;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

 private:
  std::filesystem::path out_;
  std::filesystem::path err_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace loa::test
