#pragma once

#include <chrono>
#include <thread>

namespace loa::test {

// Polls `ready` every 10 ms until it holds or `timeout` passes; returns its last value.
template <class F>
bool wait_until(F ready, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= give_up) return ready();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace loa::test
