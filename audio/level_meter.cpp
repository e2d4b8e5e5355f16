#include "loa/level_meter.hpp"

#include <algorithm>
#include <cmath>

namespace loa {

namespace {

double dbfs(double amplitude) {
  return amplitude > 0 ? std::max(kSilentDbfs, 20.0 * std::log10(amplitude)) : kSilentDbfs;
}

}  // namespace

void LevelMeter::watch(int channel, int channels, std::size_t window) {
  if (channel == channel_ && channels == channels_ && window == window_) return;
  channel_ = channel < channels ? channel : -1;
  channels_ = std::max(channels, 1);
  window_ = std::max<std::size_t>(window, 1);
  frames_ = 0;
  peak_ = 0;
  squares_ = 0;
  level_.reset();
  windows_ = 0;
}

void LevelMeter::add(std::span<const float> block) {
  if (channel_ < 0) return;
  const auto step = static_cast<std::size_t>(channels_);
  for (std::size_t i = static_cast<std::size_t>(channel_); i < block.size(); i += step) {
    const float x = block[i];
    peak_ = std::max(peak_, std::fabs(x));
    squares_ += static_cast<double>(x) * x;
    if (++frames_ < window_) continue;
    level_ = AirLevel{dbfs(peak_), dbfs(std::sqrt(squares_ / static_cast<double>(frames_)))};
    ++windows_;
    frames_ = 0;
    peak_ = 0;
    squares_ = 0;
  }
}

}  // namespace loa
