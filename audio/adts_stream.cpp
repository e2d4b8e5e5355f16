#include "adts_stream.hpp"

#include <sys/types.h>

#include <array>

namespace loa::detail {

namespace {

constexpr std::array<int, 13> kRates = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                        22050, 16000, 12000, 11025, 8000,  7350};

// Where the audio starts: after an ID3v2 tag (10 bytes, a synchsafe size, a footer if flagged).
std::optional<std::uint64_t> after_id3v2(std::FILE* file, std::uint64_t size) {
  std::array<std::uint8_t, 10> tag{};
  if (size < tag.size() || std::fread(tag.data(), 1, tag.size(), file) != tag.size()) return 0;
  if (tag[0] != 'I' || tag[1] != 'D' || tag[2] != '3') return 0;
  std::uint64_t length = 0;
  for (int i = 6; i < 10; ++i) {
    if ((tag[static_cast<std::size_t>(i)] & 0x80U) != 0) return std::nullopt;
    length = (length << 7U) | tag[static_cast<std::size_t>(i)];
  }
  const bool footer = (tag[5] & 0x10U) != 0;
  return 10 + length + (footer ? 10 : 0);
}

}  // namespace

std::uint32_t adts_frame_length(const std::uint8_t* h) {
  // Sync word, MPEG layer 0.
  if (h[0] != 0xFF || (h[1] & 0xF6U) != 0xF0) return 0;
  const std::uint32_t length = ((h[3] & 0x03U) << 11U) | (h[4] << 3U) | (h[5] >> 5U);
  const std::uint32_t header = (h[1] & 0x01U) != 0 ? 7 : 9;
  return length > header ? length : 0;
}

std::optional<AdtsStream> scan_adts(std::FILE* file, std::uint64_t size) {
  if (::fseeko(file, 0, SEEK_SET) != 0) return std::nullopt;
  const auto start = after_id3v2(file, size);
  if (!start || *start >= size) return std::nullopt;
  AdtsStream stream;
  stream.start = *start;
  int layout = -1;
  int rate_index = -1;
  std::uint64_t at = *start;
  while (at < size) {
    std::array<std::uint8_t, kAdtsHeader> h{};
    if (size - at < h.size() || ::fseeko(file, static_cast<off_t>(at), SEEK_SET) != 0 ||
        std::fread(h.data(), 1, h.size(), file) != h.size()) {
      return std::nullopt;
    }
    const std::uint32_t length = adts_frame_length(h.data());
    const int this_rate = (h[2] >> 2U) & 0x0FU;
    const int this_layout = ((h[2] & 0x01U) << 2U) | (h[3] >> 6U);
    if (length == 0 || length > size - at || this_rate >= static_cast<int>(kRates.size()) ||
        this_layout == 0) {
      return std::nullopt;
    }
    if (rate_index < 0) {
      rate_index = this_rate;
      layout = this_layout;
    } else if (this_rate != rate_index || this_layout != layout) {
      return std::nullopt;
    }
    ++stream.frames;
    at += length;
  }
  stream.rate = kRates[static_cast<std::size_t>(rate_index)];
  return stream;
}

}  // namespace loa::detail
