#include "loa/login_throttle.hpp"

#include <algorithm>

namespace loa {

namespace {

constexpr int kFreeFailures = 3;
constexpr std::chrono::seconds kFirstWait{2};
constexpr std::chrono::seconds kMaxWait{300};
constexpr std::size_t kMaxAddresses = 10000;

// The wait after the `failures`th consecutive failure.
std::chrono::seconds wait_after(int failures) {
  if (failures < kFreeFailures) return std::chrono::seconds(0);
  const int doublings = std::min(failures - kFreeFailures, 16);  // 2 s << 16 is past the cap
  return std::min(kFirstWait * (1 << doublings), kMaxWait);
}

}  // namespace

std::optional<std::chrono::seconds> LoginThrottle::refused(const std::string& address,
                                                           Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(address);
  if (it == entries_.end() || now >= it->second.until) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(it->second.until - now);
}

void LoginThrottle::failed(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(address);
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxAddresses) {
      entries_.erase(oldest_.front());
      oldest_.pop_front();
    }
    it = entries_.emplace(address, Entry{}).first;
    it->second.age = oldest_.insert(oldest_.end(), address);
  } else {
    oldest_.splice(oldest_.end(), oldest_, it->second.age);
  }
  Entry& e = it->second;
  e.failures = std::min(e.failures + 1, 1000);
  e.until = now + wait_after(e.failures);
}

void LoginThrottle::succeeded(const std::string& address) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(address);
  if (it == entries_.end()) return;
  oldest_.erase(it->second.age);
  entries_.erase(it);
}

}  // namespace loa
