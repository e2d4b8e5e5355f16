#pragma once

#include <chrono>
#include <thread>

namespace loa::test {

// Polls `ready` every `every` until it holds or `timeout` passes; returns its last value. A
// `ready` that runs loa as a process wants a longer `every`.
template <class F>
bool wait_until(F ready, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every = std::chrono::milliseconds(10)) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= give_up) return ready();
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace loa::test
