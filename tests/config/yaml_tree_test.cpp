#include "loa/yaml_tree.hpp"

#include <gtest/gtest.h>

#include "loa/did_you_mean.hpp"
#include "loa/yaml_read.hpp"

namespace loa {
namespace {

std::string first_message(const Diagnostics& d) {
  return d.all().empty() ? "" : format(d.all().front());
}

TEST(YamlTree, NodesCarryTheirLineAndColumn) {
  Diagnostics d;
  auto root = load_yaml_text("a: 1\nb:\n  - x\n  - {y: 2}\n", "s.yaml", d);
  ASSERT_TRUE(root);
  const YamlNode* b = root->find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->is_sequence());
  EXPECT_EQ(b->items[1].pos.line, 4);
  EXPECT_EQ(b->items[1].pos.column, 5);
  EXPECT_EQ(b->items[1].find("y")->value, "2");
  EXPECT_EQ(b->items[1].pos.str(), "s.yaml:4:5");
}

TEST(YamlTree, QuotedAndPlainScalarsAreKeptApart) {
  Diagnostics d;
  auto root = load_yaml_text("a: \"06:00\"\nb: 06:00\nc: ~\nd: 'null'\n", "s.yaml", d);
  ASSERT_TRUE(root);
  EXPECT_FALSE(root->find("a")->plain);
  EXPECT_EQ(root->find("b")->value, "06:00");
  EXPECT_TRUE(root->find("c")->is_null());
  EXPECT_TRUE(root->find("d")->is_scalar());
}

TEST(YamlTree, SyntaxErrorsNameTheLine) {
  Diagnostics d;
  EXPECT_FALSE(load_yaml_text("a: [1, 2\nb: 3\n", "s.yaml", d));
  ASSERT_TRUE(d.has_errors());
  EXPECT_NE(first_message(d).find("s.yaml:"), std::string::npos);
  EXPECT_NE(first_message(d).find("invalid YAML"), std::string::npos);
}

TEST(YamlTree, TabIndentationIsAnErrorAtItsLine) {
  Diagnostics d;
  EXPECT_FALSE(load_yaml_text("a:\n\tb: 1\n", "s.yaml", d));
  EXPECT_EQ(first_message(d), "s.yaml:2:1: error: tab used for indentation; YAML needs spaces");
}

TEST(YamlTree, InvalidUtf8IsAnErrorAtItsByte) {
  Diagnostics d;
  EXPECT_FALSE(load_yaml_text("name: caf\xE9\n", "s.yaml", d));
  EXPECT_EQ(first_message(d),
            "s.yaml:1:10: error: invalid UTF-8 (byte 0xE9); save the file as UTF-8");
}

TEST(YamlTree, VietnameseTextIsFine) {
  Diagnostics d;
  auto root = load_yaml_text("name: Đài truyền thanh xã Mỹ An Hưng A\n", "s.yaml", d);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->find("name")->value, "Đài truyền thanh xã Mỹ An Hưng A");
  EXPECT_FALSE(d.has_errors());
}

TEST(YamlTree, AliasBombIsStoppedBeforeItGrows) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'k'; ++c) {
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [";
    for (int i = 0; i < 9; ++i) bomb += (i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = std::string(1, c);
  }
  Diagnostics d;
  EXPECT_FALSE(load_yaml_text(bomb, "bomb.yaml", d));
  EXPECT_NE(first_message(d).find("aliases"), std::string::npos);
}

TEST(YamlTree, DeepNestingIsRefused) {
  Diagnostics d;
  EXPECT_FALSE(load_yaml_text(std::string(10000, '[') + std::string(10000, ']'), "deep.yaml", d));
  EXPECT_TRUE(d.has_errors());
}

TEST(YamlTree, MergeKeysApply) {
  Diagnostics d;
  auto root =
      load_yaml_text("base: &b {late: 10m, repeat: 2}\nslot: {<<: *b, repeat: 3}\n", "s.yaml", d);
  ASSERT_TRUE(root);
  const YamlNode* slot = root->find("slot");
  EXPECT_EQ(slot->find("late")->value, "10m");
  EXPECT_EQ(slot->find("repeat")->value, "3");
  EXPECT_EQ(slot->find("<<"), nullptr);
}

TEST(YamlTree, DuplicateKeysAreErrors) {
  Diagnostics d;
  load_yaml_text("a: 1\nb: 2\na: 3\n", "s.yaml", d);
  EXPECT_EQ(first_message(d),
            "s.yaml:3:1: error: duplicate key 'a' (first set at line 1); keep only one");
}

TEST(YamlTree, SecondDocumentIsAnError) {
  Diagnostics d;
  EXPECT_FALSE(load_yaml_text("a: 1\n---\nb: 2\n", "s.yaml", d));
  EXPECT_TRUE(d.has_errors());
}

TEST(YamlTree, OversizedFileIsRefused) {
  Diagnostics d;
  YamlLimits limits;
  limits.max_bytes = 100;
  EXPECT_FALSE(load_yaml_text(std::string(200, 'a'), "big.yaml", d, limits));
  EXPECT_NE(first_message(d).find("larger than"), std::string::npos);
}

TEST(YamlTree, MissingFileIsAnError) {
  Diagnostics d;
  EXPECT_FALSE(load_yaml_file("/nonexistent/station.yaml", "/nonexistent/station.yaml", d));
  EXPECT_NE(first_message(d).find("cannot open"), std::string::npos);
}

TEST(MapReader, UnknownKeysGetASuggestion) {
  Diagnostics d;
  auto root = load_yaml_text("priorty: high\n", "s.yaml", d);
  { MapReader r(*root, "programme", {"id", "priority"}, d); }
  EXPECT_EQ(first_message(d),
            "s.yaml:1:1: error: unknown key 'priorty' in programme (did you mean 'priority'?)");
}

TEST(DidYouMean, OnlySuggestsCloseNames) {
  EXPECT_EQ(closest_match("ap1", {"ap-1", "ap-2", "cho"}), "ap-1");
  EXPECT_EQ(closest_match("zzzzzz", {"ap-1", "ap-2"}), "");
  EXPECT_EQ(closest_match("Weekdays", {"weekdays", "weekends"}), "weekdays");
}

}  // namespace
}  // namespace loa
