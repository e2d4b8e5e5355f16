#pragma once

// Which capture device an input's `device` names, looked up now, for `loa check --online`.

#include <optional>
#include <string>

#include "loa/portaudio_output.hpp"

namespace loa {

// The capture device `device` names, resolved as an input item resolves it when it airs
// (InputSound: "default", "jack", a number, or a name or part of one), or nullopt with `why`
// set ("no capture device has that name ..."). Initialises PortAudio for the call (the JACK
// client it opens, if any, is closed again). Throws std::runtime_error if PortAudio cannot
// initialise. Blocks the calling thread; not for the audio or producer threads.
std::optional<AudioDevice> find_input_device(const std::string& device, std::string& why);

}  // namespace loa
