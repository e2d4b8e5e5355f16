#include <sndfile.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "clip_decoder.hpp"

// What libsndfile 1.2.0 does with a clip that was cut off (a full disk, an aborted copy), and so
// what probe_clip can report as "truncated":
//
// - WAV (and AIFF, W64): libsndfile quietly shortens the data chunk to what the file holds, so the
//   frame count and the decode look fine. Its log still says "data : N (should be M)"; that line is
//   how a cut WAV is found. Not reported: a cut losing under a millisecond (nothing audible). Not
//   detectable: a WAV whose data size is 0xFFFFFFFF (written to a pipe, length never known) or 0
//   with a RIFF size of 8 (never closed; libsndfile takes the whole file), and a cut inside the
//   header, before the data chunk (reported as not an audio file).
// - FLAC: a cut inside a frame makes the decoder lose sync (sf_error after the reads); a cut at a
//   frame boundary decodes cleanly but short of STREAMINFO's total, which is checked. Not
//   detectable: a cut at a frame boundary of a FLAC whose STREAMINFO gives no total (some streaming
//   encoders).
// - Ogg Vorbis and Ogg Opus: the end-of-stream page is lost, so libsndfile logs "File ended
//   unexpectedly without an End-Of-Stream flag set" and reports an unknown length; it may then
//   decode nothing at all (Vorbis) or part of the audio. A cut inside the headers fails to open
//   with the same log line. Every cut that loses audio is detectable.
// - MP3 (those open_decoder leaves to libsndfile: with neither an ID3 tag nor a frame at the
//   start): with a Xing/LAME header (LAME writes one) mpg123 knows the exact length and a cut
//   decodes short of it. Not detectable: a cut losing less than the lossy tolerance (100 ms or 1 %;
//   e.g. the last frame), an MP3 without such a header (its length is estimated from the file
//   size, which shrinks with the cut), and a cut that leaves no audio frame at all (reported as not
//   an audio file).

