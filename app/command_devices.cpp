#include "command_devices.hpp"

#include <algorithm>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.hpp"
#include "loa/portaudio_output.hpp"

namespace loa {
namespace {

// Characters as a terminal shows them (UTF-8 code points; device names may be in any language).
std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t width, bool right = false) {
  const std::size_t w = display_width(s);
  const std::string fill(w < width ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

int run_devices() {
  std::vector<AudioDevice> devices;
  try {
    devices = list_audio_devices();
  } catch (const std::exception& e) {
    std::cerr << "loa devices: " << e.what() << '\n';
    return kExitInvalid;
  }
  if (devices.empty()) {
    std::cout << "No audio devices: is a sound card connected, or a JACK server running?\n";
    return kExitOk;
  }

  const std::vector<std::string> head{"#", "Device", "Host API", "Out", "In", "Rate", "Default"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : devices) {
    std::string def;
    if (d.default_output) def = "output";
    if (d.default_input) def += def.empty() ? "input" : ", input";
    rows.push_back({std::to_string(d.index), d.name, d.host_api,
                    std::to_string(d.max_output_channels), std::to_string(d.max_input_channels),
                    std::to_string(static_cast<long>(d.default_rate)), def});
  }
  std::vector<std::size_t> width(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) {
    width[c] = display_width(head[c]);
    for (const auto& r : rows) width[c] = std::max(width[c], display_width(r[c]));
  }
  // Numbers to the right, words to the left.
  const std::vector<bool> right{true, false, false, true, true, true, false};
  auto print = [&](const std::vector<std::string>& r) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      const bool last = c + 1 == r.size();
      line += last ? r[c] : pad(r[c], width[c], right[c]);
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << '\n';
  };
  print(head);
  for (const auto& r : rows) print(r);
  std::cout << "\nOut/In: channels. Choose an output with --device (loa play) or audio.output and "
               "audio.preview (station file): its number or exact name, \"default\", or \"jack\" "
               "(the JACK server's default output).\n";
  return kExitOk;
}

}  // namespace loa
