#include "loa/speech_settings.hpp"

#include "loa/diagnostics.hpp"
#include "loa/yaml_read.hpp"

namespace loa {

SpeechVoice read_speech_voice(const YamlNode& n, const SpeechVoice& base, Diagnostics& d) {
  SpeechVoice v = base;
  v.pos = n.pos;
  MapReader r(n, "speech section", {"voice", "rate", "pitch", "volume"}, d);
  if (!r.ok()) return v;
  if (const auto* x = r.get("voice")) {
    if (auto name = read_text(*x, "voice (an espeak-ng voice such as vi)", d)) {
      if (name->empty()) {
        d.error(x->pos, "speech.voice.empty");
      } else {
        v.voice = *name;
        v.pos = x->pos;
      }
    }
  }
  const auto number = [&](const char* key, const char* what, long lo, long hi, int& into) {
    if (const auto* x = r.get(key)) {
      into = static_cast<int>(read_integer(*x, what, lo, hi, d).value_or(into));
    }
  };
  number("rate", "rate (words per minute)", 80, 450, v.rate);
  number("pitch", "pitch", 0, 100, v.pitch);
  number("volume", "volume", 0, 200, v.volume);
  return v;
}

}  // namespace loa
