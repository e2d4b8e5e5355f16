#include "loa/clip_probe.hpp"

#include <vector>

#include "clip_decoder.hpp"

namespace loa {

std::chrono::microseconds ClipInfo::duration() const {
  if (sample_rate <= 0 || frames <= 0) return std::chrono::microseconds{0};
  // Split into whole seconds and the rest so frames * 1'000'000 cannot overflow.
  const std::int64_t rate = sample_rate;
  const std::int64_t rest = ((frames % rate) * 1'000'000 + rate / 2) / rate;
  return std::chrono::microseconds{frames / rate * 1'000'000 + rest};
}

ProbeResult probe_clip(const std::filesystem::path& file) {
  auto opened = detail::open_decoder(file);
  if (auto* error = std::get_if<ClipError>(&opened)) return std::move(*error);
  auto& decoder = *std::get<std::unique_ptr<detail::ClipDecoder>>(opened);

  std::vector<float> block(8192);
  while (decoder.read(block) == block.size()) {
  }
  if (auto error = decoder.verdict()) return *error;
  if (decoder.decoded() == 0) return ClipError{"empty (no audio)"};
  return ClipInfo{.frames = decoder.decoded(),
                  .sample_rate = decoder.rate(),
                  .channels = decoder.channels(),
                  .format = decoder.format()};
}

}  // namespace loa
