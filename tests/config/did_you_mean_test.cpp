// What loa suggests when an operator writes a key, an id or a name it does not know: the word
// other tools use for a key, and Vietnamese typed where an ASCII id is expected.
#include "loa/did_you_mean.hpp"

#include <gtest/gtest.h>

#include "loa/unicode_text.hpp"

namespace loa {
namespace {

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
