// The PortAudio sink: a producer that sleeps while the ring is full, and a callback that only
// copies from the ring.
#include <pa_jack.h>
#include <portaudio.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "loa/portaudio_output.hpp"
#include "loa/spsc_ring.hpp"

namespace loa {

using namespace std::chrono_literals;

namespace {

// The ring holds at least this much audio, and at least twice the device's latency.
constexpr double kRingSeconds = 0.25;
// How long write() and drain() wait for the callback to take audio before calling the device
// dead.
constexpr auto kStallLimit = 3s;
constexpr auto kPoll = 2ms;
constexpr auto kMaxWait = 100ms;

static_assert(std::atomic<double>::is_always_lock_free);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

std::size_t ring_frames(int rate, double latency) {
  const double seconds = std::max(kRingSeconds, 2.0 * latency);
  return static_cast<std::size_t>(std::ceil(seconds * rate));
}

std::string pa_error_text(PaError err) {
  std::string text = Pa_GetErrorText(err);
  if (err == paUnanticipatedHostError) {
    const PaHostErrorInfo* host = Pa_GetLastHostErrorInfo();
    if (host != nullptr && host->errorText != nullptr && *host->errorText != '\0') {
      text += std::string(" (") + host->errorText + ")";
    }
  }
  return text;
}

}  // namespace

struct PortAudioSink::Impl {
  Impl(const std::string& device_name, int rate_hz, int channel_count, double latency_seconds);
  ~Impl();

  static int callback(const void* input, void* output, unsigned long frames,
                      const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags flags,
                      void* user);
  void start();
  // Sleeps once while waiting for the callback (`frames` worth of audio, at least kPoll); throws if
  // the stream died or stalled.
  void wait_for_callback(const char* doing, std::size_t frames = 0);
  void stop_stream();
  // Waits while the last frames handed to the device are heard.
  void wait_latency() const;

  PortAudioSession session;  // first: PortAudio outlives the stream
  const std::string requested;
  const int rate;
  const int channels;
  AudioDevice device;
  bool is_jack = false;
  PaStream* stream = nullptr;
  double latency = 0;
  SpscRing ring;

  // Producer only.
  bool running = false;
  std::uint64_t written = 0;
  std::uint64_t last_played = 0;
  std::chrono::steady_clock::time_point last_progress;
  int polls = 0;

  // Shared with the callback.
  std::atomic<bool> primed{false};            // audio flows; before that the callback plays silence
  std::atomic<bool> ending{false};            // the producer has written its last frames (drain)
  std::atomic<std::uint32_t> fade_frames{0};  // stop(): fade over this many frames
  std::atomic<bool> faded{false};             // the fade has ended: silence from here on
  std::atomic<std::uint64_t> played{0};
  std::atomic<std::uint64_t> underruns{0};
  std::atomic<std::uint64_t> xruns{0};
  // outputBufferDacTime - currentTime of the last callback. On JACK this is the playback port's
  // whole latency, which can exceed what Pa_GetStreamInfo reports (one period more with
  // PortAudio 19.6).
  std::atomic<double> dac_lead{0};
  // The frame clock (see frame_clock()): a seqlock so the callback never waits. Odd: being written.
  std::atomic<std::uint32_t> clock_seq{0};
  std::atomic<std::uint64_t> clock_frame{0};
  std::atomic<std::int64_t> clock_dac_ns{0};
  std::atomic<bool> clock_valid{false};

