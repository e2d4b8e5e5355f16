#include "clip_decoder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <system_error>

namespace loa::detail {

namespace {

namespace fs = std::filesystem;

constexpr int kMaxChannels = 64;
constexpr int kMinRate = 1'000;
constexpr int kMaxRate = 768'000;

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

enum class Kind { other, adts, mp4 };

// Reads up to `size` bytes at `offset`; the count read.
std::size_t read_at(int fd, unsigned char* data, std::size_t size, off_t offset) {
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::pread(fd, data + got, size - got, offset + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

// An ADTS frame header: a 12-bit sync and layer 00 (MPEG audio frames have layer 01 to 11).
bool adts_at(int fd, off_t offset) {
  std::array<unsigned char, 2> sync{};
  return read_at(fd, sync.data(), sync.size(), offset) == sync.size() && sync[0] == 0xFF &&
         (sync[1] & 0xF6) == 0xF0;
}

// What the first bytes say: an MP4 container (an "ftyp" box), AAC in ADTS frames (perhaps after
// an ID3v2 tag), or something else, left to libsndfile (MP3 included).
Kind sniff(int fd) {
  std::array<unsigned char, 10> head{};
  const std::size_t got = read_at(fd, head.data(), head.size(), 0);
  if (got >= 8 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
    return Kind::mp4;
  }
  if (got == head.size() && head[0] == 'I' && head[1] == 'D' && head[2] == '3') {
    // The tag's size: four 7-bit bytes, after the 10-byte header (and a 10-byte footer, flag 0x10).
    const off_t size = (off_t{head[6]} & 0x7F) << 21 | (off_t{head[7]} & 0x7F) << 14 |
                       (off_t{head[8]} & 0x7F) << 7 | (off_t{head[9]} & 0x7F);
    return adts_at(fd, 10 + size + ((head[5] & 0x10) != 0 ? 10 : 0)) ? Kind::adts : Kind::other;
  }
  return adts_at(fd, 0) ? Kind::adts : Kind::other;
}

struct Checked {
  Kind kind = Kind::other;
};

// Reasons starting "cannot read" depend on permissions or the system, not on the clip's content.
std::variant<Checked, ClipError> check_file(const fs::path& file) {
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (status.type() == fs::file_type::not_found) return clip_error("file not found");
  if (ec) return clip_error("cannot read: " + ec.message());
  if (fs::is_directory(status)) return clip_error("not a file but a folder");
  if (!fs::is_regular_file(status)) return clip_error("not a regular file");
  // Opening it ourselves tells "no permission" apart; the libraries only say "System error".
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return clip_error(error == EACCES ? "cannot read: permission denied"
                                      : "cannot read: " + errno_text(error));
  }
  const Kind kind = sniff(fd);
  ::close(fd);
  if (fs::file_size(file, ec) == 0 && !ec) return clip_error("empty (no audio)");
  return Checked{kind};
}

}  // namespace

bool decoded_by_helper(const fs::path& file) {
  if (!decoding_helper_set()) return false;
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const Kind kind = sniff(fd);
  ::close(fd);
  return kind != Kind::other;
}

void prepare_decoder_for(const fs::path& file) {
  if (decoding_helper_set()) return;  // FFmpeg is loaded by the helper, never here
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // opening it to air will say why
  const Kind kind = sniff(fd);
  ::close(fd);
  if (kind != Kind::other) prepare_decoder("M4A");
}

ClipError clip_error(std::string reason) {
  return ClipError{std::move(reason)};
}

std::string time_text(std::int64_t frames, int rate) {
  const double seconds = static_cast<double>(frames) / rate;
  std::array<char, 32> text{};
  if (seconds < 60) {
    std::snprintf(text.data(), text.size(), "%.3f s", seconds);
  } else {
    const auto minutes = static_cast<long long>(seconds / 60);
    std::snprintf(text.data(), text.size(), "%lld:%06.3f", minutes,
                  seconds - static_cast<double>(minutes) * 60);
  }
  return text.data();
}

std::optional<ClipError> check_shape(int channels, int rate) {
  if (channels < 1 || channels > kMaxChannels) {
    return clip_error("unsupported: " + std::to_string(channels) + " channels");
  }
  if (rate < kMinRate || rate > kMaxRate) {
    return clip_error("unsupported: sample rate " + std::to_string(rate) + " Hz");
  }
  return std::nullopt;
}

std::int64_t lossy_shortfall_tolerance(int rate, std::int64_t promised) {
  return std::max<std::int64_t>(rate / 10, promised / 100);
}

ClipError truncated_at(int rate, std::int64_t decoded, std::optional<std::int64_t> promised,
                       std::string_view why) {
  std::string reason = "truncated: audio stops at " + time_text(decoded, rate);
  if (promised) reason += " of " + time_text(*promised, rate);
  if (!why.empty()) reason += " (" + std::string(why) + ")";
  return clip_error(std::move(reason));
}

void downmix_interleaved(const float* in, std::size_t frames, std::size_t channels, float* mono) {
  if (channels == 1) {
    std::copy_n(in, frames, mono);
  } else if (channels == 2) {
    // Most clips are stereo: a loop the compiler vectorises, with the same result as below.
    for (std::size_t i = 0; i < frames; ++i) mono[i] = (in[2 * i] + in[2 * i + 1]) * 0.5f;
  } else {
    const float scale = 1.0f / static_cast<float>(channels);
    for (std::size_t i = 0; i < frames; ++i) {
      float sum = 0.0f;
      for (std::size_t c = 0; c < channels; ++c) sum += in[i * channels + c];
      mono[i] = sum * scale;
    }
  }
}

void downmix_planar(const float* const* planes, std::size_t offset, std::size_t frames,
                    std::size_t channels, float* mono) {
  if (channels == 1) {
    std::copy_n(planes[0] + offset, frames, mono);
  } else if (channels == 2) {
    const float* left = planes[0] + offset;
    const float* right = planes[1] + offset;
    for (std::size_t i = 0; i < frames; ++i) mono[i] = (left[i] + right[i]) * 0.5f;
  } else {
    // Channel by channel, in the order the interleaved sum adds them: the same result.
    std::copy_n(planes[0] + offset, frames, mono);
    for (std::size_t c = 1; c < channels; ++c) {
      const float* plane = planes[c] + offset;
      for (std::size_t i = 0; i < frames; ++i) mono[i] += plane[i];
    }
    const float scale = 1.0f / static_cast<float>(channels);
    for (std::size_t i = 0; i < frames; ++i) mono[i] *= scale;
  }
}

OpenedDecoder open_decoder(const fs::path& file) {
  auto checked = check_file(file);
  if (auto* error = std::get_if<ClipError>(&checked)) return std::move(*error);
  const Kind kind = std::get<Checked>(checked).kind;
  if (kind != Kind::other && decoding_helper_set()) return open_helper_decoder(file);
  if (kind != Kind::other) {
    if (auto opened = open_ffmpeg_decoder(file, kind == Kind::mp4)) return std::move(*opened);
  }
  return open_sndfile_decoder(file);
}

OpenedDecoder open_decoder_here(const fs::path& file) {
  auto checked = check_file(file);
  if (auto* error = std::get_if<ClipError>(&checked)) return std::move(*error);
  const Kind kind = std::get<Checked>(checked).kind;
  if (kind != Kind::other) {
    if (auto opened = open_ffmpeg_decoder(file, kind == Kind::mp4)) return std::move(*opened);
  }
  return open_sndfile_decoder(file);
}

}  // namespace loa::detail
