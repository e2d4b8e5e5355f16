#pragma once

#include <string_view>

namespace loa {

// Diagnostics of a long-running loa (loa run): one line per message on stderr, "loa: LEVEL: text".
// Under systemd (JOURNAL_STREAM set) each line starts with the syslog priority prefix ("<4>")
// instead, so journalctl shows the level. Thread-safe; never throws. Not real-time safe (the
// audio callback never logs).
enum class LogLevel { debug, info, warning, error };

void log(LogLevel level, std::string_view message) noexcept;
inline void log_info(std::string_view m) noexcept {
  log(LogLevel::info, m);
}
inline void log_warning(std::string_view m) noexcept {
  log(LogLevel::warning, m);
}
inline void log_error(std::string_view m) noexcept {
  log(LogLevel::error, m);
}

// Debug lines are dropped unless enabled (loa run --verbose).
void set_log_debug(bool on) noexcept;
inline void log_debug(std::string_view m) noexcept {
  log(LogLevel::debug, m);
}

}  // namespace loa