namespace loa::detail {

namespace {

namespace fs = std::filesystem;

constexpr sf_count_t kBlockFrames = 4096;
constexpr std::size_t kMaxDetail = 80;
constexpr std::string_view kOggNoEnd = "without an End-Of-Stream flag";
// A WAV data size that means "unknown length" (written to a pipe), not "longer than the file".
constexpr std::uint64_t kStreamedDataSize = 0xFFFFFFFF;

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// libsndfile reads its files with a read() call for every request, and its MP3 reader (mpg123)
// asks for a frame header, then the frame: two system calls per 26 ms of audio, a third of the
// CPU time of decoding an MP3 on a virtual machine. Reading through a stdio buffer instead
// (SF_VIRTUAL_IO) makes that one call per 64 KB; the decoded samples are the same.
constexpr std::size_t kReadBuffer = 64 * 1024;

sf_count_t file_length(void* file) {
  struct stat status {};
  if (::fstat(::fileno(static_cast<std::FILE*>(file)), &status) != 0) return -1;
  return status.st_size;
}
sf_count_t file_seek(sf_count_t offset, int whence, void* file) {
  auto* f = static_cast<std::FILE*>(file);
  if (::fseeko(f, static_cast<off_t>(offset), whence) != 0) return -1;
  return ::ftello(f);
}
sf_count_t file_read(void* buffer, sf_count_t count, void* file) {
  return static_cast<sf_count_t>(
      std::fread(buffer, 1, static_cast<std::size_t>(count), static_cast<std::FILE*>(file)));
}
sf_count_t file_write(const void* /*buffer*/, sf_count_t /*count*/, void* /*file*/) {
  return 0;  // clips are only read
}
sf_count_t file_tell(void* file) {
  return ::ftello(static_cast<std::FILE*>(file));
}
SF_VIRTUAL_IO buffered_io{file_length, file_seek, file_read, file_write, file_tell};

struct OpenedClip {
  std::unique_ptr<char[]> buffer;  // stream's buffer (glibc ignores a size without one)
  FilePtr stream;                  // outlives file, which reads through it
  SndfilePtr file;
  SF_INFO info{};
};

struct Decoded {
  sf_count_t frames = 0;
  int error = SF_ERR_NO_ERROR;
};

ClipError fail(std::string reason) {
  return clip_error(std::move(reason));
}

// libsndfile's messages read "Error : flac decoder lost sync." or "System error : ...".
std::string shorten(std::string_view message) {
  for (std::string_view prefix : {"System error : ", "Error : ", "Error: "}) {
    if (message.starts_with(prefix)) message.remove_prefix(prefix.size());
  }
  while (!message.empty() &&
         (message.back() == '.' || message.back() == ' ' || message.back() == '\n')) {
    message.remove_suffix(1);
  }
  if (message.size() > kMaxDetail) return std::string(message.substr(0, kMaxDetail)) + "...";
  return std::string(message);
}

std::string read_log(SNDFILE* file) {
  std::string log(8192, '\0');
  sf_command(file, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()));
  log.resize(std::strlen(log.c_str()));
  return log;
}

ClipError open_failure(int code, std::string_view message, std::string_view log) {
  if (log.find(kOggNoEnd) != std::string_view::npos) {
    return fail("truncated: cut off before any audio (the Ogg stream has no end)");
  }
  switch (code) {
    case SF_ERR_SYSTEM:
      return fail("cannot read: " + shorten(message));
    case SF_ERR_UNRECOGNISED_FORMAT:
      return fail("not an audio file (" + shorten(message) + ")");
    case SF_ERR_MALFORMED_FILE:
      return fail("damaged audio file (" + shorten(message) + ")");
    case SF_ERR_UNSUPPORTED_ENCODING:
      return fail("unsupported audio (" + shorten(message) + ")");
    default:
      break;
  }
  // The MP3 reader fails with "File does not exist or is not a regular file" when it finds no
  // MPEG frame; check_file has already ruled that out.
  if (message.find("not a regular file") != std::string_view::npos) {
    return fail("not an audio file (no audio stream found)");
  }
  return fail("not an audio file (" + shorten(message) + ")");
}

std::variant<OpenedClip, ClipError> open_clip(const fs::path& file) {
  // libsndfile reports why an open failed only through process-wide state (error code and log), so
  // opens are serialised to read the reason that belongs to this one. Decoding runs in parallel.
  static std::mutex open_mutex;
  OpenedClip opened;
  opened.stream.reset(std::fopen(file.c_str(), "rbe"));
  if (!opened.stream) return fail("cannot read: " + std::string(std::strerror(errno)));
  opened.buffer = std::make_unique_for_overwrite<char[]>(kReadBuffer);
  std::setvbuf(opened.stream.get(), opened.buffer.get(), _IOFBF, kReadBuffer);
  const std::lock_guard lock(open_mutex);
  opened.file.reset(sf_open_virtual(&buffered_io, SFM_READ, &opened.info, opened.stream.get()));
  if (opened.file) return opened;
  if (sf_error(nullptr) == SF_ERR_UNRECOGNISED_FORMAT) {
    // Not known by its first bytes; libsndfile then goes by the name's extension (an MP3 with
    // something before its first frame), which it does not know through SF_VIRTUAL_IO.
    opened.info = SF_INFO{};
    opened.stream.reset();
    opened.file.reset(sf_open(file.c_str(), SFM_READ, &opened.info));
    if (opened.file) return opened;
  }
  return open_failure(sf_error(nullptr), sf_strerror(nullptr), read_log(nullptr));
}

int major_format(const SF_INFO& info) {
  return info.format & SF_FORMAT_TYPEMASK;
}

std::string format_name(int format) {
  const int sub = format & SF_FORMAT_SUBMASK;
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
      return "WAV";
    case SF_FORMAT_FLAC:
      return "FLAC";
    case SF_FORMAT_OGG:
      if (sub == SF_FORMAT_VORBIS) return "Ogg Vorbis";
      if (sub == SF_FORMAT_OPUS) return "Ogg Opus";
      break;
    case SF_FORMAT_MPEG:
      if (sub == SF_FORMAT_MPEG_LAYER_III) return "MP3";
      break;
    default:
      break;
  }
  SF_FORMAT_INFO named{};
  named.format = format & SF_FORMAT_TYPEMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &named, sizeof named) != 0 ||
      named.name == nullptr) {
    return "unknown";
  }
  // "AIFF (Apple/SGI)" -> "AIFF".
  const std::string_view name = named.name;
  return std::string(name.substr(0, name.find(" (")));
}

