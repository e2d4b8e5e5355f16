#pragma once
// Logged-in people: sessions opened by POST /api/login, found by the loa_session cookie.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "loa/accounts.hpp"

namespace loa {

struct Session {
  std::string id;    // 64 hex chars from randombytes_buf (32 bytes)
  std::string csrf;  // another 64 hex chars
  Account account;
};

// Logged-in people, in memory only (a restart logs everyone out). Thread-safe. A session ends
// after `idle` without use or on remove(). Throws std::runtime_error only if libsodium cannot
// start.
class SessionTable {
 public:
  explicit SessionTable(std::chrono::seconds idle = std::chrono::hours(12),
                        std::size_t max_sessions = 1000);

  // Drops the least recently used session when full.
  Session create(const Account& a);
  // The session with this id, refreshing its idle time; nullopt if unknown or expired. A plain
  // map lookup: the id is long and random, so it cannot be guessed by timing.
  std::optional<Session> find(std::string_view id);
  void remove(std::string_view id);
  // All sessions of that account (the user was removed or changed).
  void remove_account(std::string_view name);
  // For tests: pretend `by` has passed.
  void advance_for_test(std::chrono::seconds by);

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Session session;
    Clock::time_point used;
  };
  Clock::time_point now() const { return Clock::now() + skew_; }

  std::mutex mutex_;  // guards everything below
  std::chrono::seconds idle_;
  std::size_t max_sessions_;
  Clock::duration skew_{};
  std::unordered_map<std::string, Entry> sessions_;
};

// Compares two secrets in constant time for equal lengths (sodium_memcmp); false when lengths
// differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace loa
