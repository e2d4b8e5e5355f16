#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "loa/command_runner.hpp"
#include "loa/station_settings.hpp"
#include "loa/station_time.hpp"

namespace loa {

// A broadcast on an amplifier's zones: [start, end).
struct AirInterval {
  UtcTime start;
  UtcTime end;
};

struct AmplifierPlan {
  bool on = false;                     // should it be on at `now`
  std::optional<UtcTime> next_change;  // when that changes next; nullopt: not within `intervals`
};

// When an amplifier must be on: from `warmup` before a broadcast starts to the end of the last
// broadcast of a run, a run being broadcasts each starting less than `hold` after the previous
// one ends (or so soon that its warmup would begin before that end). Empty intervals are ignored.
// `intervals` is sorted by start and may overlap; include broadcasts that ended up to `hold`
// before `now`, so the amplifier stays on across the gap after them. Pure.
AmplifierPlan amplifier_plan(Duration warmup, Duration hold, std::span<const AirInterval> intervals,
                             UtcTime now);

// What became of one switch command of an amplifier.
struct AmplifierOutcome {
  std::size_t index = 0;  // of the amplifier
  bool on = false;        // the 'on' command, else the 'off' one
  CommandResult result;
};

// The station's amplifiers and the commands that switch them. Switching is fire-and-forget:
// a command that fails or times out is logged (warning) and the state stays as requested, since
// the broadcast goes on regardless. Commands of one amplifier run one at a time, in request
// order; requests made meanwhile collapse to the latest state wanted.
//
// Thread: one owner thread (the control thread) calls everything. Nothing blocks but all_off();
// nothing throws but std::bad_alloc.
class Amplifiers {
 public:
  // A switch command still running after this is killed (SIGTERM, then SIGKILL after 1 s):
  // relays and serial adapters answer within a second, so ten means the command is hung.
  static constexpr std::chrono::seconds kCommandTimeout{10};

  explicit Amplifiers(std::vector<Amplifier> amplifiers,
                      CommandRunner::Clock::duration timeout = kCommandTimeout);

  std::size_t size() const { return amps_.size(); }
  const Amplifier& amplifier(std::size_t index) const { return amps_.at(index).settings; }

  // Request a state; a no-op when it is already the state requested last (at first the state is
  // unknown, so the first request always runs its command). Runs the amplifier's
  // on/off command unless it has none (then only the state is recorded) or one of its commands
  // is still running (then this one starts when that ends). Throws std::out_of_range on a bad
  // index.
  void switch_on(std::size_t index) { request(index, true); }
  void switch_off(std::size_t index) { request(index, false); }
  // The state requested last (a failed command does not change it); false before any request.
  bool is_on(std::size_t index) const { return amps_.at(index).wanted.value_or(false); }
  // Since when it has been on (when it was last switched from off or unknown to on); nullopt
  // while off. Its warm-up counts from there.
  std::optional<CommandRunner::Clock::time_point> on_since(std::size_t index) const {
    return amps_.at(index).on_since;
  }

  // Non-blocking: reaps finished commands, logs each (info when done, warning when failed),
  // starts the queued ones. Call it at least every ~100 ms while busy().
  std::vector<AmplifierOutcome> poll();
  bool busy() const { return runner_.busy(); }

  // Shutdown: switches every amplifier off and waits for the commands until `deadline` (what
  // still runs then is killed). Blocks.
  std::vector<AmplifierOutcome> all_off(CommandRunner::Clock::time_point deadline);

 private:
  struct State {
    Amplifier settings;
    std::optional<bool> wanted;        // requested last; unknown at first
    bool commanded = false;            // what the running (or last) command establishes
    std::optional<CommandId> running;  // its command in flight
    std::optional<bool> queued;        // to run when that ends
    std::optional<CommandRunner::Clock::time_point> on_since;
  };

  void request(std::size_t index, bool on);
  void run(std::size_t index, bool on);
  // Logs finished commands into `out`, then starts their amplifiers' queued ones if
  // `start_queued`.
  void take(std::vector<CommandResult> results, bool start_queued,
            std::vector<AmplifierOutcome>& out);

  std::vector<State> amps_;
  CommandRunner::Clock::duration timeout_;
  CommandRunner runner_;
};

}  // namespace loa
