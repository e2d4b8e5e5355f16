#pragma once

// A capture input (the station's `audio.inputs`: an FM/AM tuner or a mixing desk on line-in, a
// microphone) aired as an item of a known length, with the same dead-air fallback as a relay.
//
// Threads and the contract with the audio side:
// - open_input() starts one thread per input and returns at once. That thread opens the capture
//   device with PortAudio, whose callback only copies the input's channel into a lock-free ring;
//   the thread resamples it to the station's rate (soxr, HQ) when the device runs at another, and
//   writes it into the live stream's jitter buffer.
// - read() (the producer thread that mixes, never the audio callback) never waits on the device:
//   it fills its block with what arrived (the fallback or silence otherwise) and ends exactly at
//   `frames`.
// - A device that is missing, or that stops delivering audio mid-slot (a USB card unplugged, the
//   JACK server gone), is reported (lost, with the reason) and opened again with backoff (1 s
//   doubling to 30 s) until the item ends; the fallback covers the dead air meanwhile.
//   PortAudio lists devices when it starts: a device plugged in again is seen once no other
//   PortAudio user (the air's output) holds it open.
// - The input's thread measures what arrives, before any levelling, into `level` (the speaker's
//   meter).
// - What happens is reported as RelayEvents: `connected` says the device's name in `reason`, its
//   rate and channel count; codec "pcm".

#include <cstdint>
#include <memory>
#include <string>

#include "loa/input_level.hpp"
#include "loa/mono_source.hpp"
#include "loa/relay.hpp"

namespace loa {

// What an input item sounds like (an alternative of Sound, sound.hpp).
struct InputSound {
  std::string device;       // "default", "jack", a number, or the device's name or part of it
  int channel = 1;          // the device's channel carrying the input, from 1
  std::int64_t frames = 0;  // its length at the station's rate: the input ends exactly there
  RelaySettings settings;   // dead air, fallback, jitter, backoff, level_to_lufs as a relay's
  std::shared_ptr<RelayEvents> events;  // may be null: nothing is reported
  std::shared_ptr<InputLevel> level;    // may be null: the input as it arrives is not measured
};

// Opens an input for airing: mono at `rate`, times `gain` (as a relay: levelled if
// settings.level_to_lufs is set). Starts its thread and returns at once. Throws
// std::invalid_argument for a channel under 1 or a non-positive rate; never throws for the
// device (a missing device is dead air, reported). Not real-time safe.
std::unique_ptr<MonoSource> open_input(const InputSound& input, int rate, float gain);

}  // namespace loa
