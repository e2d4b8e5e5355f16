#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace loa {

// Where the air (or preview) output goes: interleaved float frames, one channel per output channel.
// Opened, written and closed by one thread (the producer). Implementations: WAV file, null,
// PortAudio.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual int channels() const = 0;
  virtual int rate() const = 0;
  // Writes `frames` interleaved frames. A paced sink (PortAudio, paced null) blocks until there is
  // room, so the caller runs no more than a buffer ahead of the sound card. Throws
  // std::runtime_error on a device or disk failure.
  virtual void write(std::span<const float> interleaved) = 0;
  // Waits until everything written has been played (or written to disk). A WAV file throws
  // std::runtime_error if its last writes fail (a full disk).
  virtual void drain() = 0;
};

// A 16-bit PCM WAV file, written as fast as it is fed. `live` (a recording of the air, read while
// it grows): its header is brought up to date every second of audio, not only when it is closed.
// Throws std::runtime_error naming the file if it cannot be created.
std::unique_ptr<Sink> open_wav_sink(const std::filesystem::path& file, int rate, int channels,
                                    bool live = false);

// Discards audio; `paced` makes write() take as long as the audio lasts (real time).
std::unique_ptr<Sink> open_null_sink(int rate, int channels, bool paced);

}  // namespace loa
