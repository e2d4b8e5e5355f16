#include "loa/clip_stream.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "clip_decoder.hpp"
#include "loa/chime.hpp"
#include "mono_resampler.hpp"

// Timing: soxr in streaming mode (soxr_process, flushed with a null input) already removes its
// filter delay and emits round(input frames * rate / clip rate) samples in all, so sample k of the
// clip lands at round(k * rate / clip rate) of the output and nothing needs trimming here.

namespace loa {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBlockFrames = 2048;

detail::MonoResampler make_resampler(int from, int to) {
  try {
    return detail::make_mono_resampler(from, to);
  } catch (const std::runtime_error& e) {
    throw ClipStreamError(e.what());
  }
}

void apply_gain(std::span<float> samples, float gain) {
  if (gain == 1.0f) return;  // keeps a passthrough bit-exact
  for (float& sample : samples) sample *= gain;
}

// A clip decoded a block at a time (as its mono downmix), resampled if its rate differs, times
// the gain. Buffers are sized once here; read() allocates nothing of ours (soxr sets up its own on
// its first call, FFmpeg's decoders reuse theirs).
class ClipStream final : public MonoSource {
 public:
  ClipStream(std::unique_ptr<detail::ClipDecoder> decoder, int rate, float gain)
      : decoder_(std::move(decoder)), gain_(gain), mono_(kBlockFrames) {
    if (decoder_->rate() != rate) resampler_ = make_resampler(decoder_->rate(), rate);
  }

  std::size_t read(std::span<float> out) override {
    if (ended_) return 0;
    std::size_t written = 0;
    try {
      written = resampler_ ? read_resampled(out) : read_direct(out);
    } catch (...) {
      ended_ = true;  // a failed clip stays ended
      throw;
    }
    apply_gain(out.first(written), gain_);
    if (written < out.size()) ended_ = true;
    return written;
  }

 private:
  // At the clip's rate: straight from the decoder.
  std::size_t read_direct(std::span<float> out) {
    const std::size_t n = decoder_->read(out);
    if (n < out.size()) check_failure();
    return n;
  }

  std::size_t read_resampled(std::span<float> out) {
    std::size_t written = 0;
    while (written < out.size()) {
      if (pos_ == len_ && !input_ended_) input_ended_ = !refill();
      // A null input tells soxr the clip has ended: it then flushes what its filter still holds.
      const float* in = input_ended_ ? nullptr : mono_.data() + pos_;
      std::size_t used = 0;
      std::size_t made = 0;
      const soxr_error_t error = soxr_process(resampler_.get(), in, len_ - pos_, &used,
                                              out.data() + written, out.size() - written, &made);
      if (error != nullptr) throw ClipStreamError(std::string("resampling failed: ") + error);
      pos_ += used;
      written += made;
      if (input_ended_ && made == 0) break;
    }
    return written;
  }

  // Decodes the next block into mono_; false at the end of the clip.
  bool refill() {
    const std::size_t n = decoder_->read(mono_);
    if (n < mono_.size()) check_failure();
    pos_ = 0;
    len_ = n;
    return n > 0;
  }

  // Throws ClipStreamError if decoding failed (a damaged or cut-off file), with the reason
  // probe_clip would give. A clean end, even short of the header's promise, airs what there is.
  void check_failure() {
    if (!decoder_->failed()) return;
    auto error = decoder_->verdict();
    throw ClipStreamError(error ? error->reason : "damaged: decoding fails");
  }

  std::unique_ptr<detail::ClipDecoder> decoder_;
  float gain_;
  detail::MonoResampler
      resampler_;  // none when the clip is at the output rate: a bit-exact passthrough
  std::vector<float> mono_;
  std::size_t pos_ = 0;  // next unread sample of mono_
  std::size_t len_ = 0;  // decoded samples in mono_
  bool input_ended_ = false;
  bool ended_ = false;
};

// The built-in chime, rendered once when opened.
class ChimeStream final : public MonoSource {
 public:
  ChimeStream(int rate, float gain) : samples_(builtin_chime_frames(rate)) {
    samples_.resize(render_builtin_chime(rate, samples_));
    apply_gain(samples_, gain);
  }

  std::size_t read(std::span<float> out) override {
    const std::size_t n = std::min(out.size(), samples_.size() - pos_);
    std::copy_n(samples_.begin() + static_cast<std::ptrdiff_t>(pos_), n, out.begin());
    pos_ += n;
    return n;
  }

 private:
  std::vector<float> samples_;
  std::size_t pos_ = 0;
};

void check_rate(int rate) {
  if (rate <= 0) throw std::invalid_argument("output sample rate must be positive");
}

}  // namespace

std::unique_ptr<MonoSource> open_clip_stream(const fs::path& file, int rate, float gain) {
  check_rate(rate);
  auto opened = detail::open_decoder(file);
  if (auto* error = std::get_if<ClipError>(&opened)) throw ClipStreamError(error->reason);
  return detail::stream_decoder(std::move(std::get<std::unique_ptr<detail::ClipDecoder>>(opened)),
                                rate, gain);
}

std::unique_ptr<MonoSource> detail::stream_decoder(std::unique_ptr<ClipDecoder> decoder, int rate,
                                                   float gain) {
  check_rate(rate);
  return std::make_unique<ClipStream>(std::move(decoder), rate, gain);
}

std::unique_ptr<MonoSource> open_builtin_chime(int rate, float gain) {
  check_rate(rate);
  return std::make_unique<ChimeStream>(rate, gain);
}

}  // namespace loa
