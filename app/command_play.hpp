#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace loa {

struct PlayArgs {
  std::string device;            // empty: audio.preview of the station, or "default"
  std::filesystem::path config;  // empty: no station (48 kHz, -16 LUFS)
  bool no_normalize = false;
  std::vector<std::filesystem::path> clips;
  std::vector<std::string> names;  // how each clip is shown, if not by its path (loa say)
};

// `loa play`: plays clips on the preview device, never on the air output. 0; 1 if a clip could not
// be played or the device failed; 130 / 143 when stopped by SIGINT / SIGTERM.
int run_play(const PlayArgs& args);

}  // namespace loa