  // Callback only.
  std::uint32_t fade_done = 0;
};

PortAudioSink::Impl::Impl(const std::string& device_name, int rate_hz, int channel_count,
                          double latency_seconds)
    : requested(device_name),
      rate(rate_hz),
      channels(channel_count),
      ring(ring_frames(rate_hz, latency_seconds), channel_count) {
  std::string why;
  const int index = portaudio_detail::resolve_output(requested, why);
  if (index < 0) throw std::runtime_error(portaudio_detail::open_error(requested, why));
  for (auto& d : portaudio_detail::devices()) {
    if (d.index == index) device = std::move(d);
  }
  const PaDeviceInfo* info = Pa_GetDeviceInfo(index);
  const PaHostApiInfo* api = info != nullptr ? Pa_GetHostApiInfo(info->hostApi) : nullptr;
  is_jack = api != nullptr && api->type == paJACK;

  PaStreamParameters out{};
  out.device = index;
  out.channelCount = channels;
  out.sampleFormat = paFloat32;
  out.suggestedLatency =
      latency_seconds > 0 || info == nullptr ? latency_seconds : info->defaultHighOutputLatency;
  out.hostApiSpecificStreamInfo = nullptr;
  const PaError err = Pa_OpenStream(&stream, nullptr, &out, rate, paFramesPerBufferUnspecified,
                                    paNoFlag, &Impl::callback, this);
  if (err != paNoError) {
    stream = nullptr;
    std::string why_open = device.name + " (" + device.host_api + ") at " + std::to_string(rate) +
                           " Hz, " + std::to_string(channels) +
                           " channel(s): " + pa_error_text(err);
    if (err == paInvalidSampleRate) {
      why_open += "; the device runs at " + std::to_string(static_cast<long>(device.default_rate)) +
                  " Hz (set the station's audio.sample_rate to match)";
    } else if (err == paInvalidChannelCount) {
      why_open += "; it has " + std::to_string(device.max_output_channels) + " output channel(s)";
    }
    throw std::runtime_error(portaudio_detail::open_error(requested, why_open));
  }
  if (const PaStreamInfo* si = Pa_GetStreamInfo(stream)) latency = si->outputLatency;
  try {
    start();
  } catch (...) {
    Pa_CloseStream(stream);
    stream = nullptr;
    throw;
  }
}

PortAudioSink::Impl::~Impl() {
  if (stream == nullptr) return;
  if (running) Pa_AbortStream(stream);
  Pa_CloseStream(stream);
}

int PortAudioSink::Impl::callback(const void* /*input*/, void* output, unsigned long frames,
                                  const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags flags,
                                  void* user) {
  auto& s = *static_cast<Impl*>(user);
  auto* out = static_cast<float*>(output);
  const auto ch = static_cast<std::size_t>(s.channels);
  if ((flags & paOutputUnderflow) != 0) s.xruns.fetch_add(1, std::memory_order_relaxed);
  if (time != nullptr && time->outputBufferDacTime > time->currentTime && time->currentTime > 0) {
    s.dac_lead.store(time->outputBufferDacTime - time->currentTime, std::memory_order_relaxed);
  }

  std::size_t got = 0;
  if (s.faded.load(std::memory_order_relaxed)) {
    s.ring.skip(s.ring.readable());
  } else if (s.primed.load(std::memory_order_acquire)) {
    got = s.ring.read(std::span<float>(out, frames * ch));
    if (got > 0 && time != nullptr && time->outputBufferDacTime >= time->currentTime) {
      // steady_clock is clock_gettime(CLOCK_MONOTONIC) through the vDSO: real-time safe.
      const auto now = std::chrono::steady_clock::now().time_since_epoch();
      const auto lead =
          std::chrono::duration<double>(time->outputBufferDacTime - time->currentTime);
      const std::uint32_t seq = s.clock_seq.load(std::memory_order_relaxed);
      s.clock_seq.store(seq + 1, std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_release);
      s.clock_frame.store(s.played.load(std::memory_order_relaxed), std::memory_order_relaxed);
      s.clock_dac_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(now + lead).count(),
                           std::memory_order_relaxed);
      s.clock_seq.store(seq + 2, std::memory_order_release);
      s.clock_valid.store(true, std::memory_order_release);
    }
    const std::uint32_t fade = s.fade_frames.load(std::memory_order_acquire);
    if (fade != 0) {
      for (std::size_t f = 0; f < got; ++f) {
        const float gain = s.fade_done >= fade
                               ? 0.0F
                               : 1.0F - static_cast<float>(s.fade_done) / static_cast<float>(fade);
        for (std::size_t c = 0; c < ch; ++c) out[f * ch + c] *= gain;
        if (s.fade_done < fade) ++s.fade_done;
      }
      if (s.fade_done >= fade || got < frames) {
        s.ring.skip(s.ring.readable());
        s.faded.store(true, std::memory_order_release);
      }
    } else if (got < frames && !s.ending.load(std::memory_order_acquire)) {
      s.underruns.fetch_add(1, std::memory_order_relaxed);
    }
    s.played.fetch_add(got, std::memory_order_release);
  }
  std::fill(out + got * ch, out + frames * ch, 0.0F);
  return paContinue;
}

void PortAudioSink::Impl::start() {
  if (running) return;
  primed.store(false, std::memory_order_relaxed);
  ending.store(false, std::memory_order_relaxed);
  fade_frames.store(0, std::memory_order_relaxed);
  faded.store(false, std::memory_order_relaxed);
  fade_done = 0;
  const PaError err = Pa_StartStream(stream);
  if (err != paNoError) {
    throw std::runtime_error("cannot start audio output \"" + requested + "\" (" + device.name +
                             "): " + pa_error_text(err));
  }
  running = true;
  last_played = played.load(std::memory_order_acquire);
  last_progress = std::chrono::steady_clock::now();
}

void PortAudioSink::Impl::wait_for_callback(const char* doing, std::size_t frames) {
  // Sleeping as long as the callback needs to make the room asked for, rather than polling, keeps
  // the producer to about one wake-up per block.
  const auto needed = std::chrono::duration<double>(static_cast<double>(frames) / rate);
  std::this_thread::sleep_for(std::clamp<std::chrono::duration<double>>(needed, kPoll, kMaxWait));
  const auto now = std::chrono::steady_clock::now();
  const std::uint64_t p = played.load(std::memory_order_acquire);
  if (p != last_played || !primed.load(std::memory_order_relaxed)) {
    last_played = p;
    last_progress = now;
  }
  const bool stalled = now - last_progress > kStallLimit;
  if (stalled || (++polls % 50 == 0 && Pa_IsStreamActive(stream) != 1)) {
    throw std::runtime_error("audio output \"" + requested + "\" (" + device.name +
                             ") stopped taking audio while " + doing +
                             (is_jack ? " (did the JACK server stop?)" : ""));
  }
}

