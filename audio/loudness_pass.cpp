#include "loa/loudness_pass.hpp"

#include <algorithm>
#include <exception>
#include <string>

namespace loa {

LoudnessPass::LoudnessPass(LoudnessCache& cache, std::vector<std::filesystem::path> clips)
    : cache_(cache), clips_(std::move(clips)), results_(clips_.size()) {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const auto count = std::min<std::size_t>(cores, clips_.size());
  for (std::size_t t = 0; t < count; ++t) threads_.emplace_back([this] { work(); });
}

LoudnessPass::~LoudnessPass() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (auto& thread : threads_) thread.join();
}

const LoudnessResult& LoudnessPass::result(std::size_t i) {
  std::unique_lock lock(mutex_);
  measured_.wait(lock, [&] { return results_.at(i).has_value(); });
  return *results_[i];
}

void LoudnessPass::work() {
  for (;;) {
    std::size_t i = 0;
    {
      const std::lock_guard lock(mutex_);
      if (stopping_ || next_ == clips_.size()) return;
      i = next_++;
    }
    LoudnessResult result = ClipError{};
    try {
      result = cache_.measure(clips_[i]);
    } catch (const std::exception& e) {  // out of memory: that clip's problem, not the pass's
      result = ClipError{std::string("cannot measure loudness: ") + e.what()};
    }
    {
      const std::lock_guard lock(mutex_);
      results_[i] = std::move(result);
    }
    measured_.notify_all();
  }
}

}  // namespace loa
