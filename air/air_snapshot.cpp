#include "loa/air_snapshot.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>

namespace loa {

std::string station_version(const std::vector<std::filesystem::path>& files) {
  // FNV-1a over names and contents: not for security, only to tell versions apart.
  std::uint64_t h = 1469598103934665603ULL;
  const auto mix = [&h](char c) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  };
  for (const auto& f : files) {
    for (char c : f.string()) mix(c);
    mix('\0');
    std::ifstream in(f, std::ios::binary);
    char buffer[8192];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      for (std::streamsize i = 0; i < in.gcount(); ++i) mix(buffer[i]);
    }
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

}  // namespace loa
