#include "loa/air_output.hpp"

#include <stdexcept>

namespace loa {

AirOutput::AirOutput(const std::string& spec, int rate, int channels) : spec_(spec) {
  if (spec.starts_with("wav:")) {
    kind_ = Kind::wav;
    sink_ = open_wav_sink(spec.substr(4), rate, channels, true);
  } else if (spec == "null") {
    kind_ = Kind::null;
    sink_ = open_null_sink(rate, channels, false);
  } else {
    kind_ = Kind::device;
    auto device = std::make_unique<PortAudioSink>(spec, rate, channels);
    device_ = device.get();
    sink_ = std::move(device);
  }
}

AirOutput::~AirOutput() = default;

void AirOutput::write(std::span<const float> interleaved) {
  sink_->write(interleaved);
  written_ += static_cast<std::int64_t>(interleaved.size()) / sink_->channels();
}

std::optional<UtcTime> AirOutput::heard_at_frame(std::int64_t& frame) const {
  if (device_ == nullptr) return std::nullopt;
  const auto clock = device_->frame_clock();
  if (!clock) return std::nullopt;
  frame = static_cast<std::int64_t>(clock->frame);
  // Carry the steady-clock instant over to the system clock, both read now.
  const auto steady_now = std::chrono::steady_clock::now();
  const auto system_now = std::chrono::system_clock::now();
  return std::chrono::time_point_cast<Micros>(system_now + (clock->dac - steady_now));
}

void AirOutput::finish() {
  sink_->drain();
}

}  // namespace loa
