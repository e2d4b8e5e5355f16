// The message catalog: every message in English and Vietnamese with the same placeholders, every
// code the sources use in it, and rendering by code as the command line and the page do.
#include "loa/messages.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "loa/diagnostics.hpp"
#include "loa/yaml_tree.hpp"

namespace loa {
namespace {

std::set<std::string> names_of(std::string_view tmpl) {
  auto v = placeholders(tmpl);
  return {v.begin(), v.end()};
}

TEST(MessageCatalog, EveryMessageHasBothLanguagesAndTheSamePlaceholders) {
  std::set<std::string_view> codes;
  for (const auto& m : kMessageCatalog) {
    EXPECT_TRUE(codes.insert(m.code).second) << "code listed twice: " << m.code;
    EXPECT_FALSE(m.en.empty()) << m.code;
    EXPECT_FALSE(m.vi.empty()) << m.code;
    EXPECT_EQ(names_of(m.en), names_of(m.vi))
        << m.code << ": the two templates must have the same placeholders";
  }
  EXPECT_GT(codes.size(), 100U);
}

// What the sources pass as a code: Message{"a.b"}, MessageCode{"a.b"}, error(pos, "a.b"),
// {"a.b", {params}} (a Message in braces), and in the page say('a.b'.
TEST(MessageCatalog, EveryCodeTheSourcesUseIsInTheCatalog) {
  const std::regex code_use(
      R"re((?:Message\{|MessageCode\{|(?:error|warning)\([^;"]*, |\{)\s*"([a-z_]+(?:\.[a-z_0-9]+)+)",?\s*[{}),])re");
  std::size_t found = 0;
  for (const char* dir : {"config", "playlists", "scheduler", "control", "reports", "air", "app"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(
             std::filesystem::path(LOA_SOURCE_DIR) / dir)) {
      const auto ext = e.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      std::ifstream in(e.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      for (std::sregex_iterator it(s.begin(), s.end(), code_use), end; it != end; ++it) {
        const std::string code = (*it)[1];
        if (code.find('.') == std::string::npos) continue;
        ++found;
        const MessageText* m = find_message(code);
        ASSERT_NE(m, nullptr) << e.path() << " uses code " << code << ", not in the catalog";
      }
    }
  }
  EXPECT_GT(found, 100U) << "the scan found the codes";
}

TEST(Messages, RenderEachLanguageWithNestedMessages) {
  const Message m{
      "zone.unknown",
      {{"zone", "chợ"}, {"suggestion", Message{"hint.did_you_mean", {{"meant", "cho"}}}}}};
  EXPECT_EQ(m.text(), "unknown zone 'chợ' (did you mean 'cho'?); zones are declared under zones:");
  EXPECT_EQ(m.text(Language::vi),
            "không có vùng 'chợ' (có phải ý bạn là 'cho'?); các vùng được khai báo trong zones:");
  const Message none{"zone.unknown", {{"zone", "xyz"}, {"suggestion", ""}}};
  EXPECT_EQ(none.text(), "unknown zone 'xyz'; zones are declared under zones:");
}

TEST(Messages, BracesThatAreNotPlaceholdersStayAsWritten) {
  EXPECT_EQ(Message{"play.item_forms"}.text(),
            "a play item is a clip path, playlist:ID, {silence: 3s}, {say: TEXT}, {say_file: "
            "FILE}, {relay: URL, for: 30m} or {input: ID, for: 15m}");
  EXPECT_EQ(render_template("{a} {missing} {b c}", {{"a", "1"}}, Language::en),
            "1 {missing} {b c}");
}

TEST(Messages, DiagnosticsKeepTheirEnglishAndSayItInVietnamese) {
  Diagnostics d;
  load_yaml_text("a: 1\na: 2\n", "station.yaml", d);
  ASSERT_EQ(d.all().size(), 1U);
  const Diagnostic& x = d.all()[0];
  EXPECT_EQ(x.code, "yaml.duplicate_key");
  EXPECT_EQ(format(x),
            "station.yaml:2:1: error: duplicate key 'a' (first set at line 1); keep only one");
  EXPECT_EQ(format(x, Language::vi),
            "station.yaml:2:1: lỗi: khoá 'a' bị lặp (đã ghi ở dòng 1); chỉ giữ một");
}

// gettext's order: LANGUAGE (unless the locale is C), LC_ALL, LC_MESSAGES, LANG.
TEST(Messages, LanguageFromTheEnvironment) {
  const auto with = [](const char* language, const char* all, const char* messages,
                       const char* lang) {
    const auto set = [](const char* name, const char* v) {
      if (v != nullptr) {
        setenv(name, v, 1);
      } else {
        unsetenv(name);
      }
    };
    set("LANGUAGE", language);
    set("LC_ALL", all);
    set("LC_MESSAGES", messages);
    set("LANG", lang);
    return language_from_environment();
  };
  EXPECT_EQ(with(nullptr, nullptr, nullptr, nullptr), Language::en);
  EXPECT_EQ(with(nullptr, nullptr, nullptr, "vi_VN.UTF-8"), Language::vi);
  EXPECT_EQ(with(nullptr, nullptr, "en_US.UTF-8", "vi_VN.UTF-8"), Language::en);
  EXPECT_EQ(with(nullptr, "vi_VN.UTF-8", "en_US.UTF-8", "en_US.UTF-8"), Language::vi);
  EXPECT_EQ(with("vi:en", nullptr, nullptr, "en_US.UTF-8"), Language::vi);
  EXPECT_EQ(with("fr:en", nullptr, nullptr, "vi_VN.UTF-8"), Language::en);
  EXPECT_EQ(with("vi", "C", nullptr, nullptr), Language::en);
  unsetenv("LANGUAGE");
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  unsetenv("LANG");
}

}  // namespace
}  // namespace loa
