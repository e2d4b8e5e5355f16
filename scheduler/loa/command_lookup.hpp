#pragma once

#include <string>

namespace loa {

// Why the program `program` (a command's argv[0], run without a shell as posix_spawnp runs it)
// could not be started, or "" if it can: with a '/' it is a path (relative to the working folder)
// to an executable file; without, it is looked up in `search_path` (the PATH variable; nullptr
// when it is unset: the system's default) as execvp does. The reason reads on from the quoted
// name: "is not found in PATH (/usr/bin:/bin); install it or give its full path". Never throws but
// std::bad_alloc.
std::string command_problem(const std::string& program, const char* search_path);

}  // namespace loa
