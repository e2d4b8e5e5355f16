#include "loa/spoken_items.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "loa/unicode_text.hpp"
#include "loa/yaml_read.hpp"

namespace loa {

namespace {

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Code points a Latin-script voice reads: Latin letters with every accent Vietnamese uses,
// combining accents, digits, punctuation and common symbols (°, ₫, –).
bool latin_speakable(char32_t c) {
  return c < 0x250 || (c >= 0x300 && c < 0x370) || (c >= 0x1E00 && c < 0x1F00) ||
         (c >= 0x2000 && c < 0x2070) || (c >= 0x20A0 && c < 0x20D0) || c == 0x2116;
}

std::string script_of(char32_t c) {
  const struct {
    char32_t from, to;
    const char* name;
  } scripts[] = {{0x370, 0x3FF, "Greek"},     {0x400, 0x52F, "Cyrillic"},
                 {0x590, 0x5FF, "Hebrew"},    {0x600, 0x6FF, "Arabic"},
                 {0xE00, 0xE7F, "Thai"},      {0xE80, 0xEFF, "Lao"},
                 {0x1780, 0x17FF, "Khmer"},   {0x3040, 0x30FF, "Japanese kana"},
                 {0x3400, 0x4DBF, "Chinese"}, {0x4E00, 0x9FFF, "Chinese"},
                 {0xAC00, 0xD7AF, "Korean"},  {0xF900, 0xFAFF, "Chinese"},
                 {0x1F000, 0x1FAFF, "emoji"}};
  for (const auto& s : scripts) {
    if (c >= s.from && c <= s.to) return s.name;
  }
  return "a script it does not know";
}

std::string hex(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

}  // namespace

std::string say_item_name(std::string_view text) {
  constexpr int kShown = 40;
  std::string out = "say: \"";
  int shown = 0;
  bool space = false;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool starts = (c & 0xC0) != 0x80;
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = true;
      continue;
    }
    if (starts && shown == kShown) {
      // Cut at the last whole word.
      if (const auto cut = out.rfind(' '); cut != std::string::npos && cut > 6) out.resize(cut);
      return out + "…\"";
    }
    if (starts && space && shown > 0) {
      out += ' ';
      ++shown;
    }
    space = false;
    out += ch;
    if (starts) ++shown;
  }
  return out + "\"";
}

std::optional<PlayItem> read_spoken_item(const YamlNode& n, const StationSettings& s,
                                         Diagnostics& d) {
  MapReader r(n, "say item", {"say", "say_file"}, d);
  const YamlNode* say = r.get("say");
  const YamlNode* file = r.get("say_file");
  if (say != nullptr && file != nullptr) {
    d.error(n.pos, "say.and_say_file");
    return std::nullopt;
  }
  const YamlNode& v = say != nullptr ? *say : *file;
  auto written = read_text(v, say != nullptr ? "say" : "say_file", d);
  if (!written) return std::nullopt;
  std::string text = *written;
  if (file != nullptr) {
    const auto path = s.clips / *written;
    std::error_code ec;
    const bool is_file = std::filesystem::is_regular_file(path, ec);
    // UTF-8 takes at most 4 bytes a character: a larger file is too long without reading it.
    if (is_file && std::filesystem::file_size(path, ec) > 4 * kMaxSayCharacters + 4096) {
      d.error(v.pos, {"say.file.too_long", {{"file", *written}, {"max", kMaxSayCharacters}}});
      return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (written->empty() || !is_file || !in) {
      d.error(v.pos, {"say.file.unreadable", {{"file", *written}, {"path", path.string()}}});
      return std::nullopt;
    }
    std::ostringstream all;
    all << in.rdbuf();
    text = all.str();
  }
  const auto points = code_points(text);
  if (!points) {
    d.error(v.pos, "say.not_utf8");
    return std::nullopt;
  }
  text = trimmed(to_nfc(text));
  if (text.empty()) {
    d.error(v.pos, file != nullptr ? Message{"say.file.empty", {{"file", *written}}}
                                   : Message{"say.empty"});
    return std::nullopt;
  }
  const auto nfc_points = code_points(text).value_or(*points);
  if (nfc_points.size() > kMaxSayCharacters) {
    d.error(v.pos, {"say.too_long", {{"length", nfc_points.size()}, {"max", kMaxSayCharacters}}});
    return std::nullopt;
  }
  PlayItem item;
  item.kind = PlayItem::Kind::clip;
  item.pos = v.pos;
  item.say = std::move(text);
  item.voice = s.audio.speech;
  item.ref = say_item_name(item.say);
  return item;
}

void check_speakable(const PlayItem& item, Diagnostics& d) {
  static const char* const kNonLatin[] = {"zh", "cmn", "yue", "hak", "ja", "ko", "th", "ru",
                                          "uk", "bg",  "ar",  "fa",  "he", "el", "hi", "km"};
  const std::string& voice = item.voice.voice;
  for (const char* other : kNonLatin) {
    if (voice == other || voice.starts_with(std::string(other) + "-")) return;
  }
  const auto points = code_points(item.say);
  if (!points) return;
  for (std::size_t i = 0; i < points->size(); ++i) {
    const char32_t c = (*points)[i];
    if (latin_speakable(c)) continue;
    d.error(item.pos,
            {"say.unspeakable",
             {{"index", i + 1}, {"char", hex(c)}, {"script", script_of(c)}, {"voice", voice}}});
    return;
  }
}

std::string spoken_text_problem(std::string& text, const SpeechVoice& voice) {
  if (!code_points(text)) return "the text is not UTF-8";
  text = trimmed(to_nfc(text));
  if (text.empty()) return "the text is empty; write the notice to be read";
  const auto points = code_points(text).value_or(std::u32string{});
  if (points.size() > kMaxSayCharacters) {
    return "the text is " + std::to_string(points.size()) +
           " characters long; a notice holds at most " + std::to_string(kMaxSayCharacters) +
           ": split it into several";
  }
  PlayItem item;
  item.say = text;
  item.voice = voice;
  Diagnostics d;
  check_speakable(item, d);
  return d.all().empty() ? "" : d.all().front().message;
}

}  // namespace loa
