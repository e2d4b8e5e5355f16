#include "loa/log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace loa {
namespace {

std::atomic<bool> debug_on{false};

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warning";
    case LogLevel::error:
      return "error";
  }
  return "?";
}

// syslog(3) priorities, which journald reads from a "<N>" prefix.
int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return 7;
    case LogLevel::info:
      return 6;
    case LogLevel::warning:
      return 4;
    case LogLevel::error:
      return 3;
  }
  return 6;
}

}  // namespace

void set_log_debug(bool on) noexcept {
  debug_on = on;
}

void log(LogLevel level, std::string_view message) noexcept {
  if (level == LogLevel::debug && !debug_on) return;
  static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
  static std::mutex mutex;
  try {
    std::string line;
    if (journal) {
      line = "<" + std::to_string(syslog_priority(level)) + ">";
    } else {
      line = "loa: ";
      line += level_name(level);
      line += ": ";
    }
    line += message;
    line += '\n';
    const std::lock_guard lock(mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  } catch (...) {
    // Out of memory while logging: nothing sensible is left to do.
  }
}

}  // namespace loa
