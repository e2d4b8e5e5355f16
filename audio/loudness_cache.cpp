#include <xxhash.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "cache_file.hpp"
#include "loa/loudness.hpp"
#include "parallel_files.hpp"

// The cache file, one clip a line, fields separated by tabs:
//   hash  lufs  peak-dbfs  frames  rate  channels
// hash is the XXH64 (seed 0) of the clip's bytes as 16 lowercase hex digits; numbers are written
// in the shortest form that reads back exactly. Lines that do not parse are ignored; lines starting
// with '#' are comments. Only measurements are kept: a clip that failed is measured again.

namespace loa {

namespace {

namespace fs = std::filesystem;
using detail::parse_number;
using detail::split_tabs;
using detail::write_entries;

constexpr std::string_view kHeader =
    "# loa loudness v3: xxh64 of the clip's bytes, integrated LUFS, true peak dBTP, frames, rate, "
    "channels";
constexpr std::size_t kHashBlock = 64 * 1024;

struct XxhDeleter {
  void operator()(XXH64_state_t* state) const { XXH64_freeState(state); }
};

// The clip's content key; none if it cannot be read (it is then measured without the cache, which
// reports why). Reads the whole file, but hashing runs far faster than the disk and the decoder.
std::optional<std::uint64_t> hash_file(const fs::path& clip) {
  std::ifstream in(clip, std::ios::binary);
  if (!in) return std::nullopt;
  const std::unique_ptr<XXH64_state_t, XxhDeleter> state(XXH64_createState());
  if (!state || XXH64_reset(state.get(), 0) != XXH_OK) return std::nullopt;
  std::vector<char> block(kHashBlock);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n > 0 && XXH64_update(state.get(), block.data(), n) != XXH_OK) return std::nullopt;
  }
  if (in.bad()) return std::nullopt;
  return XXH64_digest(state.get());
}

template <class T>
std::string number_text(T value, int base = 10) {
  std::array<char, 32> text{};
  std::to_chars_result result{};
  if constexpr (std::is_floating_point_v<T>) {
    result = std::to_chars(text.data(), text.data() + text.size(), value);
  } else {
    result = std::to_chars(text.data(), text.data() + text.size(), value, base);
  }
  return std::string(text.data(), result.ptr);
}

std::string hash_text(std::uint64_t hash) {
  std::string hex = number_text(hash, 16);
  return std::string(16 - hex.size(), '0') + hex;
}

bool plausible(const Loudness& l) {
  return std::isfinite(l.integrated_lufs) && std::isfinite(l.peak_dbfs) && l.frames > 0 &&
         l.sample_rate > 0 && l.channels > 0;
}

std::optional<std::pair<std::uint64_t, Loudness>> parse_line(std::string_view line) {
  const auto fields = split_tabs(line);
  if (fields.size() != 6 || fields[0].size() != 16) return std::nullopt;
  const auto hash = parse_number<std::uint64_t>(fields[0], 16);
  const auto lufs = parse_number<double>(fields[1]);
  const auto peak = parse_number<double>(fields[2]);
  const auto frames = parse_number<std::int64_t>(fields[3]);
  const auto rate = parse_number<int>(fields[4]);
  const auto channels = parse_number<int>(fields[5]);
  if (!hash || !lufs || !peak || !frames || !rate || !channels) return std::nullopt;
  const Loudness l{.integrated_lufs = *lufs,
                   .peak_dbfs = *peak,
                   .frames = *frames,
                   .sample_rate = *rate,
                   .channels = *channels};
  if (!plausible(l)) return std::nullopt;
  return std::pair{*hash, l};
}

std::string format_line(std::uint64_t hash, const Loudness& l) {
  return hash_text(hash) + '\t' + number_text(l.integrated_lufs) + '\t' + number_text(l.peak_dbfs) +
         '\t' + number_text(l.frames) + '\t' + number_text(l.sample_rate) + '\t' +
         number_text(l.channels) + '\n';
}

}  // namespace

LoudnessCache::LoudnessCache(std::filesystem::path file) : file_(std::move(file)) {
  if (file_.empty()) return;
  std::ifstream in(file_, std::ios::binary);
  std::string first;
  // A cache written by another version measured differently: start afresh.
  if (!std::getline(in, first) || first.rfind(kHeader, 0) != 0) return;
  for (std::string text; std::getline(in, text);) {
    if (text.ends_with('\r')) text.pop_back();
    if (text.empty() || text.front() == '#') continue;
    if (auto entry = parse_line(text)) entries_.insert_or_assign(entry->first, entry->second);
  }
}

LoudnessResult LoudnessCache::measure(const std::filesystem::path& clip) {
  const auto hash = hash_file(clip);
  if (hash) {
    const std::lock_guard lock(mutex_);
    if (const auto found = entries_.find(*hash); found != entries_.end()) {
      ++hits_;
      return found->second;
    }
  }
  // Decoding takes a while; other threads keep using the cache meanwhile.
  LoudnessResult result = measure_loudness(clip);
  const std::lock_guard lock(mutex_);
  ++misses_;
  if (const auto* l = std::get_if<Loudness>(&result); hash && l != nullptr) {
    entries_.insert_or_assign(*hash, *l);
    dirty_ = true;
  }
  return result;
}

std::vector<LoudnessResult> LoudnessCache::measure_all(
    const std::vector<std::filesystem::path>& clips) {
  std::vector<LoudnessResult> results(clips.size(), ClipError{});
  detail::for_each_file_in_parallel(clips, [&](std::size_t i) {
    try {
      results[i] = measure(clips[i]);
    } catch (const std::exception& e) {  // out of memory: that clip's problem, not the batch's
      results[i] = ClipError{std::string("cannot measure loudness: ") + e.what()};
    }
  });
  return results;
}

bool LoudnessCache::save() noexcept {
  try {
    const std::lock_guard lock(mutex_);
    if (!dirty_ || file_.empty()) return true;
    std::vector<std::string> lines;
    lines.reserve(entries_.size());
    for (const auto& [hash, l] : entries_) lines.push_back(format_line(hash, l));
    if (!write_entries(file_, kHeader, std::move(lines))) return false;
    dirty_ = false;
    return true;
  } catch (...) {
    return false;
  }
}

std::size_t LoudnessCache::hits() const {
  const std::lock_guard lock(mutex_);
  return hits_;
}

std::size_t LoudnessCache::misses() const {
  const std::lock_guard lock(mutex_);
  return misses_;
}

}  // namespace loa
