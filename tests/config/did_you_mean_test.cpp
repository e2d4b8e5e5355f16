// What loa suggests when an operator writes a key, an id or a name it does not know: the word
// other tools use for a key, and Vietnamese typed where an ASCII id is expected.
#include "loa/did_you_mean.hpp"

#include <gtest/gtest.h>

#include "loa/unicode_text.hpp"
#include "loa/yaml_read.hpp"

namespace loa {
namespace {

// The messages a mapping with `text` gets when read with `keys`.
std::vector<std::string> unknown_keys(const std::string& text, const std::string& what,
                                      std::initializer_list<std::string_view> keys) {
  Diagnostics d;
  auto root = load_yaml_text(text, "s.yaml", d);
  { MapReader r(*root, what, keys, d); }
  std::vector<std::string> out;
  for (const auto& m : d.all()) out.push_back(format(m));
  return out;
}

TEST(KeysFromOtherTools, ValidToSuggestsUntil) {
  EXPECT_EQ(unknown_keys("from: 2026-01-01\nto: 2026-06-30\n", "valid section", {"from", "until"}),
            std::vector<std::string>{
                "s.yaml:2:1: error: unknown key 'to' in valid section (did you mean 'until'?)"});
  for (const char* word : {"end", "till", "End"}) {
    EXPECT_EQ(
        unknown_keys(std::string(word) + ": 2026-06-30\n", "valid section", {"from", "until"}),
        std::vector<std::string>{"s.yaml:1:1: error: unknown key '" + std::string(word) +
                                 "' in valid section (did you mean 'until'?)"});
  }
}

TEST(KeysFromOtherTools, SlotAndProgrammeWords) {
  const std::initializer_list<std::string_view> slot = {
      "at", "every", "between", "days", "dates", "monthdays", "play", "repeat", "gap", "start"};
  const auto says = [&](const std::string& key, const std::string& meant) {
    const auto m = unknown_keys(key + ": x\n", "slot", slot);
    return m.size() == 1 && m[0] == "s.yaml:1:1: error: unknown key '" + key +
                                        "' in slot (did you mean '" + meant + "'?)";
  };
  EXPECT_TRUE(says("time", "at"));
  EXPECT_TRUE(says("times", "at"));
  EXPECT_TRUE(says("clips", "play"));
  EXPECT_TRUE(says("items", "play"));
  EXPECT_TRUE(says("interval", "every"));
  EXPECT_TRUE(says("period", "every"));
  EXPECT_TRUE(says("weekdays", "days"));
  EXPECT_TRUE(says("date", "dates"));
  EXPECT_TRUE(says("to", "between"));
  // In a mapping that has the key, the word means that key: "items" of a playlist are its clips.
  EXPECT_EQ(unknown_keys("items: [a.wav]\n", "playlist 'l'", {"order", "pick", "clips"}),
            std::vector<std::string>{
                "s.yaml:1:1: error: unknown key 'items' in playlist 'l' (did you mean 'clips'?)"});
  EXPECT_EQ(unknown_keys("name: Bản tin\n", "programme", {"id", "title", "slots"}),
            std::vector<std::string>{
                "s.yaml:1:1: error: unknown key 'name' in programme (did you mean 'title'?)"});
}

TEST(KeysFromOtherTools, NoSuggestionForAKeyTheMappingLacks) {
  // "time" means at, but an amplifier has no at; nor is any of its keys spelt like it.
  EXPECT_EQ(unknown_keys("time: 3s\n", "amplifier", {"id", "zones", "on", "off", "warmup"}),
            std::vector<std::string>{"s.yaml:1:1: error: unknown key 'time' in amplifier"});
}

TEST(UnicodeText, ComposesAndFolds) {
  EXPECT_EQ(to_nfc("ba\u0301o ba\u0303o"), "báo bão");
  EXPECT_EQ(to_nfc("báo bão"), "báo bão");
  EXPECT_EQ(to_nfc("\xC3(bad"), "\xC3(bad");  // not UTF-8: left as it is
  EXPECT_EQ(fold_diacritics("Chợ Đình đông"), "Cho Dinh dong");
  EXPECT_EQ(fold_diacritics("Ấp 1"), "Ap 1");
  EXPECT_EQ(fold_diacritics("ba\u0301o"), "bao");
}

TEST(DidYouMean, AccentsTypedForAnAsciiId) {
  EXPECT_EQ(closest_match("chợ", {"ap-1", "ap-2", "cho"}), "cho");
  EXPECT_EQ(closest_match("tin-tức", {"tin-tuc", "nhac"}), "tin-tuc");
  EXPECT_EQ(did_you_mean("chợ", {"ap-1", "cho"}), " (did you mean 'cho'?)");
}

TEST(DidYouMean, ZonesByIdOrName) {
  const std::vector<NamedId> zones = {{"ap-1", "Ấp 1"}, {"ap-2", "Ấp 2"}, {"cho", "Chợ"}};
  EXPECT_EQ(did_you_mean_id("chợ", zones), " (did you mean 'cho' (Chợ)?)");
  EXPECT_EQ(did_you_mean_id("Chợ", zones), " (did you mean 'cho' (Chợ)?)");
  EXPECT_EQ(did_you_mean_id("Ấp 2", zones), " (did you mean 'ap-2' (Ấp 2)?)");
  EXPECT_EQ(did_you_mean_id("ap 2", zones), " (did you mean 'ap-2' (Ấp 2)?)");
  EXPECT_EQ(did_you_mean_id("ap1", zones), " (did you mean 'ap-1'?)");  // a plain typo
  EXPECT_EQ(did_you_mean_id("nha-van-hoa", zones), "");
}

}  // namespace
}  // namespace loa
