// `loa say`: hear (or keep) a notice in the station's voice before it airs.
#include "command_say.hpp"

#include <iostream>

#include "command_play.hpp"
#include "commands.hpp"
#include "loa/speech.hpp"
#include "loa/spoken_items.hpp"
#include "loa/station_loader.hpp"

namespace loa {

int run_say(const SayArgs& args) {
  Diagnostics diags;
  const Station station = load_station(args.config, diags);
  if (diags.has_errors()) {
    diags.print(std::cerr, language_from_environment());
    std::cerr << "loa say: the station has errors; fix them first (loa check --config "
              << args.config.string() << ")\n";
    return kExitInvalid;
  }
  std::string text = args.text;
  const SpeechVoice& voice = station.settings.audio.speech;
  if (const std::string why = spoken_text_problem(text, voice); !why.empty()) {
    std::cerr << "loa say: " << why << '\n';
    return kExitInvalid;
  }
  const SpeechParams p{voice.voice, voice.rate, voice.pitch, voice.volume};
  const auto cached = speech_clip_file(station.settings.state, text, p);
  bool synthesized = false;
  if (const std::string why = ensure_speech_clip(cached, text, p, synthesized); !why.empty()) {
    std::cerr << "loa say: " << why << '\n';
    return kExitInvalid;
  }
  if (!args.out.empty()) {
    std::error_code ec;
    std::filesystem::copy_file(cached, args.out, std::filesystem::copy_options::overwrite_existing,
                               ec);
    if (ec) {
      std::cerr << "loa say: cannot write " << args.out.string() << ": " << ec.message() << '\n';
      return kExitInvalid;
    }
    std::cerr << "loa say: wrote " << args.out.string() << '\n';
    return kExitOk;
  }
  PlayArgs play;
  play.config = args.config;
  play.device = args.device;
  play.clips.push_back(cached);
  play.names.push_back(say_item_name(text));
  return run_play(play);
}

}  // namespace loa
