#include "loa_test/child_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace loa::test {

namespace {

struct Ids {
  uid_t uid;
  gid_t gid;
};

Ids nobody() {
  const passwd* user = ::getpwnam("nobody");
  if (user == nullptr) throw std::runtime_error("there is no user nobody to run a server as");
  const group* group = ::getgrnam("nogroup");
  return {user->pw_uid, group != nullptr ? group->gr_gid : user->pw_gid};
}

}  // namespace

pid_t spawn_logged(const std::vector<std::string>& argv, const std::filesystem::path& log,
                   bool as_nobody) {
  // Everything the child needs is made before fork: after it, only async-signal-safe calls.
  std::vector<std::string> args = argv;
  std::vector<char*> pointers;
  for (auto& a : args) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  const std::string log_path = log.string();
  const bool drop = as_nobody && ::geteuid() == 0;
  const Ids ids = drop ? nobody() : Ids{::getuid(), ::getgid()};
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) ::_exit(126);
    if (drop && (::setgroups(0, nullptr) != 0 || ::setgid(ids.gid) != 0 || ::setuid(ids.uid) != 0))
      ::_exit(126);
    // Dies with the test (a crashed test leaves no server behind). Set after the change of user,
    // which clears it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::execvp(pointers[0], pointers.data());
    ::_exit(127);
  }
  if (pid < 0) throw std::runtime_error("cannot start " + argv.front() + ": fork failed");
  return pid;
}

void end_process(pid_t pid, int sig) {
  if (pid <= 0) return;
  ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

bool process_ended(pid_t pid) {
  int status = 0;
  return pid > 0 && ::waitpid(pid, &status, WNOHANG) == pid;
}

void give_to_nobody(const std::filesystem::path& path) {
  if (::geteuid() != 0) return;
  const Ids ids = nobody();
  const auto give = [&](const std::filesystem::path& p) {
    if (::chown(p.c_str(), ids.uid, ids.gid) != 0)
      throw std::runtime_error("cannot give " + p.string() + " to nobody");
  };
  give(path);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) give(entry.path());
}

}  // namespace loa::test
