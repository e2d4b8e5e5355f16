#include "input_reader.hpp"

#include <portaudio.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "loa/portaudio_output.hpp"
#include "loa/spsc_ring.hpp"
#include "mono_resampler.hpp"
#include "relay_open.hpp"

namespace loa::detail {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The thread moves what arrived every this long.
constexpr milliseconds kPoll{10};
// A device that delivers nothing for this long has stopped (unplugged, its server gone).
constexpr milliseconds kSilentDevice{1'000};
// The capture ring holds this much at the device's rate: far more than one poll.
constexpr double kCaptureSeconds = 2.0;

// What PortAudio's callback touches: the ring and counters, nothing that locks or allocates.
struct Capture {
  Capture(std::size_t frames, int device_channels, int taken)
      : ring(frames), channels(device_channels), channel(taken) {}
  SpscRing ring;
  const int channels;  // of the device's frames
  const int channel;   // the one taken, from 0
  std::atomic<std::uint64_t> arrived{0};
  std::atomic<std::uint64_t> overflowed{0};

  static int callback(const void* input, void*, unsigned long frames,
                      const PaStreamCallbackTimeInfo*, PaStreamCallbackFlags, void* self) {
    auto& c = *static_cast<Capture*>(self);
    const auto* in = static_cast<const float*>(input);
    std::array<float, 256> mono;
    for (unsigned long done = 0; in != nullptr && done < frames;) {
      const auto n = static_cast<std::size_t>(std::min<unsigned long>(mono.size(), frames - done));
      for (std::size_t i = 0; i < n; ++i) {
        mono[i] = in[(done + i) * static_cast<std::size_t>(c.channels) +
                     static_cast<std::size_t>(c.channel)];
      }
      const std::size_t written = c.ring.write(std::span<const float>(mono.data(), n));
      if (written < n) c.overflowed.fetch_add(n - written, std::memory_order_relaxed);
      done += n;
    }
    c.arrived.fetch_add(frames, std::memory_order_relaxed);
    return paContinue;
  }
};

class InputReader {
 public:
  InputReader(std::shared_ptr<RelayLink> link, const InputSound& input, int rate, float gain)
      : link_(std::move(link)),
        device_(input.device),
        channel_(input.channel),
        rate_(rate),
        gain_(gain),
        settings_(input.settings),
        events_(input.events),
        level_(input.level) {}

  void run() noexcept {
    milliseconds backoff = settings_.first_backoff;
    for (int attempt = 1; !stopping(); ++attempt) {
      bool captured = false;
      std::string why;
      try {
        why = capture_once(captured);
      } catch (const std::exception& e) {
        why = std::string("the input cannot be opened: ") + e.what();
      }
      link_->playing.store(false);
      if (stopping()) break;
      link_->set_problem(why);
      report(RelayEvent::Kind::lost, why);
      if (captured) backoff = settings_.first_backoff;
      report(RelayEvent::Kind::reconnecting,
             "attempt " + std::to_string(attempt + 1) + " in " + seconds_text(backoff));
      std::unique_lock lock(link_->mutex);
      link_->changed.wait_for(lock, backoff, [&] { return stopping(); });
      backoff = std::min(backoff * 2, settings_.max_backoff);
    }
    std::lock_guard lock(link_->mutex);
    link_->finished = true;
    link_->changed.notify_all();
  }

 private:
  bool stopping() const { return link_->stop.load(std::memory_order_acquire); }

  void report(RelayEvent::Kind kind, std::string reason, int rate = 0, int channels = 0) {
    if (!events_) return;
    RelayEvent event{};
    event.kind = kind;
    event.reason = std::move(reason);
    if (kind == RelayEvent::Kind::connected) event.codec = "pcm";
    event.rate = rate;
    event.channels = channels;
    events_->push(std::move(event));
  }

  // One opening of the device: captures until it fails or the input ends; why it failed.
  std::string capture_once(bool& captured) {
    PortAudioSession session;
    std::string why;
    const int index = portaudio_detail::resolve_input(device_, why);
    const std::string named = "the input device \"" + device_ + "\"";
    if (index < 0) return named + " cannot be opened: " + why;
    const PaDeviceInfo* info = Pa_GetDeviceInfo(index);
    if (info == nullptr) return named + " disappeared";
    if (channel_ > info->maxInputChannels) {
      return named + " (" + info->name + ") has " + std::to_string(info->maxInputChannels) +
             " capture channel(s): there is no channel " + std::to_string(channel_);
    }
    PaStreamParameters in{};
    in.device = index;
    in.channelCount = channel_;
    in.sampleFormat = paFloat32;
    in.suggestedLatency = info->defaultLowInputLatency;
    // The station's rate if the device takes it, else the device's own (and soxr between).
    int device_rate = rate_;
    if (Pa_IsFormatSupported(&in, nullptr, rate_) != paFormatIsSupported) {
      device_rate = static_cast<int>(info->defaultSampleRate);
    }
    Capture capture(static_cast<std::size_t>(kCaptureSeconds * device_rate), channel_,
                    channel_ - 1);
    PaStream* stream = nullptr;
    PaError err = Pa_OpenStream(&stream, &in, nullptr, device_rate, paFramesPerBufferUnspecified,
                                paNoFlag, &Capture::callback, &capture);
    if (err != paNoError) {
      return named + " (" + info->name + ") cannot be opened at " + std::to_string(device_rate) +
             " Hz: " + Pa_GetErrorText(err);
    }
    err = Pa_StartStream(stream);
    if (err != paNoError) {
      Pa_CloseStream(stream);
      return named + " (" + info->name + ") cannot start: " + Pa_GetErrorText(err);
    }
    MonoResampler resampler;
    if (device_rate != rate_) {
      try {
        resampler = make_mono_resampler(device_rate, rate_);
      } catch (const std::runtime_error& e) {
        Pa_AbortStream(stream);
        Pa_CloseStream(stream);
        return std::string("the input ") + e.what();
      }
    }
    const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
    report(RelayEvent::Kind::connected,
           std::string(info->name) + " (" + (api != nullptr ? api->name : "?") + "), channel " +
               std::to_string(channel_),
           device_rate, info->maxInputChannels);
    link_->set_problem("");
    link_->playing.store(true);
    captured = true;
    why = pump(stream, capture, resampler.get(), device_rate, named + " (" + info->name + ")");
    Pa_AbortStream(stream);
    Pa_CloseStream(stream);
    return why;
  }

  // Moves what arrives into the link's ring until the device stops or the input ends.
  std::string pump(PaStream* stream, Capture& capture, soxr_t resampler, int device_rate,
                   const std::string& named) {
    std::vector<float> taken(static_cast<std::size_t>(device_rate) / 5);
    std::vector<float> made(static_cast<std::size_t>(rate_) / 5 + 64);
    std::uint64_t last_arrived = 0;
    auto last_change = Clock::now();
    while (!stopping()) {
      {
        std::unique_lock lock(link_->mutex);
        link_->changed.wait_for(lock, kPoll, [&] { return stopping(); });
      }
      for (std::size_t n; (n = capture.ring.read(taken)) > 0;) {
        std::span<const float> out(taken.data(), n);
        if (resampler != nullptr) {
          std::size_t done = 0;
          soxr_process(resampler, taken.data(), n, nullptr, made.data(), made.size(), &done);
          out = std::span<const float>(made.data(), done);
        }
        deliver(out);
      }
      const std::uint64_t arrived = capture.arrived.load(std::memory_order_relaxed);
      if (arrived != last_arrived) {
        last_arrived = arrived;
        last_change = Clock::now();
      } else if (Clock::now() - last_change > kSilentDevice) {
        return named + " stopped delivering audio (unplugged, or its sound server stopped)";
      }
      if (Pa_IsStreamActive(stream) != 1) return named + " stopped (unplugged?)";
    }
    return "";
  }

  void deliver(std::span<const float> samples) {
    scaled_.assign(samples.begin(), samples.end());
    if (gain_ != 1.0f) {
      for (float& v : scaled_) v *= gain_;
    }
    link_->drop_oldest_before_start(scaled_.size());
    link_->note_arrived(scaled_);
    if (level_) level_->add(scaled_, rate_);
    link_->ring.write(scaled_);  // read() takes less than arrives only if it is behind: dropped
  }

  std::shared_ptr<RelayLink> link_;
  std::string device_;
  int channel_;
  int rate_;
  float gain_;
  RelaySettings settings_;
  std::shared_ptr<RelayEvents> events_;
  std::shared_ptr<InputLevel> level_;
  std::vector<float> scaled_;
};

}  // namespace

std::thread start_input_reader(std::shared_ptr<RelayLink> link, const InputSound& input, int rate,
                               float gain) {
  auto reader = std::make_unique<InputReader>(std::move(link), input, rate, gain);
  return std::thread([reader = std::move(reader)] { reader->run(); });
}

}  // namespace loa::detail