// Lossy formats' lengths can be a codec frame or so off, and an MP3 without a Xing header has only
// an estimate; below a millisecond nothing audible is lost.
sf_count_t shortfall_tolerance(const SF_INFO& info, sf_count_t promised) {
  const int major = major_format(info);
  if (major != SF_FORMAT_OGG && major != SF_FORMAT_MPEG) return info.samplerate / 1000;
  return lossy_shortfall_tolerance(info.samplerate, promised);
}

int bytes_per_sample(int format) {
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
    case SF_FORMAT_ULAW:
    case SF_FORMAT_ALAW:
      return 1;
    case SF_FORMAT_PCM_16:
      return 2;
    case SF_FORMAT_PCM_24:
      return 3;
    case SF_FORMAT_PCM_32:
    case SF_FORMAT_FLOAT:
      return 4;
    case SF_FORMAT_DOUBLE:
      return 8;
    default:
      return 0;
  }
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data()) return std::nullopt;
  return value;
}

struct DataChunk {
  std::uint64_t declared = 0;
  std::uint64_t available = 0;
};

// A data chunk that claims more bytes than the file holds, from libsndfile's log line
// "data : 352800 (should be 176378)" (WAV, W64) or " SSND : ... (should be ...)" (AIFF).
std::optional<DataChunk> overlong_data_chunk(std::string_view log) {
  constexpr std::string_view kShould = " (should be ";
  for (std::size_t start = 0; start < log.size();) {
    const std::size_t end = std::min(log.find('\n', start), log.size());
    std::string_view line = log.substr(start, end - start);
    start = end + 1;
    line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
    if (!line.starts_with("data : ") && !line.starts_with("SSND : ")) continue;
    const std::size_t should = line.find(kShould);
    if (should == std::string_view::npos) continue;
    const auto declared = parse_count(line.substr(7, should - 7));
    const auto available = parse_count(line.substr(should + kShould.size()));
    if (!declared || !available || *declared == kStreamedDataSize) continue;
    if (*declared > *available) return DataChunk{*declared, *available};
  }
  return std::nullopt;
}

// Frames the file should hold: what its header promises, if it tells. For WAV and AIFF libsndfile
// has already cut info.frames down to what the file holds, so the promise comes from the log.
std::optional<sf_count_t> promised_frames(const SF_INFO& info, std::string_view log) {
  if (const auto chunk = overlong_data_chunk(log)) {
    const auto frame_bytes = static_cast<std::uint64_t>(bytes_per_sample(info.format)) *
                             static_cast<std::uint64_t>(info.channels);
    if (frame_bytes == 0) return SF_COUNT_MAX;  // cut, by an amount we cannot tell
    return static_cast<sf_count_t>(chunk->declared / frame_bytes);
  }
  if (info.frames <= 0 || info.frames == SF_COUNT_MAX) return std::nullopt;
  return info.frames;
}

ClipError truncated_at(const SF_INFO& info, sf_count_t decoded, std::optional<sf_count_t> promised,
                       std::string_view why) {
  if (promised == SF_COUNT_MAX) promised.reset();  // cut, by an amount we cannot tell
  return detail::truncated_at(info.samplerate, decoded, promised, why);
}

