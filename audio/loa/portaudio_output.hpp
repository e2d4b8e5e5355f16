#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "loa/sink.hpp"

namespace loa {

// A sound device as PortAudio sees it. With the JACK host API every JACK client with audio ports
// is a device ("system" is the sound card); its rate is the JACK server's.
struct AudioDevice {
  int index = -1;  // PortAudio's device number; stable only while nothing is plugged in or out
  std::string name;
  std::string host_api;  // "ALSA", "JACK Audio Connection Kit", ...
  int max_output_channels = 0;
  int max_input_channels = 0;
  double default_rate = 0;
  bool default_output = false;  // PortAudio's default output device (of the default host API)
  bool default_input = false;
};

// Keeps PortAudio initialised while it lives (reference counted, thread-safe). The first session
// initialises PortAudio with its stderr chatter (ALSA probing, JACK "cannot connect") silenced;
// set LOA_AUDIO_DEBUG=1 in the environment to see it. Throws std::runtime_error if PortAudio
// cannot initialise.
class PortAudioSession {
 public:
  PortAudioSession();
  ~PortAudioSession();
  PortAudioSession(const PortAudioSession&) = delete;
  PortAudioSession& operator=(const PortAudioSession&) = delete;
};

// The name loa's JACK client gets (default "loa"; JACK adds "-01" etc. if it is taken). Takes
// effect the next time PortAudio initialises, i.e. when no PortAudioSession is alive.
void set_jack_client_name(const std::string& name);

// Every input and output device, in PortAudio's order. Throws std::runtime_error if PortAudio
// cannot initialise.
std::vector<AudioDevice> list_audio_devices();

// The output device `device` names, as open_portaudio_sink() resolves it: "default" (PortAudio's
// default output), a device number, an exact device name, "jack" (the JACK server's default
// output, usually "system") or "jack:NAME" (the JACK client NAME). Throws std::runtime_error that
// names `device` and lists the output devices that exist if there is no such output device.
AudioDevice find_output_device(const std::string& device);

// Plays through a PortAudio output stream. write() (the producer, one thread) pushes into a
// lock-free ring of at least 250 ms and sleeps while it is full; the audio callback only copies
// from the ring to the device (silence when it runs dry), so it never locks, allocates or blocks.
// Audio starts once the ring has filled (or at drain()), so playback begins with a full cushion.
class PortAudioSink final : public Sink {
 public:
  // Opens and starts the stream (silent until the first frames are written). `latency_seconds`
  // is PortAudio's suggested output latency (0: the device's default). Throws std::runtime_error
  // naming `device` and listing the output devices if it cannot be opened, and
  // std::invalid_argument for a rate or channel count < 1.
  PortAudioSink(const std::string& device, int rate, int channels, double latency_seconds = 0.1);
  ~PortAudioSink() override;  // stops at once and closes; never throws
  PortAudioSink(const PortAudioSink&) = delete;
  PortAudioSink& operator=(const PortAudioSink&) = delete;

  int channels() const override;
  int rate() const override;
  // Blocks (sleeping 2 ms at a time) while the ring is full. Restarts the stream after drain() or
  // stop(). Throws std::runtime_error if the device stops taking audio (e.g. the JACK server
  // went away).
  void write(std::span<const float> interleaved) override;
  // Waits until the ring is empty and its last frames have left the device (the stream's output
  // latency), then stops the stream. Running dry while draining is not an underrun.
  void drain() override;
  // Fades out what is playing over `fade` (from the next audio buffer on, in the callback),
  // discards what is still queued, and stops the stream. For Ctrl-C: no click, no waiting for the
  // queued audio to play out.
  void stop(std::chrono::milliseconds fade = std::chrono::milliseconds(50));

  // When a frame leaves the sound card: frame number `frame` (counted as frames_written() counts,
  // as long as stop() has discarded nothing) is heard at `dac` (PortAudio's outputBufferDacTime,
  // carried over to steady_clock). From the latest callback that played audio; nullopt before
  // any has. The engine re-anchors its timeline on it, so the card's drift never accumulates.
  struct FrameClock {
    std::uint64_t frame = 0;
    std::chrono::steady_clock::time_point dac;
  };
  std::optional<FrameClock> frame_clock() const;
  // Frames the callback has taken from the ring (and handed to the device) since the sink opened.
  std::uint64_t frames_played() const;
  // Frames write() has accepted since the sink opened (discarded frames included).
  std::uint64_t frames_written() const;
  // Callbacks that found the ring short while audio was flowing (the producer fell behind).
  std::uint64_t underruns() const;
  // Callbacks PortAudio flagged with an output underflow (the host, e.g. a JACK xrun).
  std::uint64_t device_xruns() const;
  // Seconds between a frame leaving the callback and being heard, as PortAudio reports it
  // (Pa_GetStreamInfo()->outputLatency).
  double output_latency() const;
  // The device the stream plays on.
  const AudioDevice& device() const;
  // The JACK client name PortAudio registered (its ports are NAME:out_N), or "" off JACK.
  std::string jack_client_name() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The same as a Sink.
std::unique_ptr<Sink> open_portaudio_sink(const std::string& device, int rate, int channels,
                                          double latency_seconds = 0.1);

namespace portaudio_detail {
// With a PortAudioSession alive: PortAudio's index of the output device `device` names, or -1 with
// `why` set.
int resolve_output(const std::string& device, std::string& why);
// With a PortAudioSession alive: PortAudio's index of the capture device `device` names ("" or
// "default", "jack" for the JACK server's, a number, or a name or part of one, as the first
// device with input channels whose name contains it), or -1 with `why` set.
int resolve_input(const std::string& device, std::string& why);
// With a PortAudioSession alive: every device.
std::vector<AudioDevice> devices();
// The error message for `device` that cannot be opened because of `why`, listing the output
// devices that exist and what to do. With a PortAudioSession alive.
std::string open_error(const std::string& device, const std::string& why);
}  // namespace portaudio_detail

}  // namespace loa
