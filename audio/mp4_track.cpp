#include "mp4_track.hpp"

#include <sys/types.h>

#include <array>
#include <span>
#include <string_view>

namespace loa::detail {

namespace {

// Thrown inside this file only: the file is not the plain case (libavformat reads it).
struct Decline {};

// A 3-hour recording's index is about 6 MB; anything far larger is not a phone's clip.
constexpr std::uint64_t kMaxIndexBytes = 64U << 20U;
constexpr std::uint32_t kAacFrame = 1024;  // samples in an AAC-LC frame
constexpr std::uint32_t kUnityRate = 0x00010000;

// Big-endian reads within one box's bytes; reading past them declines.
class Bytes {
 public:
  explicit Bytes(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::uint64_t read(int width) {
    need(static_cast<std::size_t>(width));
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i) value = (value << 8U) | bytes_[at_++];
    return value;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(read(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(read(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(read(4)); }
  std::uint64_t u64() { return read(8); }
  void skip(std::size_t n) {
    need(n);
    at_ += n;
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    need(n);
    const auto part = bytes_.subspan(at_, n);
    at_ += n;
    return part;
  }
  std::size_t left() const { return bytes_.size() - at_; }

 private:
  void need(std::size_t n) const {
    if (n > left()) throw Decline{};
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

std::uint32_t fourcc(std::string_view name) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(name[0])) << 24U) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(name[1])) << 16U) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(name[2])) << 8U) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(name[3]));
}

// Calls visit(type, content) for each box within `parent` until it returns true; a box whose
// size does not add up declines.
template <typename Visit>
void each_box(std::span<const std::uint8_t> parent, Visit visit) {
  Bytes in(parent);
  while (in.left() >= 8) {
    std::uint64_t size = in.u32();
    const std::uint32_t type = in.u32();
    std::size_t header = 8;
    if (size == 1) {
      size = in.u64();
      header = 16;
    } else if (size == 0) {
      size = in.left() + header;
    }
    if (size < header || size - header > in.left()) throw Decline{};
    if (visit(type, in.take(static_cast<std::size_t>(size - header)))) return;
  }
}

// The first child box of `parent` named `name` (its content), or nullopt.
std::optional<std::span<const std::uint8_t>> child(std::span<const std::uint8_t> parent,
                                                   std::string_view name) {
  std::optional<std::span<const std::uint8_t>> found;
  each_box(parent, [&](std::uint32_t type, std::span<const std::uint8_t> content) {
    if (type == fourcc(name)) found = content;
    return found.has_value();
  });
  return found;
}

std::span<const std::uint8_t> need_child(std::span<const std::uint8_t> parent,
                                         std::string_view name) {
  auto found = child(parent, name);
  if (!found) throw Decline{};
  return *found;
}

// A full box's version (its flags skipped).
std::uint8_t version_of(Bytes& in) {
  const std::uint8_t version = in.u8();
  in.skip(3);
  if (version > 1) throw Decline{};
  return version;
}

// MPEG-4 descriptors (esds): a tag, then a length in up to four 7-bit bytes.
std::size_t descriptor(Bytes& in, std::uint8_t tag) {
  if (in.u8() != tag) throw Decline{};
  std::size_t length = 0;
  for (int i = 0; i < 4; ++i) {
    const std::uint8_t b = in.u8();
    length = (length << 7U) | (b & 0x7FU);
    if ((b & 0x80U) == 0) break;
  }
  if (length > in.left()) throw Decline{};
  return length;
}

// The AudioSpecificConfig of an AAC elementary stream descriptor.
std::vector<std::uint8_t> aac_config(std::span<const std::uint8_t> esds) {
  Bytes in(esds);
  version_of(in);
  descriptor(in, 0x03);
  in.skip(2);  // ES_ID
  const std::uint8_t flags = in.u8();
  if ((flags & 0x80U) != 0) in.skip(2);
  if ((flags & 0x40U) != 0) in.skip(in.u8());
  if ((flags & 0x20U) != 0) in.skip(2);
  descriptor(in, 0x04);
  const std::uint8_t object_type = in.u8();
  // MPEG-4 audio, or MPEG-2 AAC (main, LC, SSR).
  if (object_type != 0x40 && (object_type < 0x66 || object_type > 0x68)) throw Decline{};
  in.skip(12);  // stream type, buffer size, max and average bitrate
  const std::size_t length = descriptor(in, 0x05);
  if (length < 2 || length > 64) throw Decline{};
  const auto config = in.take(length);
  return {config.begin(), config.end()};
}

