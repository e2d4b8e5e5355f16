#include "loa/house_cache.hpp"

#include <sys/stat.h>
#include <xxhash.h>

#include <array>
#include <charconv>
#include <chrono>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "clip_decoder.hpp"
#include "house_import.hpp"
#include "loa/clip_stream.hpp"

// A copy's file name: XXH64 of the clip's absolute path, a dash, XXH64 of its whole key (below),
// ".wav". The first part lets an import remove the clip's older copies; the second changes with
// anything that makes a copy wrong. Bump kVersion whenever what a copy holds changes (decoding,
// downmix, resampling).

namespace loa {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kVersion = "loa house v1: mono, soxr HQ, float32 WAV";

std::string hex(std::uint64_t value) {
  std::array<char, 16> text{};
  const auto end = std::to_chars(text.data(), text.data() + text.size(), value, 16).ptr;
  const std::string digits(text.data(), end);
  return std::string(16 - digits.size(), '0') + digits;
}

std::uint64_t hash(std::string_view text) {
  return XXH64(text.data(), text.size(), 0);
}

struct Names {
  std::string stem;  // the clip's path hash and a dash: every copy of this clip
  std::string name;  // the copy of the clip as it is now, at this rate
};

// None if the clip cannot be examined (it is then opened without the cache, which says why).
std::optional<Names> names_of(const fs::path& clip, int rate) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(clip, ec);
  if (ec) return std::nullopt;
  struct stat st {};
  if (::stat(absolute.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const std::string path = absolute.lexically_normal().string();
  std::string key(kVersion);
  for (const auto& field : {path, std::to_string(st.st_size), std::to_string(st.st_mtim.tv_sec),
                            std::to_string(st.st_mtim.tv_nsec), std::to_string(rate)}) {
    key += '\0';
    key += field;
  }
  Names names;
  names.stem = hex(hash(path)) + '-';
  names.name = names.stem + hex(hash(key)) + ".wav";
  return names;
}

// A clip read as it is costs no more than its copy would: lossless at the station rate.
bool worth_importing(const detail::ClipDecoder& decoder, int rate) {
  const std::string& format = decoder.format();
  const bool lossless = format == "WAV" || format == "FLAC" || format == "AIFF";
  return decoder.rate() != rate || !lossless;
}

}  // namespace

HouseCache::HouseCache(fs::path folder) : folder_(std::move(folder)) {
  // Temporary files of imports that a crash or a kill cut off; a day old, so that another process
  // importing right now keeps its own.
  try {
    std::error_code ec;
    const auto day_ago = fs::file_time_type::clock::now() - std::chrono::hours(24);
    for (const auto& entry : fs::directory_iterator(folder_, ec)) {
      if (entry.path().filename().string().starts_with(".import-") &&
          entry.last_write_time(ec) < day_ago && !ec) {
        fs::remove(entry.path(), ec);
      }
    }
  } catch (...) {  // out of memory: they stay, and take only disk
  }
}

std::optional<fs::path> HouseCache::copy_of(const fs::path& clip, int rate) const {
  if (folder_.empty()) return std::nullopt;
  const auto names = names_of(clip, rate);
  if (!names) return std::nullopt;
  fs::path copy = folder_ / names->name;
  std::error_code ec;
  if (!fs::is_regular_file(copy, ec)) return std::nullopt;
  return copy;
}

std::unique_ptr<MonoSource> HouseCache::open(const fs::path& clip, int rate, float gain) const {
  if (folder_.empty()) return open_clip_stream(clip, rate, gain);
  const auto names = names_of(clip, rate);
  if (!names) return open_clip_stream(clip, rate, gain);
  const fs::path copy = folder_ / names->name;
  std::error_code ec;
  if (fs::is_regular_file(copy, ec)) {
    auto from_copy = detail::open_decoder(copy);
    if (auto* d = std::get_if<std::unique_ptr<detail::ClipDecoder>>(&from_copy);
        d != nullptr && (*d)->rate() == rate && (*d)->channels() == 1) {
      return detail::stream_decoder(std::move(*d), rate, gain);
    }
    fs::remove(copy, ec);  // damaged (a power cut before it reached the disk): import it again
  }

  auto opened = detail::open_decoder(clip);
  if (auto* error = std::get_if<ClipError>(&opened)) throw ClipStreamError(error->reason);
  auto decoder = std::move(std::get<std::unique_ptr<detail::ClipDecoder>>(opened));
  if (!worth_importing(*decoder, rate))
    return detail::stream_decoder(std::move(decoder), rate, gain);
  return detail::import_while_reading(detail::stream_decoder(std::move(decoder), rate, 1.0F), gain,
                                      folder_, names->stem, names->name, rate);
}

void HouseCache::prepare(const fs::path& clip, int rate) const noexcept {
  try {
    if (folder_.empty() || copy_of(clip, rate)) return;
    if (!detail::decoded_by_helper(clip)) {
      detail::prepare_decoder_for(clip);
      return;
    }
    // Imported now, through the helper: on air it is then read from its copy, with no helper
    // process starting in the middle of a broadcast.
    auto source = open(clip, rate, 1.0F);
    std::vector<float> block(8192);
    while (source->read(block) == block.size()) {
    }
  } catch (...) {  // a clip that fails, or out of memory: airing it says why
  }
}

}  // namespace loa
