#include "loa/input_device.hpp"

namespace loa {

std::optional<AudioDevice> find_input_device(const std::string& device, std::string& why) {
  PortAudioSession session;
  const int index = portaudio_detail::resolve_input(device, why);
  if (index < 0) return std::nullopt;
  for (auto& d : portaudio_detail::devices()) {
    if (d.index == index) return d;
  }
  why = "it disappeared while it was looked up";
  return std::nullopt;
}

}  // namespace loa
