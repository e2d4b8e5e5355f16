#include "loa/key_synonyms.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace loa {

namespace {

struct Synonym {
  std::string_view typed;
  // What it means, in order of likelihood: the first that the mapping has is the one meant.
  std::array<std::string_view, 2> meant;
};

// Words from other playout tools, calendars and spreadsheets. Near misses in spelling are left to
// the edit distance; this table is for different words.
constexpr std::array kSynonyms = {
    Synonym{"to", {"until", "between"}},
    Synonym{"end", {"until"}},
    Synonym{"ends", {"until"}},
    Synonym{"till", {"until"}},
    Synonym{"expires", {"until"}},
    Synonym{"stop", {"until"}},
    Synonym{"begin", {"from"}},
    Synonym{"since", {"from"}},
    Synonym{"start", {"from"}},
    Synonym{"time", {"at"}},
    Synonym{"times", {"at"}},
    Synonym{"when", {"at"}},
    Synonym{"hour", {"at"}},
    Synonym{"clips", {"play"}},
    Synonym{"items", {"play", "clips"}},
    Synonym{"files", {"play", "clips"}},
    Synonym{"tracks", {"play", "clips"}},
    Synonym{"playlist", {"play"}},
    Synonym{"name", {"title"}},
    Synonym{"title", {"name"}},
    Synonym{"interval", {"every"}},
    Synonym{"period", {"every"}},
    Synonym{"frequency", {"every"}},
    Synonym{"weekdays", {"days"}},
    Synonym{"weekday", {"days"}},
    Synonym{"day", {"days"}},
    Synonym{"date", {"dates"}},
    Synonym{"monthday", {"monthdays"}},
    Synonym{"exceptions", {"except"}},
    Synonym{"exclude", {"except"}},
    Synonym{"skip", {"except"}},
    Synonym{"validity", {"valid"}},
    Synonym{"zone", {"zones"}},
    Synonym{"areas", {"zones"}},
    Synonym{"level", {"priority"}},
    Synonym{"prio", {"priority"}},
    Synonym{"loop", {"repeat"}},
    Synonym{"loops", {"repeat"}},
    Synonym{"count", {"repeat", "pick"}},
    Synonym{"pause", {"gap"}},
    Synonym{"shuffle", {"order"}},
    Synonym{"mode", {"order"}},
    Synonym{"jingle", {"chime"}},
    Synonym{"bell", {"chime"}},
    Synonym{"ref", {"reference"}},
    Synonym{"tz", {"timezone"}},
    Synonym{"device", {"output"}},
    Synonym{"includes", {"include"}},
    Synonym{"import", {"include"}},
};

bool same_word(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::string key_meant(std::string_view typed, const std::vector<std::string>& keys) {
  for (const Synonym& s : kSynonyms) {
    if (!same_word(s.typed, typed)) continue;
    for (const std::string_view meant : s.meant) {
      if (meant.empty()) continue;
      if (std::find(keys.begin(), keys.end(), meant) != keys.end()) return std::string(meant);
    }
  }
  return {};
}

}  // namespace loa
