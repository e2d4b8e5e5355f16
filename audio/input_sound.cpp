#include "loa/input_sound.hpp"

#include <stdexcept>

#include "input_reader.hpp"
#include "live_stream.hpp"

namespace loa {

std::unique_ptr<MonoSource> open_input(const InputSound& input, int rate, float gain) {
  if (rate <= 0) throw std::invalid_argument("output sample rate must be positive");
  if (input.channel < 1) {
    throw std::invalid_argument("an input's channel counts from 1: " +
                                std::to_string(input.channel));
  }
  return detail::open_live_stream(input.frames, input.settings, input.events, rate, gain,
                                  [&](std::shared_ptr<detail::RelayLink> link, float stream_gain) {
                                    return detail::start_input_reader(std::move(link), input, rate,
                                                                      stream_gain);
                                  });
}

}  // namespace loa
