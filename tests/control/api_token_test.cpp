// The station's API token file: made once, private, and refused plainly when it is damaged.
#include "loa/api_token.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <functional>

#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

std::string runtime_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no std::runtime_error)";
}

TEST(ApiToken, MadeOnceAs64HexCharsInAPrivateFile) {
  test::TempDir dir;
  const auto state = dir / "state" / "nested";
  EXPECT_FALSE(read_api_token(state).has_value());
  const std::string token = load_or_create_api_token(state);
  EXPECT_EQ(token.size(), 64U);
  EXPECT_TRUE(std::ranges::all_of(token, [](char c) { return std::isxdigit(c) != 0; })) << token;
  EXPECT_EQ(load_or_create_api_token(state), token);
  EXPECT_EQ(read_api_token(state), token);
  struct stat st {};
  ASSERT_EQ(::stat((state / "api-token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);

  test::TempDir other;
  EXPECT_NE(load_or_create_api_token(other.path()), token);
}

TEST(ApiToken, TrailingWhitespaceIsIgnored) {
  test::TempDir dir;
  const std::string token(64, 'c');
  dir.write("api-token", token + " \r\n\n");
  EXPECT_EQ(load_or_create_api_token(dir.path()), token);
  EXPECT_EQ(read_api_token(dir.path()), token);
}

TEST(ApiToken, ADamagedFileIsRefusedPlainly) {
  for (const std::string& text : {std::string(), std::string("\n"), std::string(63, 'a'),
                                  std::string(65, 'a'), std::string(64, 'g')}) {
    test::TempDir dir;
    const auto file = dir.write("api-token", text);
    const std::string what = runtime_error_of([&] { load_or_create_api_token(dir.path()); });
    EXPECT_EQ(what, file.string() +
                        " is not a loa API token; delete it and restart loa run to make a new one");
    EXPECT_EQ(runtime_error_of([&] { read_api_token(dir.path()); }), what);
  }
}

TEST(ApiToken, AnUnreadableFileSaysWhoShouldRead) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  test::TempDir dir;
  const auto file = dir.write("api-token", std::string(64, 'a'));
  ASSERT_EQ(::chmod(file.c_str(), 0), 0);
  const std::string what = runtime_error_of([&] { read_api_token(dir.path()); });
  EXPECT_NE(what.find(file.string()), std::string::npos) << what;
  EXPECT_NE(what.find("run as the user that runs loa"), std::string::npos) << what;
}

}  // namespace
}  // namespace loa
