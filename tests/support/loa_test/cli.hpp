#pragma once

#include <filesystem>
#include <string>

#include "loa_test/temp_dir.hpp"

namespace loa::test {

// What a command printed and how it ended, as an operator's shell would see it.
struct CliResult {
  int exit = -1;  // -1 if it did not exit normally (killed by a signal)
  std::string out;
  std::string err;
};

// A whole file as text ("" if it cannot be read).
std::string slurp(const std::filesystem::path& file);

// Runs `binary args` through the shell in `dir`, capturing stdout and stderr (in files in `dir`).
CliResult run_cli(const std::string& binary, const std::string& args, const TempDir& dir);
// The same with LANG=vi_VN.UTF-8 and nothing that would override it (LANGUAGE, LC_ALL,
// LC_MESSAGES unset), as a Vietnamese operator's shell runs it. The test's own environment is
// left alone.
CliResult run_cli_vi(const std::string& binary, const std::string& args, const TempDir& dir);

}  // namespace loa::test
