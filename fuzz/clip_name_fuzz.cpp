// Feeds arbitrary bytes as the clip names a control API client sends (POST /api/clips?name=,
// GET /api/clips/NAME, play-now): cleaning must never crash, and no name may reach a file outside
// the clips folder, whatever it holds.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "loa/clip_library.hpp"

namespace {

// A clips folder with a clip, next to a file that must stay out of reach.
const std::filesystem::path& folder() {
  static const std::filesystem::path clips = [] {
    const auto base =
        std::filesystem::temp_directory_path() / ("loa-fuzz-clips-" + std::to_string(::getpid()));
    std::filesystem::create_directories(base / "clips/sub");
    std::ofstream(base / "clips/a.wav") << "RIFF";
    std::ofstream(base / "clips/sub/b.mp3") << "ID3";
    std::ofstream(base / "secret.wav") << "RIFF";
    std::filesystem::create_symlink(base / "secret.wav", base / "clips/link.wav");
    return base / "clips";
  }();
  return clips;
}

bool inside(const std::filesystem::path& file) {
  const auto root = std::filesystem::weakly_canonical(folder()).string() + "/";
  return file.string().starts_with(root);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view name(reinterpret_cast<const char*>(data), size);
  std::string why;
  if (const auto cleaned = loa::clean_clip_name(name, why)) {
    if (cleaned->find('/') != std::string::npos || cleaned->starts_with(".")) std::abort();
    if (const auto file = loa::clip_file(folder(), *cleaned); file && !inside(*file)) std::abort();
  } else if (why.empty()) {
    std::abort();  // a refusal always says why
  }
  if (const auto file = loa::clip_file(folder(), name); file && !inside(*file)) std::abort();
  return 0;
}
