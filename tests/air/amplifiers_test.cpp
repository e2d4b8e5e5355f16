// CommandRunner and Amplifiers with real processes (small /bin/sh scripts), and amplifier_plan.
#include "loa/amplifiers.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "loa/command_runner.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
using Clock = CommandRunner::Clock;

constexpr auto kShort = 200ms;  // the timeout the tests give commands

std::vector<std::string> sh(const test::TempDir& dir, const std::string& name,
                            const std::string& body) {
  return {"/bin/sh", dir.write(name, body).string()};
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Polls until nothing is outstanding (at most 10 s), as the control thread would.
std::vector<CommandResult> drive(CommandRunner& runner) {
  std::vector<CommandResult> all;
  const auto give_up = Clock::now() + 10s;
  while (runner.busy() && Clock::now() < give_up) {
    for (CommandResult& r : runner.poll()) all.push_back(std::move(r));
    std::this_thread::sleep_for(5ms);
  }
  return all;
}

std::vector<AmplifierOutcome> drive(Amplifiers& amps) {
  std::vector<AmplifierOutcome> all;
  const auto give_up = Clock::now() + 10s;
  do {
    for (AmplifierOutcome& o : amps.poll()) all.push_back(std::move(o));
    std::this_thread::sleep_for(5ms);
  } while (amps.busy() && Clock::now() < give_up);
  return all;
}

// No child of this process is left, not even a zombie.
void expect_no_children() {
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(CommandRunner, RunsTheCommandWithoutAShell) {
  test::TempDir dir;
  CommandRunner runner(kShort * 25);
  runner.start("touch", {"touch", (dir / "it ran; really").string()});
  const auto results = drive(runner);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].label, "touch");
  EXPECT_TRUE(results[0].ok);
  EXPECT_EQ(results[0].exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir / "it ran; really"));
  expect_no_children();
}

TEST(CommandRunner, ReportsExitCodeAndOutput) {
  test::TempDir dir;
  CommandRunner runner;
  const CommandId id = runner.start("fails", sh(dir, "f.sh", "echo relay busy >&2\nexit 3\n"));
  const auto results = drive(runner);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].id, id);
  EXPECT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].exit_code, 3);
  EXPECT_EQ(results[0].signal, 0);
  EXPECT_FALSE(results[0].timed_out);
  EXPECT_EQ(results[0].output, "relay busy\n");
}

TEST(CommandRunner, KeepsOnlyTheStartOfLongOutput) {
  test::TempDir dir;
  CommandRunner runner;
  // 200 KiB: more than a pipe holds, so the child only finishes if poll keeps draining it.
  runner.start("chatty", sh(dir, "c.sh", "head -c 204800 /dev/zero | tr '\\0' x >&2\n"));
  const auto results = drive(runner);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok);
  EXPECT_EQ(results[0].output, std::string(CommandRunner::kOutputExcerpt, 'x'));
}

TEST(CommandRunner, AMissingProgramIsAFailedResultNotAnException) {
  CommandRunner runner;
  CommandId id = 0;
  EXPECT_NO_THROW(id = runner.start("ghost", {"loa-no-such-program-anywhere", "on"}));
  EXPECT_TRUE(runner.busy());
  const auto results = runner.poll();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].id, id);
  EXPECT_FALSE(results[0].ok);
  EXPECT_TRUE(results[0].spawn_failed);
  EXPECT_NE(results[0].output.find("cannot run 'loa-no-such-program-anywhere'"), std::string::npos);
  EXPECT_FALSE(runner.busy());

  runner.start("empty", {});
  ASSERT_EQ(runner.poll().size(), 1u);
  expect_no_children();
}

TEST(CommandRunner, KillsAHungCommandWithoutBlockingTheCaller) {
  test::TempDir dir;
  CommandRunner runner(kShort);
  // The owner thread blocks SIGTERM (as a signalfd user does); the child must not inherit that.
  sigset_t term;
  sigset_t old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &old), 0);

  const auto started = Clock::now();
  runner.start("hang", sh(dir, "h.sh", "sleep 30\n"));
  EXPECT_TRUE(runner.poll().empty());
  EXPECT_LT(Clock::now() - started, 1s);  // generous: poll does not wait for the command
  const auto results = drive(runner);
  const auto took = Clock::now() - started;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);

  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].timed_out);
  EXPECT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].signal, SIGTERM);
  EXPECT_GE(took, kShort);
  EXPECT_LT(took, 5s);  // SIGTERM worked, so `sleep 30` (in its group) died too
  expect_no_children();
}

TEST(CommandRunner, EscalatesToSigkill) {
  test::TempDir dir;
  CommandRunner runner(kShort);
  // An ignored signal stays ignored across exec, so `sleep` ignores SIGTERM as well.
  runner.start("stubborn", sh(dir, "s.sh", "trap '' TERM\nsleep 30\n"));
  const auto results = drive(runner);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].timed_out);
  EXPECT_EQ(results[0].signal, SIGKILL);
  expect_no_children();
}