void read_sample_entry(std::span<const std::uint8_t> stsd, Mp4AudioTrack& track) {
  Bytes in(stsd);
  version_of(in);
  if (in.u32() < 1) throw Decline{};
  const std::uint32_t size = in.u32();
  if (in.u32() != fourcc("mp4a") || size < 36 || size - 8 > in.left()) throw Decline{};
  Bytes entry(in.take(size - 8));
  entry.skip(8);                          // reserved, data reference index
  if (entry.u16() != 0) throw Decline{};  // QuickTime's sound description v1/v2
  entry.skip(6);                          // revision, vendor
  track.channels = entry.u16();
  entry.skip(6);  // sample size, compression id, packet size
  track.rate = static_cast<int>(entry.u32() >> 16U);
  track.config = aac_config(need_child(entry.take(entry.left()), "esds"));
}

// Every sample lasts one AAC frame (the last may be shorter), and none is reordered: then
// libavformat's edit list handling drops exactly `priming` samples of the decoder's output.
void check_timing(std::span<const std::uint8_t> stbl, std::uint64_t samples) {
  if (child(stbl, "ctts")) throw Decline{};
  Bytes in(need_child(stbl, "stts"));
  version_of(in);
  const std::uint32_t entries = in.u32();
  std::uint64_t counted = 0;
  for (std::uint32_t i = 0; i < entries; ++i) {
    const std::uint32_t count = in.u32();
    const std::uint32_t delta = in.u32();
    counted += count;
    const bool last = i + 1 == entries && count == 1;
    if (delta != kAacFrame && !last) throw Decline{};
  }
  if (counted != samples) throw Decline{};
}

void read_sample_table(std::span<const std::uint8_t> stbl, Mp4AudioTrack& track,
                       std::uint64_t file_size) {
  read_sample_entry(need_child(stbl, "stsd"), track);

  Bytes sizes(need_child(stbl, "stsz"));
  version_of(sizes);
  const std::uint32_t fixed = sizes.u32();
  const std::uint32_t count = sizes.u32();
  // Counts within what the box and the file can hold (a forged count would allocate gigabytes).
  if (count == 0 || (fixed == 0 && count > sizes.left() / 4) ||
      (fixed != 0 && count > file_size / fixed)) {
    throw Decline{};
  }
  track.sizes.resize(count, fixed);
  if (fixed == 0) {
    for (auto& s : track.sizes) s = sizes.u32();
  }
  check_timing(stbl, count);

  std::vector<std::uint64_t> chunks;
  const bool wide = child(stbl, "co64").has_value();
  Bytes offsets(need_child(stbl, wide ? "co64" : "stco"));
  version_of(offsets);
  const std::uint32_t chunk_count = offsets.u32();
  if (chunk_count == 0 || chunk_count > offsets.left() / (wide ? 8 : 4)) throw Decline{};
  chunks.resize(chunk_count);
  for (auto& c : chunks) c = wide ? offsets.u64() : offsets.u32();

  Bytes runs(need_child(stbl, "stsc"));
  version_of(runs);
  const std::uint32_t run_count = runs.u32();
  if (run_count == 0 || run_count > runs.left() / 12) throw Decline{};
  struct Run {
    std::uint32_t first_chunk;
    std::uint32_t samples;
  };
  std::vector<Run> table(run_count);
  for (auto& r : table) {
    r.first_chunk = runs.u32();
    r.samples = runs.u32();
    runs.skip(4);  // sample description index
  }
  if (table.front().first_chunk != 1) throw Decline{};

  track.offsets.reserve(count);
  std::size_t sample = 0;
  for (std::size_t r = 0; r < table.size(); ++r) {
    const std::uint64_t end =
        r + 1 < table.size() ? table[r + 1].first_chunk : std::uint64_t{chunk_count} + 1;
    if (end <= table[r].first_chunk || end > std::uint64_t{chunk_count} + 1) throw Decline{};
    if (table[r].samples == 0) throw Decline{};
    for (std::uint64_t c = table[r].first_chunk; c < end; ++c) {
      std::uint64_t at = chunks[c - 1];
      for (std::uint32_t i = 0; i < table[r].samples; ++i) {
        if (sample == count) throw Decline{};
        // A sample past the file's end: a cut file, whose reason libavformat words.
        if (at > file_size || track.sizes[sample] > file_size - at) throw Decline{};
        track.offsets.push_back(at);
        at += track.sizes[sample++];
      }
    }
  }
  if (sample != count) throw Decline{};
}

