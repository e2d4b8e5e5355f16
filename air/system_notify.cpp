#include "loa/system_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace loa::system_notify {
namespace {

// unset_environment is 0 throughout: the variables stay for every later call (and are harmless
// to the commands we spawn, which have no reason to talk to systemd). Without NOTIFY_SOCKET,
// sd_notify returns 0 and does nothing; its errors are ignored because there is nobody to tell.
void notify(const char* state) noexcept {
  sd_notify(0, state);
}

}  // namespace

void ready() noexcept {
  notify("READY=1");
}

void status(std::string_view text) noexcept {
  try {
    std::string state = "STATUS=";
    for (const char c : text) state += c == '\n' ? ' ' : c;  // one line: a newline ends the field
    notify(state.c_str());
  } catch (...) {
    // Out of memory: a status line is not worth failing for.
  }
}

void watchdog() noexcept {
  notify("WATCHDOG=1");
}

void stopping() noexcept {
  notify("STOPPING=1");
}

std::optional<std::chrono::microseconds> watchdog_interval() noexcept {
  // Read once: systemd sets the variables before exec and they never change, and the engine asks
  // on every block (sd_watchdog_enabled parses the environment each time).
  static const std::optional<std::chrono::microseconds> interval =
      []() -> std::optional<std::chrono::microseconds> {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(usec));
  }();
  return interval;
}

}  // namespace loa::system_notify
