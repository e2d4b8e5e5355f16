#include "loa_test/cli.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace loa::test {

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

CliResult run_in_shell(const std::string& environment, const std::string& binary,
                       const std::string& args, const TempDir& dir) {
  const auto out = dir / "stdout.txt";
  const auto err = dir / "stderr.txt";
  const std::string cmd = "cd '" + dir.path().string() + "' && " + environment + "'" + binary +
                          "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

}  // namespace

CliResult run_cli(const std::string& binary, const std::string& args, const TempDir& dir) {
  return run_in_shell("", binary, args, dir);
}

CliResult run_cli_vi(const std::string& binary, const std::string& args, const TempDir& dir) {
  return run_in_shell("env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=vi_VN.UTF-8 ", binary, args,
                      dir);
}

}  // namespace loa::test
