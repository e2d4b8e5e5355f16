#include "loa/probe_cache.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "cache_file.hpp"
#include "clip_decoder.hpp"
#include "parallel_files.hpp"

// The cache file, one clip a line, fields separated by tabs (mtime in nanoseconds since 1970):
//   path  size  mtime-ns  ok  frames  rate  channels  format
//   path  size  mtime-ns  error  reason
// Backslash, tab, newline and carriage return in text fields are written as \\ \t \n \r. Lines that
// do not parse are ignored; lines starting with '#' are comments.

namespace loa {

namespace {

namespace fs = std::filesystem;
using detail::parse_number;
using detail::split_tabs;
using detail::write_entries;

// v2: short Ogg files are no longer refused as cut off, so v1's verdicts are not reused.
// v3: AAC (M4A, ADTS) decodes, so v2's "not an audio file" for them is not reused.
constexpr std::string_view kHeader =
    "# loa clip probes v3: path, size, mtime ns, then ok frames rate channels format, or error "
    "reason";

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    switch (text[i]) {
      case '\\':
        out += '\\';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

// Size and modification time, as written in the file ("size<TAB>mtime-ns"); none if the clip
// cannot be examined (missing, not a file), which is then probed without the cache.
std::optional<std::string> key_of(const fs::path& clip) {
  std::error_code ec;
  const auto size = fs::file_size(clip, ec);
  if (ec) return std::nullopt;
  const auto mtime = fs::last_write_time(clip, ec);
  if (ec) return std::nullopt;
  // Unix time: file_clock's own epoch is the standard library's choice.
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::file_clock::to_sys(mtime).time_since_epoch());
  return std::to_string(size) + '\t' + std::to_string(ns.count());
}

std::string absolute_path(const fs::path& clip) {
  std::error_code ec;
  const auto absolute = fs::absolute(clip, ec);
  return (ec ? clip : absolute).lexically_normal().string();
}

// Errors about permissions or the system say nothing about the clip's content; caching them would
// hide a fix that leaves size and mtime alone (chmod).
bool worth_caching(const ProbeResult& result) {
  const auto* error = std::get_if<ClipError>(&result);
  return error == nullptr || !error->reason.starts_with("cannot read");
}

std::string format_line(const std::string& path, const std::string& key,
                        const ProbeResult& result) {
  std::string line = escape(path) + '\t' + key + '\t';
  if (const auto* info = std::get_if<ClipInfo>(&result)) {
    line += "ok\t" + std::to_string(info->frames) + '\t' + std::to_string(info->sample_rate) +
            '\t' + std::to_string(info->channels) + '\t' + escape(info->format);
  } else {
    line += "error\t" + escape(std::get<ClipError>(result).reason);
  }
  return line + '\n';
}

std::optional<ProbeResult> parse_result(const std::vector<std::string_view>& fields) {
  if (fields[3] == "error" && fields.size() == 5) {
    auto reason = unescape(fields[4]);
    if (!reason || reason->empty()) return std::nullopt;
    return ClipError{std::move(*reason)};
  }
  if (fields[3] != "ok" || fields.size() != 8) return std::nullopt;
  const auto frames = parse_number<std::int64_t>(fields[4]);
  const auto rate = parse_number<int>(fields[5]);
  const auto channels = parse_number<int>(fields[6]);
  auto format = unescape(fields[7]);
  if (!frames || !rate || !channels || !format || *frames <= 0 || *rate <= 0 || *channels <= 0) {
    return std::nullopt;
  }
  return ClipInfo{
      .frames = *frames, .sample_rate = *rate, .channels = *channels, .format = *format};
}

struct Line {
  std::string path;
  std::string key;
  ProbeResult result;
};

std::optional<Line> parse_line(std::string_view text) {
  const auto fields = split_tabs(text);
  if (fields.size() < 5) return std::nullopt;
  auto path = unescape(fields[0]);
  const auto size = parse_number<std::uintmax_t>(fields[1]);
  const auto mtime = parse_number<std::int64_t>(fields[2]);
  if (!path || path->empty() || !size || !mtime) return std::nullopt;
  auto result = parse_result(fields);
  if (!result) return std::nullopt;
  return Line{std::move(*path), std::to_string(*size) + '\t' + std::to_string(*mtime),
              std::move(*result)};
}

}  // namespace

ProbeCache::ProbeCache(std::filesystem::path file) : file_(std::move(file)) {
  if (file_.empty()) return;
  std::ifstream in(file_, std::ios::binary);
  std::string first;
  // Another version's verdicts may differ from this one's: probe again.
  if (!std::getline(in, first) || !first.starts_with(kHeader)) return;
  for (std::string text; std::getline(in, text);) {
    if (text.ends_with('\r')) text.pop_back();  // edited on Windows; ours escape \r
    if (text.empty() || text.front() == '#') continue;
    if (auto line = parse_line(text)) {
      entries_.insert_or_assign(std::move(line->path),
                                std::pair{std::move(line->key), std::move(line->result)});
    }
  }
}

ProbeResult ProbeCache::probe(const std::filesystem::path& clip) {
  const auto key = key_of(clip);
  const std::string path = absolute_path(clip);
  if (key) {
    std::optional<ProbeResult> hit;
    {
      const std::lock_guard lock(mutex_);
      const auto found = entries_.find(path);
      if (found != entries_.end() && found->second.first == *key) {
        ++hits_;
        hit = found->second.second;
      }
    }
    if (hit) return std::move(*hit);
  }
  // Decoding can take seconds; other threads keep using the cache meanwhile.
  ProbeResult result = probe_clip(clip);
  const std::lock_guard lock(mutex_);
  ++misses_;
  if (key && worth_caching(result)) {
    entries_.insert_or_assign(path, std::pair{*key, result});
    dirty_ = true;
  }
  return result;
}

std::vector<ProbeResult> ProbeCache::probe_all(const std::vector<std::filesystem::path>& clips) {
  std::vector<ProbeResult> results(clips.size(), ClipError{});
  detail::for_each_file_in_parallel(clips, [&](std::size_t i) {
    try {
      results[i] = probe(clips[i]);
    } catch (const std::exception& e) {  // out of memory: that clip's problem, not the batch's
      results[i] = ClipError{std::string("cannot read: ") + e.what()};
    }
  });
  return results;
}

bool ProbeCache::save() noexcept {
  try {
    const std::lock_guard lock(mutex_);
    if (!dirty_ || file_.empty()) return true;
    std::vector<std::string> lines;
    lines.reserve(entries_.size());
    for (const auto& [path, entry] : entries_) {
      lines.push_back(format_line(path, entry.first, entry.second));
    }
    if (!write_entries(file_, kHeader, std::move(lines))) return false;
    dirty_ = false;
    return true;
  } catch (...) {
    return false;
  }
}

std::size_t ProbeCache::hits() const {
  const std::lock_guard lock(mutex_);
  return hits_;
}

std::size_t ProbeCache::misses() const {
  const std::lock_guard lock(mutex_);
  return misses_;
}

}  // namespace loa
