#include "loa/amplifiers.hpp"

#include <algorithm>
#include <string>
#include <thread>

#include "loa/log.hpp"
#include "loa/values.hpp"

namespace loa {
namespace {

// The command's output on one log line: control characters and runs of spaces become one space.
std::string one_line(const std::string& text) {
  std::string line;
  for (const char c : text) {
    const bool space = static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == 0x7f;
    if (!space) {
      line += c;
    } else if (!line.empty() && line.back() != ' ') {
      line += ' ';
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

void log_outcome(const Amplifier& amp, const AmplifierOutcome& o, Duration timeout) {
  const CommandResult& r = o.result;
  std::string head = "amplifier " + amp.id + ": '" + (o.on ? "on" : "off") + "' command ";
  const std::string output = one_line(r.output);
  if (r.ok) {
    log_info(head + "done");
    return;
  }
  if (r.spawn_failed) {
    head += "failed (" + output + ")";
  } else {
    if (r.timed_out) {
      head += "timed out after " + format_duration(timeout) + " and was killed";
    } else if (r.signal != 0) {
      head += "failed (killed by signal " + std::to_string(r.signal) + ")";
    } else {
      head += "failed (exit " + std::to_string(r.exit_code) + ")";
    }
    if (!output.empty()) head += ": " + output;
  }
  log_warning(head + "; the broadcast goes on");
}

}  // namespace

AmplifierPlan amplifier_plan(Duration warmup, Duration hold, std::span<const AirInterval> intervals,
                             UtcTime now) {
  // Walk the runs in order; the first whose on-window [start - warmup, end) ends after `now`
  // decides. Runs are disjoint by construction, so nothing later can contain `now`.
  std::size_t i = 0;
  while (i < intervals.size()) {
    if (intervals[i].end <= intervals[i].start) {
      ++i;
      continue;
    }
    const UtcTime on = intervals[i].start - warmup;
    UtcTime off = intervals[i].end;
    for (++i; i < intervals.size(); ++i) {
      const AirInterval& next = intervals[i];
      if (next.end <= next.start) continue;
      const auto gap = next.start - off;
      if (gap >= hold && gap > warmup) break;
      off = std::max(off, next.end);
    }
    if (off <= now) continue;
    if (on <= now) return {true, off};
    return {false, on};
  }
  return {false, std::nullopt};
}

Amplifiers::Amplifiers(std::vector<Amplifier> amplifiers, CommandRunner::Clock::duration timeout)
    : timeout_(timeout), runner_(timeout) {
  amps_.reserve(amplifiers.size());
  for (Amplifier& a : amplifiers) {
    State s;
    s.settings = std::move(a);
    amps_.push_back(std::move(s));
  }
}

void Amplifiers::request(std::size_t index, bool on) {
  State& s = amps_.at(index);
  if (s.wanted == on) return;
  s.wanted = on;
  s.on_since = on ? std::optional(CommandRunner::Clock::now()) : std::nullopt;
  if (s.running) {
    // The running command establishes `commanded`; only a different state needs another one.
    s.queued = on != s.commanded ? std::optional<bool>(on) : std::nullopt;
    return;
  }
  run(index, on);
}

void Amplifiers::run(std::size_t index, bool on) {
  State& s = amps_[index];
  s.commanded = on;
  const std::vector<std::string>& argv = on ? s.settings.on : s.settings.off;
  if (argv.empty()) {
    log_debug("amplifier " + s.settings.id + ": " + (on ? "on" : "off") + " (no command)");
    return;
  }
  s.running = runner_.start("amplifier " + s.settings.id + (on ? " on" : " off"), argv);
}

void Amplifiers::take(std::vector<CommandResult> results, bool start_queued,
                      std::vector<AmplifierOutcome>& out) {
  for (CommandResult& r : results) {
    const auto it =
        std::find_if(amps_.begin(), amps_.end(), [&](const State& s) { return s.running == r.id; });
    if (it == amps_.end()) continue;  // cannot happen: every command is an amplifier's
    State& s = *it;
    const auto index = static_cast<std::size_t>(it - amps_.begin());
    s.running.reset();
    out.push_back({index, s.commanded, std::move(r)});
    log_outcome(s.settings, out.back(), std::chrono::duration_cast<Duration>(timeout_));
    if (start_queued && s.queued) {
      const bool next = *s.queued;
      s.queued.reset();
      run(index, next);
    }
  }
}

std::vector<AmplifierOutcome> Amplifiers::poll() {
  std::vector<AmplifierOutcome> out;
  take(runner_.poll(), true, out);
  return out;
}

std::vector<AmplifierOutcome> Amplifiers::all_off(CommandRunner::Clock::time_point deadline) {
  std::vector<AmplifierOutcome> out;
  for (std::size_t i = 0; i < amps_.size(); ++i) switch_off(i);
  for (;;) {
    take(runner_.poll(), true, out);
    if (!busy()) return out;
    if (CommandRunner::Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (State& s : amps_) s.queued.reset();
  take(runner_.wait_all(deadline), false, out);
  return out;
}

}  // namespace loa
