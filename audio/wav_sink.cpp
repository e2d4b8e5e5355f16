#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "loa/sink.hpp"

namespace loa {

namespace {

// libsndfile writes a WAV in pieces of a few kilobytes, each a write() call: 84,000 calls for an
// hour of stereo, a tenth of `loa render` on a virtual machine. Through a stdio buffer
// (SF_VIRTUAL_IO) it is one call per 256 KB.
constexpr std::size_t kWriteBuffer = 256 * 1024;

// The file as libsndfile sees it: written through a stdio buffer, its length and position kept
// here, since asking stdio or the system (ftello, fstat) flushes the buffer at every call.
struct Output {
  std::FILE* stream = nullptr;
  sf_count_t position = 0;
  sf_count_t length = 0;
};

Output& output_of(void* file) {
  return *static_cast<Output*>(file);
}
sf_count_t file_length(void* file) {
  return output_of(file).length;
}
sf_count_t file_seek(sf_count_t offset, int whence, void* file) {
  Output& out = output_of(file);
  const sf_count_t target = whence == SEEK_SET   ? offset
                            : whence == SEEK_CUR ? out.position + offset
                                                 : out.length + offset;
  if (target == out.position) return target;  // libsndfile asks often; stdio would flush
  if (target < 0 || ::fseeko(out.stream, static_cast<off_t>(target), SEEK_SET) != 0) return -1;
  out.position = target;
  return target;
}
sf_count_t file_read(void* buffer, sf_count_t count, void* file) {
  Output& out = output_of(file);
  const auto got =
      static_cast<sf_count_t>(std::fread(buffer, 1, static_cast<std::size_t>(count), out.stream));
  out.position += got;
  return got;
}
sf_count_t file_write(const void* buffer, sf_count_t count, void* file) {
  Output& out = output_of(file);
  const auto written =
      static_cast<sf_count_t>(std::fwrite(buffer, 1, static_cast<std::size_t>(count), out.stream));
  out.position += written;
  out.length = std::max(out.length, out.position);
  return written;
}
sf_count_t file_tell(void* file) {
  return output_of(file).position;
}
SF_VIRTUAL_IO buffered_io{file_length, file_seek, file_read, file_write, file_tell};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

class WavSink final : public Sink {
 public:
  WavSink(const std::filesystem::path& file, int rate, int channels, bool live)
      : rate_(rate), channels_(channels), header_every_(live ? rate : 0) {
    stream_.reset(std::fopen(file.c_str(), "w+be"));
    if (!stream_) {
      throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    }
    std::setvbuf(stream_.get(), buffer_.get(), _IOFBF, kWriteBuffer);
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    output_.stream = stream_.get();
    file_ = sf_open_virtual(&buffered_io, SFM_WRITE, &info, &output_);
    if (file_ == nullptr) {
      throw std::runtime_error("cannot write " + file.string() + ": " + sf_strerror(nullptr));
    }
    // Clip instead of wrapping around when a mix exceeds full scale.
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  }
  ~WavSink() override { sf_close(file_); }  // writes the header's final sizes, then stream_ closes
  WavSink(const WavSink&) = delete;
  WavSink& operator=(const WavSink&) = delete;

  int channels() const override { return channels_; }
  int rate() const override { return rate_; }

  void write(std::span<const float> interleaved) override {
    const auto frames =
        static_cast<sf_count_t>(interleaved.size() / static_cast<std::size_t>(channels_));
    if (sf_writef_float(file_, interleaved.data(), frames) != frames) {
      throw std::runtime_error(std::string("writing the WAV file failed: ") + sf_strerror(file_));
    }
    // A recording of the air is read while it grows (a player, loa's tests): its header says how
    // long it is up to the last second, not 0 s until loa stops.
    if (header_every_ > 0 && (since_header_ += frames) >= header_every_) {
      since_header_ = 0;
      sf_command(file_, SFC_UPDATE_HEADER_NOW, nullptr, 0);
      std::fflush(stream_.get());  // the reader sees the last second, not the buffer's lag
    }
  }

  void drain() override {
    sf_command(file_, SFC_UPDATE_HEADER_NOW, nullptr, 0);
    if (std::fflush(stream_.get()) != 0 || ::fsync(::fileno(stream_.get())) != 0) {
      throw std::runtime_error(std::string("writing the WAV file failed: ") + std::strerror(errno));
    }
  }

 private:
  int rate_;
  int channels_;
  sf_count_t header_every_;  // frames between header updates; 0: only at the end
  sf_count_t since_header_ = 0;
  // glibc ignores a buffer size without a buffer. Outlives stream_, closed after file_.
  std::unique_ptr<char[]> buffer_ = std::make_unique_for_overwrite<char[]>(kWriteBuffer);
  std::unique_ptr<std::FILE, FileCloser> stream_;
  Output output_;
  SNDFILE* file_ = nullptr;
};

}  // namespace

std::unique_ptr<Sink> open_wav_sink(const std::filesystem::path& file, int rate, int channels,
                                    bool live) {
  return std::make_unique<WavSink>(file, rate, channels, live);
}

}  // namespace loa
