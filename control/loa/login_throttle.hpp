#pragma once
// Slowing down password guessing, per client address.

#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace loa {

// Slows down password guessing per client address without ever sleeping in a server thread:
// after 3 consecutive failures from an address, each further attempt is refused for a wait that
// doubles with each failure: 2 s, 4 s, 8 s ... capped at 300 s. A success clears the address.
// Remembers at most 10000 addresses (forgets the one that failed longest ago). Thread-safe.
// Time is passed in (steady clock).
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  // How long this address must still wait (whole seconds, rounded up, for Retry-After), or
  // nullopt if it may try now.
  std::optional<std::chrono::seconds> refused(const std::string& address, Clock::time_point now);
  void failed(const std::string& address, Clock::time_point now);
  void succeeded(const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point until;  // refused before this
    std::list<std::string>::iterator age;
  };

  std::mutex mutex_;               // guards everything below
  std::list<std::string> oldest_;  // addresses, the one that failed longest ago first
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace loa