std::optional<ClipError> find_truncation(const SF_INFO& info, const Decoded& decoded,
                                         std::string_view log) {
  const auto promised = promised_frames(info, log);
  if (decoded.error != SF_ERR_NO_ERROR) {
    const std::string why = shorten(sf_error_number(decoded.error));
    if (promised && decoded.frames < *promised) {
      return truncated_at(info, decoded.frames, promised, why);
    }
    return fail("damaged: decoding fails at " + time_text(decoded.frames, info.samplerate) + " (" +
                why + ")");
  }
  // A complete Ogg stream ends with an end-of-stream page; without it libsndfile knows no length.
  // libsndfile also logs a missing end after decoding a stream of a page or two (Ogg files of
  // about a second or less, from ffmpeg as from libsndfile) whose length it did find: such a
  // stream decoded to its length is whole.
  if (major_format(info) == SF_FORMAT_OGG &&
      (info.frames == SF_COUNT_MAX ||
       (log.find(kOggNoEnd) != std::string_view::npos && decoded.frames < info.frames))) {
    return truncated_at(info, decoded.frames, std::nullopt, "the Ogg stream has no end");
  }
  if (promised && *promised - decoded.frames > shortfall_tolerance(info, *promised)) {
    return truncated_at(info, decoded.frames, promised, "");
  }
  return std::nullopt;
}

// A clip decoded by libsndfile, read into an interleaved block and downmixed.
class SndfileDecoder final : public ClipDecoder {
 public:
  explicit SndfileDecoder(OpenedClip opened)
      : buffer_(std::move(opened.buffer)),
        stream_(std::move(opened.stream)),
        file_(std::move(opened.file)),
        info_(opened.info) {
    rate_ = info_.samplerate;
    channels_ = info_.channels;
    format_ = format_name(info_.format);
    if (channels_ > 1) block_.resize(static_cast<std::size_t>(kBlockFrames * channels_));
  }

  std::size_t read(std::span<float> mono) override {
    const auto channels = static_cast<std::size_t>(channels_);
    std::size_t written = 0;
    while (written < mono.size() && !ended_) {
      const auto want = static_cast<sf_count_t>(
          std::min<std::size_t>(mono.size() - written, channels == 1 ? mono.size() : kBlockFrames));
      float* target = channels == 1 ? mono.data() + written : block_.data();
      const sf_count_t n = sf_readf_float(file_.get(), target, want);
      if (n > 0 && channels > 1) {
        downmix_interleaved(block_.data(), static_cast<std::size_t>(n), channels,
                            mono.data() + written);
      }
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < want) {
        ended_ = true;
        error_ = sf_error(file_.get());  // before the log is read: reading it resets the error
      }
    }
    decoded_ += static_cast<std::int64_t>(written);
    return written;
  }

  bool failed() const override { return error_ != SF_ERR_NO_ERROR; }

  std::optional<ClipError> verdict() override {
    const Decoded decoded{.frames = decoded_, .error = error_};
    return find_truncation(info_, decoded, read_log(file_.get()));
  }

 private:
  std::unique_ptr<char[]> buffer_;  // destroyed last
  FilePtr stream_;
  SndfilePtr file_;
  SF_INFO info_;
  std::vector<float> block_;  // interleaved, for clips of more than one channel
  bool ended_ = false;
  int error_ = SF_ERR_NO_ERROR;
};

}  // namespace

OpenedDecoder open_sndfile_decoder(const fs::path& file) {
  auto opened = open_clip(file);
  if (auto* error = std::get_if<ClipError>(&opened)) return std::move(*error);
  auto& clip = std::get<OpenedClip>(opened);
  if (auto error = check_shape(clip.info.channels, clip.info.samplerate)) return *error;
  return std::make_unique<SndfileDecoder>(std::move(clip));
}

}  // namespace loa::detail
