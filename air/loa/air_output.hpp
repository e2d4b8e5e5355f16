#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "loa/portaudio_output.hpp"
#include "loa/sink.hpp"
#include "loa/station_time.hpp"

namespace loa {

// Where `loa run` sends the air output, as audio.output (or --output) names it:
//  - "wav:PATH": a 16-bit WAV file written in real time, the whole run as one timeline (sample 0
//    airs at a whole second, logged at start), for recording and for tests;
//  - "null": discarded, in real time;
//  - anything else: a sound device (see loa devices), through PortAudio.
// Opened by the engine's thread ahead of a broadcast (a device is closed again while nothing is
// due, so an idle loa costs nothing); write() and the rest belong to that thread too.
class AirOutput {
 public:
  enum class Kind { wav, null, device };

  // Throws std::runtime_error naming the output (and, for a device, listing the devices).
  AirOutput(const std::string& spec, int rate, int channels);
  ~AirOutput();

  Kind kind() const { return kind_; }
  const std::string& spec() const { return spec_; }
  // Whether it may close while nothing is due (a WAV recording keeps its timeline).
  bool closes_when_idle() const { return kind_ != Kind::wav; }
  // A device paces the engine itself (write() waits for room); files and null are paced by the
  // engine against the system clock.
  bool paced_by_device() const { return kind_ == Kind::device; }

  // Writes interleaved frames. Throws std::runtime_error when the device fails or goes away.
  void write(std::span<const float> interleaved);
  // Frames written since it opened.
  std::int64_t written() const { return written_; }
  // When frame `frame` (counted as written() counts) is heard, by the sound card's clock carried
  // over to the system clock; nullopt for files and null, or before audio flows.
  std::optional<UtcTime> heard_at_frame(std::int64_t& frame) const;
  // Waits until what was written has been heard (or written to disk).
  void finish();

 private:
  std::string spec_;
  Kind kind_;
  std::unique_ptr<Sink> sink_;
  PortAudioSink* device_ = nullptr;  // sink_, when it is a device
  std::int64_t written_ = 0;
};

}  // namespace loa
