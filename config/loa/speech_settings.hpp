#pragma once

#include <optional>
#include <string>

#include "loa/source_pos.hpp"
#include "loa/yaml_tree.hpp"

namespace loa {

class Diagnostics;

// How the station speaks text (`say:` items): `audio.speech`, which a programme may override with
// its own `speech:`. Values in espeak-ng's own units.
struct SpeechVoice {
  std::string voice = "vi";  // an espeak-ng voice name
  int rate = 150;            // words per minute, 80..450
  int pitch = 50;            // 0..100
  int volume = 100;          // 0..200 (100 is espeak-ng's normal amplitude)
  SourcePos pos;             // where it is written (the voice's name, or the section)

  bool operator==(const SpeechVoice& o) const {
    return voice == o.voice && rate == o.rate && pitch == o.pitch && volume == o.volume;
  }
};

// Reads `{voice: vi, rate: 150, pitch: 50, volume: 100}`; keys not given keep `base`'s values.
// Reports mistakes to `d` and keeps the value of `base` for each wrong key.
SpeechVoice read_speech_voice(const YamlNode& n, const SpeechVoice& base, Diagnostics& d);

}  // namespace loa
