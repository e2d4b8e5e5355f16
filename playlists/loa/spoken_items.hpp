#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "loa/diagnostics.hpp"
#include "loa/programme.hpp"
#include "loa/yaml_tree.hpp"

namespace loa {

// The longest text one say item may hold, in characters (code points): about 25 minutes of speech.
inline constexpr std::size_t kMaxSayCharacters = 10'000;

// Reads `{say: TEXT}` or `{say_file: FILE}` (FILE relative to station.clips) into a spoken clip
// item spoken in the station's voice. Reports empty, overlong, non-UTF-8 or unreadable text at its
// line and returns nullopt. The text is kept in Unicode NFC with its ends trimmed.
std::optional<PlayItem> read_spoken_item(const YamlNode& n, const StationSettings& s,
                                         Diagnostics& d);

// How a say item is shown in journal, plan and log: `say: "Thông báo: ngày mai cúp…"`, the start of
// the text (valid UTF-8) on one line, cut after a whole word.
std::string say_item_name(std::string_view text);

// Reports, at the item, text written in a script that the item's voice cannot speak (Chinese or
// Thai characters for voice vi). Only Latin-script voices (vi and others whose name is not in a
// known non-Latin list) are checked; any voice may read digits and punctuation.
void check_speakable(const PlayItem& item, Diagnostics& d);

// The checks read_spoken_item and check_speakable make, for text given outside a programme file
// (`loa say`, a notice from the control page): "" when `voice` can speak `text`, or what is wrong
// in plain words (not UTF-8, empty, longer than kMaxSayCharacters, a character the voice cannot
// speak). On return `text` is as a say item keeps it: Unicode NFC with its ends trimmed.
std::string spoken_text_problem(std::string& text, const SpeechVoice& voice);

}  // namespace loa