TEST(CommandRunner, WaitAllIsBoundedAndLeavesNoZombie) {
  test::TempDir dir;
  CommandRunner runner(30s);
  runner.start("quick", sh(dir, "q.sh", "exit 0\n"));
  runner.start("slow", sh(dir, "s.sh", "sleep 30\n"));
  const auto started = Clock::now();
  const auto results = runner.wait_all(Clock::now() + 300ms);
  EXPECT_LT(Clock::now() - started, 5s);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].label, "quick");
  EXPECT_TRUE(results[0].ok);
  EXPECT_EQ(results[1].label, "slow");
  EXPECT_TRUE(results[1].timed_out);
  EXPECT_EQ(results[1].signal, SIGKILL);
  EXPECT_FALSE(runner.busy());
  expect_no_children();
}

TEST(CommandRunner, DestructorReapsWhatStillRuns) {
  test::TempDir dir;
  {
    CommandRunner runner;
    runner.start("slow", sh(dir, "s.sh", "sleep 30\n"));
  }
  expect_no_children();
}

Amplifier amp(std::string id, std::vector<std::string> on, std::vector<std::string> off) {
  Amplifier a;
  a.id = std::move(id);
  a.on = std::move(on);
  a.off = std::move(off);
  return a;
}

TEST(Amplifiers, SwitchingRunsTheCommands) {
  test::TempDir dir;
  Amplifiers amps(
      {amp("amp-1", {"touch", (dir / "on").string()}, {"touch", (dir / "off").string()})},
      kShort * 25);
  EXPECT_FALSE(amps.is_on(0));
  amps.switch_on(0);
  EXPECT_TRUE(amps.is_on(0));
  auto outcomes = drive(amps);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].on);
  EXPECT_TRUE(outcomes[0].result.ok);
  EXPECT_TRUE(std::filesystem::exists(dir / "on"));

  amps.switch_on(0);  // already on: nothing runs
  EXPECT_FALSE(amps.busy());
  amps.switch_off(0);
  outcomes = drive(amps);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].on);
  EXPECT_FALSE(amps.is_on(0));
  EXPECT_TRUE(std::filesystem::exists(dir / "off"));
}

TEST(Amplifiers, TheFirstRequestRunsEvenIfItIsOff) {
  test::TempDir dir;
  Amplifiers amps({amp("amp-1", {}, {"touch", (dir / "off").string()})});
  amps.switch_off(0);  // the state is unknown at start (a crash may have left it on)
  drive(amps);
  EXPECT_TRUE(std::filesystem::exists(dir / "off"));
}

TEST(Amplifiers, WithoutCommandsOnlyTheStateIsRecorded) {
  Amplifiers amps({amp("amp-1", {}, {})});
  amps.switch_on(0);
  EXPECT_FALSE(amps.busy());
  EXPECT_TRUE(amps.is_on(0));
  amps.switch_off(0);
  EXPECT_FALSE(amps.is_on(0));
  EXPECT_THROW(amps.switch_on(1), std::out_of_range);
}

TEST(Amplifiers, AFailedCommandIsLoggedAndTheStateStays) {
  test::TempDir dir;
  Amplifiers amps({amp("amp-1", sh(dir, "on.sh", "echo 'relay\nbusy' >&2\nexit 3\n"), {}),
                   amp("amp-2", {"loa-no-such-program-anywhere"}, {})});
  testing::internal::CaptureStderr();
  amps.switch_on(0);
  EXPECT_NO_THROW(amps.switch_on(1));
  const auto outcomes = drive(amps);
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_FALSE(outcomes[0].result.ok);
  EXPECT_FALSE(outcomes[1].result.ok);
  EXPECT_TRUE(amps.is_on(0));
  EXPECT_TRUE(amps.is_on(1));
  EXPECT_NE(log.find("amplifier amp-1: 'on' command failed (exit 3): relay busy; the broadcast "
                     "goes on"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("amplifier amp-2: 'on' command failed (cannot run "
                     "'loa-no-such-program-anywhere': No such file or directory); the broadcast "
                     "goes on"),
            std::string::npos)
      << log;
}

TEST(Amplifiers, ATimedOutCommandIsKilledAndLogged) {
  test::TempDir dir;
  Amplifiers amps({amp("amp-1", sh(dir, "on.sh", "sleep 30\n"), {})}, kShort);
  testing::internal::CaptureStderr();
  amps.switch_on(0);
  const auto outcomes = drive(amps);
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].result.timed_out);
  EXPECT_NE(log.find("amplifier amp-1: 'on' command timed out after 200ms and was killed; the "
                     "broadcast goes on"),
            std::string::npos)
      << log;
  expect_no_children();
}

TEST(Amplifiers, OnAndOffOfOneAmplifierNeverRace) {
  test::TempDir dir;
  const std::string log = (dir / "log").string();
  Amplifiers amps({amp("amp-1", sh(dir, "on.sh", "sleep 0.3\necho on >> '" + log + "'\n"),
                       sh(dir, "off.sh", "echo off >> '" + log + "'\n"))});
  amps.switch_on(0);
  amps.switch_off(0);  // queued behind the slow 'on'
  EXPECT_FALSE(amps.is_on(0));
  const auto outcomes = drive(amps);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_TRUE(outcomes[0].on);
  EXPECT_FALSE(outcomes[1].on);
  EXPECT_EQ(slurp(log), "on\noff\n");
}

