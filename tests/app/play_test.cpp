// `loa devices` and `loa play` run as a process, on a JACK server (scripts/jack-dummy.sh start runs
// one without a sound card) and clips the tests make themselves.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using test::slurp;
using Result = test::CliResult;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

test::CliResult run(const std::string& args, const test::TempDir& dir) {
  return test::run_cli(LOA_BINARY, args, dir);
}

// Starts `loa args...` in `dir`, sends `sig` once its progress line shows `when` on stderr, and
// waits for it to end.
Result run_and_signal(const std::vector<std::string>& args, const test::TempDir& dir, int sig,
                      const std::string& when) {
  const auto out = dir / "stdout.txt";
  const auto err = dir / "stderr.txt";
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.path().c_str()) != 0) _exit(126);
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(126);
    std::vector<char*> argv{const_cast<char*>(LOA_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(LOA_BINARY, argv.data());
    _exit(127);
  }
  Result r;
  if (pid < 0) return r;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!has(slurp(err), when) && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {  // ended early
      r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      r.out = slurp(out);
      r.err = slurp(err);
      ADD_FAILURE() << "loa ended before it was signalled";
      return r;
    }
    std::this_thread::sleep_for(20ms);
  }
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

class Play : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto devices = run("devices", dir);
    ASSERT_EQ(devices.exit, 0) << devices.out << devices.err;
    if (!has(devices.out, "JACK Audio Connection Kit")) {
      GTEST_FAIL() << "no JACK server is running: start one with scripts/jack-dummy.sh start\n"
                   << devices.out;
    }
    test::write_tone(dir / "tone.wav", 1.0, 48000, 1);
  }
  test::TempDir dir;
};

TEST_F(Play, DevicesListsTheJackServerAsATable) {
  const auto r = run("devices", dir);
  EXPECT_EQ(r.exit, 0);
  std::istringstream lines(r.out);
  std::string header;
  std::getline(lines, header);
  EXPECT_TRUE(has(header, "#  Device")) << header;
  EXPECT_TRUE(has(header, "Host API")) << header;
  std::string system;
  for (std::string line; std::getline(lines, line);) {
    if (has(line, "system") && has(line, "JACK Audio Connection Kit")) system = line;
  }
  ASSERT_FALSE(system.empty()) << r.out;
  // Aligned: the host API starts in the same column as its header.
  EXPECT_EQ(system.find("JACK Audio Connection Kit"), header.find("Host API")) << r.out;
  EXPECT_TRUE(has(system, "48000")) << system;
}

TEST_F(Play, PlaysAClipOnJack) {
  const auto r = run("play --device jack tone.wav", dir);
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "Preview on system (JACK Audio Connection Kit)")) << r.out;
  EXPECT_TRUE(has(r.out, "tone.wav: 0:01.0, ")) << r.out;
  EXPECT_TRUE(has(r.out, " LUFS, ")) << r.out;
  EXPECT_TRUE(has(r.out, "(to -16.0 LUFS)")) << r.out;
  EXPECT_TRUE(has(r.err, "\r  0:01 / 0:01  [####################]")) << r.err;
}

TEST_F(Play, NoNormalizeKeepsTheClipsLoudness) {
  const auto r = run("play --device jack --no-normalize tone.wav", dir);
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "gain +0.0 dB (not normalized: --no-normalize)")) << r.out;
}

TEST_F(Play, AMissingClipIsNamedAndTheRestStillPlays) {
  const auto r = run("play --device jack missing.wav tone.wav", dir);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "loa play: missing.wav: ")) << r.err;
  EXPECT_TRUE(has(r.out, "tone.wav: 0:01.0")) << r.out;
}

TEST_F(Play, AnUnknownDeviceListsTheDevicesThatExist) {
  const auto r = run("play --device 'Loa Nonexistent Card' tone.wav", dir);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "\"Loa Nonexistent Card\"")) << r.err;
  EXPECT_TRUE(has(r.err, "system  (JACK Audio Connection Kit")) << r.err;
  EXPECT_TRUE(has(r.err, "--device")) << r.err;
}

TEST_F(Play, CtrlCStopsWithExit130) {
  test::write_tone(dir / "long.wav", 6.0, 48000, 1);
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_and_signal({"play", "--device", "jack", "long.wav"}, dir, SIGINT, "0:01 / ");
  EXPECT_EQ(r.exit, 130) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "stopped")) << r.out;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "it played on";
}

TEST_F(Play, SigtermStopsWithExit143) {
  test::write_tone(dir / "long.wav", 6.0, 48000, 1);
  const auto r =
      run_and_signal({"play", "--device", "jack", "long.wav", "tone.wav"}, dir, SIGTERM, "0:01 / ");
  EXPECT_EQ(r.exit, 143) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "stopped")) << r.out;
  EXPECT_FALSE(has(r.out, "tone.wav:")) << "went on to the next clip: " << r.out;
}

TEST_F(Play, UsesTheStationsPreviewDeviceNeverTheAirOutput) {
  std::filesystem::create_directories(dir / "clips");
  test::write_tone(dir / "clips/in-station.wav", 1.0, 48000, 1);
  const std::string station = R"(station:
  name: Thử Nghiệm
  timezone: Asia/Ho_Chi_Minh
  clips: clips/
  state: state/
audio:
  output: "null"
  preview: jack
  loudness: -20
zones:
  - {id: ap-1, name: Ấp 1, channel: 1}
)";
  dir.write("station.yaml", station);
  auto r = run("play --config station.yaml in-station.wav", dir);
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "Preview on system (JACK Audio Connection Kit)")) << r.out;
  EXPECT_TRUE(has(r.out, "(to -20.0 LUFS)")) << r.out;

  std::string on_air = station;
  on_air.replace(on_air.find("output: \"null\""), 14, "output: jack:system");
  dir.write("station.yaml", on_air);
  r = run("play --config station.yaml in-station.wav", dir);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "air output")) << r.err;
  r = run("play --config station.yaml --device system in-station.wav", dir);
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "air output")) << r.err;
}

}  // namespace
}  // namespace loa
