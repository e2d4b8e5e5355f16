#pragma once

#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "loa/loudness.hpp"

namespace loa {

// Measures clips through a LoudnessCache on background threads, in the order given (the order a
// render first plays them), while the caller goes on; result(i) waits for clip i only. So a cold
// render starts mixing at once and measures the clips it plays later on the cores its decoding
// leaves free, instead of measuring them all first.
// result() may be called from any thread; the destructor waits for the measurements under way and
// drops the rest.
class LoudnessPass {
 public:
  LoudnessPass(LoudnessCache& cache, std::vector<std::filesystem::path> clips);
  ~LoudnessPass();
  LoudnessPass(const LoudnessPass&) = delete;
  LoudnessPass& operator=(const LoudnessPass&) = delete;

  // Clip i's measurement (or why it failed), once measured.
  const LoudnessResult& result(std::size_t i);

 private:
  void work();

  LoudnessCache& cache_;
  std::vector<std::filesystem::path> clips_;
  std::vector<std::optional<LoudnessResult>> results_;
  std::size_t next_ = 0;
  bool stopping_ = false;
  std::mutex mutex_;
  std::condition_variable measured_;
  std::vector<std::thread> threads_;
};

}  // namespace loa