TEST(Amplifiers, RequestsMadeMeanwhileCollapse) {
  test::TempDir dir;
  const std::string log = (dir / "log").string();
  Amplifiers amps({amp("amp-1", sh(dir, "on.sh", "sleep 0.3\necho on >> '" + log + "'\n"),
                       sh(dir, "off.sh", "echo off >> '" + log + "'\n"))});
  amps.switch_on(0);
  amps.switch_off(0);
  amps.switch_on(0);  // back to what the running command establishes: nothing more to run
  drive(amps);
  EXPECT_TRUE(amps.is_on(0));
  EXPECT_EQ(slurp(log), "on\n");
}

TEST(Amplifiers, AllOffSwitchesEverythingOffWithinTheDeadline) {
  test::TempDir dir;
  Amplifiers amps({amp("amp-1", {}, {"touch", (dir / "off-1").string()}),
                   amp("amp-2", sh(dir, "on.sh", "sleep 30\n"), sh(dir, "off.sh", "sleep 30\n"))},
                  30s);
  amps.switch_on(0);
  amps.switch_on(1);  // hangs; its 'off' is queued behind it and dropped at the deadline
  const auto started = Clock::now();
  const auto outcomes = amps.all_off(Clock::now() + 300ms);
  EXPECT_LT(Clock::now() - started, 5s);
  EXPECT_FALSE(amps.is_on(0));
  EXPECT_FALSE(amps.is_on(1));
  EXPECT_TRUE(std::filesystem::exists(dir / "off-1"));
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_TRUE(outcomes[1].result.timed_out);
  EXPECT_FALSE(amps.busy());
  expect_no_children();
}

// amplifier_plan: times are minutes after an arbitrary base.
UtcTime at(int minutes) {
  return UtcTime(std::chrono::hours(500000)) + std::chrono::minutes(minutes);
}
AirInterval air(int from, int to) {
  return {at(from), at(to)};
}

TEST(AmplifierPlan, NoBroadcastsMeansOff) {
  const AmplifierPlan p = amplifier_plan(30s, 10min, {}, at(0));
  EXPECT_FALSE(p.on);
  EXPECT_FALSE(p.next_change);
}

TEST(AmplifierPlan, OnFromWarmupBeforeTheStartToTheEnd) {
  const std::vector<AirInterval> b{air(60, 90)};
  AmplifierPlan p = amplifier_plan(30s, 10min, b, at(0));
  EXPECT_FALSE(p.on);
  EXPECT_EQ(p.next_change, at(60) - 30s);
  p = amplifier_plan(30s, 10min, b, at(60) - 30s);
  EXPECT_TRUE(p.on);
  EXPECT_EQ(p.next_change, at(90));
  p = amplifier_plan(30s, 10min, b, at(90));
  EXPECT_FALSE(p.on);
  EXPECT_FALSE(p.next_change);
}

TEST(AmplifierPlan, StaysOnAcrossGapsShorterThanHold) {
  const std::vector<AirInterval> b{air(0, 30), air(35, 40), air(60, 70)};
  AmplifierPlan p = amplifier_plan(0s, 10min, b, at(31));
  EXPECT_TRUE(p.on);
  EXPECT_EQ(p.next_change, at(40));  // the gap to 60 is 20 min
  p = amplifier_plan(0s, 10min, b, at(45));
  EXPECT_FALSE(p.on);
  EXPECT_EQ(p.next_change, at(60));

  p = amplifier_plan(0s, 5min, b, at(31));  // a gap of exactly `hold` switches off
  EXPECT_FALSE(p.on);
  EXPECT_EQ(p.next_change, at(35));
}

TEST(AmplifierPlan, StaysOnWhenTheWarmupWouldStartBeforeTheEnd) {
  const std::vector<AirInterval> b{air(0, 30), air(32, 40)};
  const AmplifierPlan p = amplifier_plan(2min, 1min, b, at(31));
  EXPECT_TRUE(p.on);
  EXPECT_EQ(p.next_change, at(40));
}

TEST(AmplifierPlan, OverlappingNestedPastAndEmptyIntervals) {
  const std::vector<AirInterval> b{air(-50, -40), air(0, 60), air(10, 20), air(65, 65),
                                   air(100, 110)};
  AmplifierPlan p = amplifier_plan(0s, 1min, b, at(30));
  EXPECT_TRUE(p.on);
  EXPECT_EQ(p.next_change, at(60));  // the nested one does not cut it short
  p = amplifier_plan(0s, 1min, b, at(-10));
  EXPECT_FALSE(p.on);
  EXPECT_EQ(p.next_change, at(0));
  p = amplifier_plan(0s, 1min, b, at(62));
  EXPECT_FALSE(p.on);
  EXPECT_EQ(p.next_change, at(100));  // the empty one at 65 is ignored
}

}  // namespace
}  // namespace loa
