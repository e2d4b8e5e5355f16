#include <chrono>
#include <thread>

#include "loa/sink.hpp"

namespace loa {

namespace {

class NullSink final : public Sink {
 public:
  NullSink(int rate, int channels, bool paced) : rate_(rate), channels_(channels), paced_(paced) {}

  int channels() const override { return channels_; }
  int rate() const override { return rate_; }

  // Paced: sleeps until the audio written so far would have played, on an absolute deadline so
  // that sleeping late never accumulates.
  void write(std::span<const float> interleaved) override {
    frames_ += interleaved.size() / static_cast<std::size_t>(channels_);
    if (!paced_) return;
    if (frames_ == interleaved.size() / static_cast<std::size_t>(channels_)) start_ = Clock::now();
    const auto due =
        start_ + std::chrono::duration_cast<Clock::duration>(
                     std::chrono::duration<double>(static_cast<double>(frames_) / rate_));
    std::this_thread::sleep_until(due);
  }

  void drain() override {}

 private:
  using Clock = std::chrono::steady_clock;
  int rate_;
  int channels_;
  bool paced_;
  std::uint64_t frames_ = 0;
  Clock::time_point start_;
};

}  // namespace

std::unique_ptr<Sink> open_null_sink(int rate, int channels, bool paced) {
  return std::make_unique<NullSink>(rate, channels, paced);
}

}  // namespace loa
