#pragma once
// A server or tool the tests run as a child process (Icecast, ffmpeg feeding it), its output in a
// log file.

#include <sys/types.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

namespace loa::test {

// Starts `argv` (argv[0] looked up in PATH) with stdout and stderr appended to `log`. With
// `as_nobody`, a test run as root runs it as the user nobody (group nogroup): for servers that
// refuse root, as icecast2 does. It is killed if the thread that started it ends. Its process id.
// Throws std::runtime_error if it cannot fork.
pid_t spawn_logged(const std::vector<std::string>& argv, const std::filesystem::path& log,
                   bool as_nobody = false);

// Sends `sig` to `pid` (if > 0) and waits for it to end.
void end_process(pid_t pid, int sig = SIGKILL);

// Whether `pid` ended (it is reaped then).
bool process_ended(pid_t pid);

// Gives `path` and everything in it to nobody:nogroup when the test runs as root, so that a child
// started `as_nobody` can write there. Throws std::runtime_error if it cannot.
void give_to_nobody(const std::filesystem::path& path);

}  // namespace loa::test
