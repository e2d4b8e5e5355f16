#pragma once

#include <filesystem>
#include <string>

namespace loa {

struct RenderArgs {
  std::filesystem::path config;
  std::string from;
  std::string to;
  std::filesystem::path out;
  std::filesystem::path as_run;  // empty: none
};

// `loa render`: what the air output carries in a window, by the same planner and mixer as on air,
// as fast as the machine allows, into a 16-bit WAV at the station's rate.
int run_render(const RenderArgs& args);

}  // namespace loa
