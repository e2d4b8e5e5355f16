#pragma once

#include <filesystem>
#include <string>

namespace loa {

struct SayArgs {
  std::filesystem::path config;
  std::string text;
  std::filesystem::path out;  // empty: play on the preview device
  std::string device;         // empty: the station's audio.preview
};

// `loa say`: speaks a notice with the station's voice (audio.speech) through the same cache as
// say items, then writes it to --out or plays it as `loa play` does. 0; 1 if the station or the
// text has a mistake or the device failed; 2 for usage.
int run_say(const SayArgs& args);

}  // namespace loa