void PortAudioSink::Impl::wait_latency() const {
  const double seconds = std::max(latency, dac_lead.load(std::memory_order_relaxed));
  std::this_thread::sleep_for(std::chrono::duration<double>(std::min(seconds, 2.0)) + 10ms);
}

void PortAudioSink::Impl::stop_stream() {
  if (!running) return;
  running = false;
  Pa_StopStream(stream);
  // The callback no longer runs: this thread may consume.
  ring.skip(ring.readable());
}

PortAudioSink::PortAudioSink(const std::string& device, int rate, int channels,
                             double latency_seconds) {
  if (rate < 1) throw std::invalid_argument("PortAudioSink: rate must be >= 1");
  if (channels < 1) throw std::invalid_argument("PortAudioSink: channels must be >= 1");
  impl_ = std::make_unique<Impl>(device, rate, channels, latency_seconds);
}

PortAudioSink::~PortAudioSink() = default;

int PortAudioSink::channels() const {
  return impl_->channels;
}
int PortAudioSink::rate() const {
  return impl_->rate;
}

void PortAudioSink::write(std::span<const float> interleaved) {
  Impl& s = *impl_;
  s.start();
  const auto ch = static_cast<std::size_t>(s.channels);
  interleaved = interleaved.first(interleaved.size() / ch * ch);
  while (!interleaved.empty()) {
    const std::size_t n = s.ring.write(interleaved);
    s.written += n;
    interleaved = interleaved.subspan(n * ch);
    if (interleaved.empty()) break;
    // Full: let the audio flow (the first time), and wait until a quarter of the ring is free, so
    // that the next few blocks go in without sleeping: one wake-up per quarter ring (85 ms at
    // 48 kHz), not per block, and the ring stays about three quarters full or more.
    s.primed.store(true, std::memory_order_release);
    s.wait_for_callback("playing", std::max(interleaved.size() / ch, s.ring.capacity() / 4));
  }
}

void PortAudioSink::drain() {
  Impl& s = *impl_;
  if (!s.running) return;
  s.ending.store(true, std::memory_order_release);
  s.primed.store(true, std::memory_order_release);
  while (s.ring.readable() > 0 && !s.faded.load(std::memory_order_acquire)) {
    s.wait_for_callback("draining");
  }
  // The last frames are in the device's buffers: let them be heard.
  s.wait_latency();
  s.stop_stream();
}

void PortAudioSink::stop(std::chrono::milliseconds fade) {
  Impl& s = *impl_;
  if (!s.running) return;
  if (s.primed.load(std::memory_order_relaxed) && s.ring.readable() > 0) {
    const auto frames = std::max<long long>(1, fade.count() * s.rate / 1000);
    s.fade_frames.store(static_cast<std::uint32_t>(std::min<long long>(frames, 1 << 30)),
                        std::memory_order_release);
    const auto deadline = std::chrono::steady_clock::now() + fade + 1s;
    while (!s.faded.load(std::memory_order_acquire) && s.ring.readable() > 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kPoll);
    }
    s.wait_latency();
  }
  s.stop_stream();
}

std::optional<PortAudioSink::FrameClock> PortAudioSink::frame_clock() const {
  const Impl& s = *impl_;
  if (!s.clock_valid.load(std::memory_order_acquire)) return std::nullopt;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::uint32_t before = s.clock_seq.load(std::memory_order_acquire);
    if ((before & 1U) != 0) continue;
    const std::uint64_t frame = s.clock_frame.load(std::memory_order_relaxed);
    const std::int64_t dac = s.clock_dac_ns.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (s.clock_seq.load(std::memory_order_relaxed) != before) continue;
    return FrameClock{frame, std::chrono::steady_clock::time_point(std::chrono::nanoseconds(dac))};
  }
  return std::nullopt;
}

std::uint64_t PortAudioSink::frames_played() const {
  return impl_->played.load(std::memory_order_acquire);
}
std::uint64_t PortAudioSink::frames_written() const {
  return impl_->written;
}
std::uint64_t PortAudioSink::underruns() const {
  return impl_->underruns.load(std::memory_order_relaxed);
}
std::uint64_t PortAudioSink::device_xruns() const {
  return impl_->xruns.load(std::memory_order_relaxed);
}
double PortAudioSink::output_latency() const {
  return impl_->latency;
}
const AudioDevice& PortAudioSink::device() const {
  return impl_->device;
}

std::string PortAudioSink::jack_client_name() const {
  if (!impl_->is_jack) return {};
  const char* name = nullptr;
  // The name is JACK's own storage (jack_get_client_name): not ours to free.
  if (PaJack_GetClientName(&name) != paNoError || name == nullptr) return {};
  return name;
}

std::unique_ptr<Sink> open_portaudio_sink(const std::string& device, int rate, int channels,
                                          double latency_seconds) {
  return std::make_unique<PortAudioSink>(device, rate, channels, latency_seconds);
}

}  // namespace loa
