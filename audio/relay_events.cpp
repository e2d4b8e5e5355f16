#include "loa/relay.hpp"

namespace loa {

const char* relay_event_name(RelayEvent::Kind kind) {
  switch (kind) {
    case RelayEvent::Kind::connected:
      return "connected";
    case RelayEvent::Kind::lost:
      return "lost";
    case RelayEvent::Kind::reconnecting:
      return "reconnecting";
    case RelayEvent::Kind::warning:
      return "warning";
    case RelayEvent::Kind::dead_air_started:
      return "dead_air_started";
    case RelayEvent::Kind::dead_air_ended:
      return "dead_air_ended";
    case RelayEvent::Kind::ended:
      return "ended";
  }
  return "unknown";
}

void RelayEvents::push(RelayEvent event) {
  event.when = std::chrono::system_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (events_.size() >= capacity_) {
      events_.pop_front();
      ++dropped_;
    }
    events_.push_back(std::move(event));
  }
  pushed_.notify_all();
}

std::vector<RelayEvent> RelayEvents::drain() {
  std::lock_guard lock(mutex_);
  std::vector<RelayEvent> out(std::make_move_iterator(events_.begin()),
                              std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

bool RelayEvents::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return pushed_.wait_for(lock, timeout, [&] { return !events_.empty(); });
}

std::size_t RelayEvents::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace loa
