#include "loa/sessions.hpp"

#include <algorithm>

#include "sodium_init.hpp"

namespace loa {

namespace {

constexpr std::size_t kSecretBytes = 32;

}  // namespace

SessionTable::SessionTable(std::chrono::seconds idle, std::size_t max_sessions)
    : idle_(idle), max_sessions_(std::max<std::size_t>(max_sessions, 1)) {
  ensure_sodium();
}

Session SessionTable::create(const Account& a) {
  Session s{random_hex(kSecretBytes), random_hex(kSecretBytes), a};
  std::lock_guard lock(mutex_);
  const auto t = now();
  std::erase_if(sessions_, [&](const auto& e) { return t - e.second.used >= idle_; });
  if (sessions_.size() >= max_sessions_) {
    // A linear scan: creating sessions is rare (a login, each hashed for a good part of a second).
    sessions_.erase(
        std::ranges::min_element(sessions_, {}, [](const auto& e) { return e.second.used; }));
  }
  sessions_.emplace(s.id, Entry{s, t});
  return s;
}

std::optional<Session> SessionTable::find(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  const auto t = now();
  if (t - it->second.used >= idle_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.used = t;
  return it->second.session;
}

void SessionTable::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(std::string(id));
}

void SessionTable::remove_account(std::string_view name) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& e) { return e.second.session.account.name == name; });
}

void SessionTable::advance_for_test(std::chrono::seconds by) {
  std::lock_guard lock(mutex_);
  skew_ += by;
}

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  ensure_sodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace loa
