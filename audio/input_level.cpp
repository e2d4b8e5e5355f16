#include "loa/input_level.hpp"

#include <bit>

namespace loa {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStale = std::chrono::milliseconds(500);

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

}  // namespace

void InputLevel::add(std::span<const float> samples, int rate) {
  meter_.watch(0, 1, static_cast<std::size_t>(rate / 10));
  const std::uint64_t before = meter_.windows();
  meter_.add(samples);
  if (meter_.windows() == before || !meter_.level()) return;
  const auto peak = std::bit_cast<std::uint32_t>(static_cast<float>(meter_.level()->peak_dbfs));
  const auto rms = std::bit_cast<std::uint32_t>(static_cast<float>(meter_.level()->rms_dbfs));
  level_.store((std::uint64_t{peak} << 32U) | rms, std::memory_order_relaxed);
  full_at_.store(now_ns(), std::memory_order_release);
}

std::optional<AirLevel> InputLevel::latest() const {
  const std::int64_t at = full_at_.load(std::memory_order_acquire);
  if (at == 0 || now_ns() - at > std::chrono::nanoseconds(kStale).count()) return std::nullopt;
  const std::uint64_t both = level_.load(std::memory_order_relaxed);
  return AirLevel{std::bit_cast<float>(static_cast<std::uint32_t>(both >> 32U)),
                  std::bit_cast<float>(static_cast<std::uint32_t>(both & 0xFFFFFFFFU))};
}

}  // namespace loa