// Priming and duration from the edit list: none, or one edit at normal speed.
void read_edits(std::span<const std::uint8_t> trak, std::uint32_t movie_timescale,
                std::uint64_t media_duration, Mp4AudioTrack& track) {
  track.duration = static_cast<std::int64_t>(media_duration);
  const auto edts = child(trak, "edts");
  if (!edts) return;
  const auto elst = child(*edts, "elst");
  if (!elst) return;
  Bytes in(*elst);
  const std::uint8_t version = version_of(in);
  const std::uint32_t entries = in.u32();
  if (entries == 0) return;
  if (entries != 1) throw Decline{};
  const std::uint64_t length = version == 1 ? in.u64() : in.u32();
  const auto start =
      static_cast<std::int64_t>(version == 1 ? in.u64() : static_cast<std::int32_t>(in.u32()));
  if (in.u32() != kUnityRate || start < 0 || length == 0 || movie_timescale == 0) {
    throw Decline{};
  }
  if (length > (std::uint64_t{1} << 40U)) throw Decline{};
  track.priming = start;
  // The edit's length in the track's timescale, rounded to the nearest as av_rescale does.
  track.duration =
      static_cast<std::int64_t>((length * track.timescale + movie_timescale / 2) / movie_timescale);
}

std::optional<Mp4AudioTrack> read_track(std::span<const std::uint8_t> trak,
                                        std::uint32_t movie_timescale, std::uint64_t file_size) {
  const auto mdia = need_child(trak, "mdia");
  Bytes handler(need_child(mdia, "hdlr"));
  handler.skip(8);  // version, flags, pre-defined
  if (handler.u32() != fourcc("soun")) return std::nullopt;

  Mp4AudioTrack track;
  Bytes header(need_child(mdia, "mdhd"));
  const std::uint8_t version = version_of(header);
  header.skip(version == 1 ? 16 : 8);  // creation and modification times
  track.timescale = header.u32();
  const std::uint64_t duration = version == 1 ? header.u64() : header.u32();
  if (track.timescale == 0 || duration == 0 || duration > (std::uint64_t{1} << 40U)) {
    throw Decline{};
  }

  read_sample_table(need_child(need_child(mdia, "minf"), "stbl"), track, file_size);
  if (track.rate != static_cast<int>(track.timescale) || track.channels < 1) throw Decline{};
  read_edits(trak, movie_timescale, duration, track);
  if (track.duration <= 0) throw Decline{};
  return track;
}

// The moov box's content, read into memory, or a decline.
std::vector<std::uint8_t> read_index(std::FILE* file, std::uint64_t size) {
  std::uint64_t at = 0;
  while (size - at >= 8) {
    std::array<std::uint8_t, 16> head{};
    if (::fseeko(file, static_cast<off_t>(at), SEEK_SET) != 0 ||
        std::fread(head.data(), 1, 8, file) != 8) {
      throw Decline{};
    }
    Bytes in(std::span<const std::uint8_t>(head.data(), 8));
    std::uint64_t box = in.u32();
    const std::uint32_t type = in.u32();
    std::uint64_t header = 8;
    if (box == 1) {
      if (std::fread(head.data() + 8, 1, 8, file) != 8) throw Decline{};
      Bytes wide(std::span<const std::uint8_t>(head.data() + 8, 8));
      box = wide.u64();
      header = 16;
    } else if (box == 0) {
      box = size - at;
    }
    if (box < header || box > size - at) throw Decline{};
    if (type == fourcc("moov")) {
      if (box - header > kMaxIndexBytes) throw Decline{};
      std::vector<std::uint8_t> index(static_cast<std::size_t>(box - header));
      if (std::fread(index.data(), 1, index.size(), file) != index.size()) throw Decline{};
      return index;
    }
    at += box;
  }
  throw Decline{};
}

}  // namespace

std::optional<Mp4AudioTrack> read_mp4_audio_track(std::FILE* file, std::uint64_t size) {
  try {
    const std::vector<std::uint8_t> index = read_index(file, size);
    const std::span<const std::uint8_t> moov(index);
    if (child(moov, "mvex")) return std::nullopt;  // fragmented: the samples are not in moov
    Bytes movie(need_child(moov, "mvhd"));
    const std::uint8_t version = version_of(movie);
    movie.skip(version == 1 ? 16 : 8);
    const std::uint32_t movie_timescale = movie.u32();
    // The first audio track, as libavformat's first audio stream.
    std::optional<Mp4AudioTrack> track;
    each_box(moov, [&](std::uint32_t type, std::span<const std::uint8_t> content) {
      if (type == fourcc("trak")) track = read_track(content, movie_timescale, size);
      return track.has_value();
    });
    return track;
  } catch (const Decline&) {
    return std::nullopt;
  } catch (const std::bad_alloc&) {
    return std::nullopt;
  }
}

}  // namespace loa::detail
