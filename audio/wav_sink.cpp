#include <sndfile.h>

#include <stdexcept>

#include "loa/sink.hpp"

namespace loa {

namespace {

class WavSink final : public Sink {
 public:
  WavSink(const std::filesystem::path& file, int rate, int channels, bool live)
      : rate_(rate), channels_(channels), header_every_(live ? rate : 0) {
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    file_ = sf_open(file.c_str(), SFM_WRITE, &info);
    if (file_ == nullptr) {
      throw std::runtime_error("cannot write " + file.string() + ": " + sf_strerror(nullptr));
    }
    // Clip instead of wrapping around when a mix exceeds full scale.
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  }
  ~WavSink() override { sf_close(file_); }
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
    }
  }

  void drain() override { sf_write_sync(file_); }

 private:
  int rate_;
  int channels_;
  sf_count_t header_every_;  // frames between header updates; 0: only at the end
  sf_count_t since_header_ = 0;
  SNDFILE* file_ = nullptr;
};

}  // namespace

std::unique_ptr<Sink> open_wav_sink(const std::filesystem::path& file, int rate, int channels,
                                    bool live) {
  return std::make_unique<WavSink>(file, rate, channels, live);
}

}  // namespace loa
