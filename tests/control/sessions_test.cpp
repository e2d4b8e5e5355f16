// Sessions of logged-in people: how long they last, and what ends them.
#include "loa/sessions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace loa {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const Account kLan{"lan", Role::operator_, {"ap-1"}};
const Account kMai{"mai", Role::admin, {}};

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::ranges::all_of(s, [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

TEST(Sessions, ASessionHasLongRandomSecretsAndItsAccount) {
  SessionTable table;
  const Session a = table.create(kLan);
  const Session b = table.create(kLan);
  EXPECT_TRUE(is_hex64(a.id)) << a.id;
  EXPECT_TRUE(is_hex64(a.csrf)) << a.csrf;
  EXPECT_NE(a.id, a.csrf);
  EXPECT_NE(a.id, b.id);
  const auto found = table.find(a.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->csrf, a.csrf);
  EXPECT_EQ(found->account.name, "lan");
  EXPECT_EQ(found->account.zones, kLan.zones);
  EXPECT_FALSE(table.find("").has_value());
  EXPECT_FALSE(table.find(a.csrf).has_value());
}

TEST(Sessions, EndAfterTwelveHoursIdle) {
  SessionTable table;
  const Session s = table.create(kLan);
  table.advance_for_test(hours(12) - seconds(1));
  EXPECT_TRUE(table.find(s.id).has_value());
  table.advance_for_test(hours(12));
  EXPECT_FALSE(table.find(s.id).has_value());
}

TEST(Sessions, UseKeepsASessionAlive) {
  SessionTable table(hours(1));
  const Session s = table.create(kLan);
  for (int i = 0; i < 5; ++i) {
    table.advance_for_test(std::chrono::minutes(50));
    EXPECT_TRUE(table.find(s.id).has_value()) << i;
  }
  table.advance_for_test(hours(1));
  EXPECT_FALSE(table.find(s.id).has_value());
}

TEST(Sessions, LogoutAndRemovedUsersEndSessions) {
  SessionTable table;
  const Session lan1 = table.create(kLan);
  const Session lan2 = table.create(kLan);
  const Session mai = table.create(kMai);
  table.remove(lan1.id);
  EXPECT_FALSE(table.find(lan1.id).has_value());
  EXPECT_TRUE(table.find(lan2.id).has_value());
  table.remove_account("lan");
  EXPECT_FALSE(table.find(lan2.id).has_value());
  EXPECT_TRUE(table.find(mai.id).has_value());
  table.remove("no such session");
}

TEST(Sessions, WhenFullTheLeastRecentlyUsedGoes) {
  SessionTable table(hours(12), 2);
  const Session a = table.create(kLan);
  table.advance_for_test(seconds(1));
  const Session b = table.create(kMai);
  table.advance_for_test(seconds(1));
  ASSERT_TRUE(table.find(a.id).has_value());
  table.advance_for_test(seconds(1));
  const Session c = table.create(kMai);
  EXPECT_TRUE(table.find(a.id).has_value());
  EXPECT_FALSE(table.find(b.id).has_value());
  EXPECT_TRUE(table.find(c.id).has_value());
}

TEST(Sessions, SameSecretComparesWholeSecrets) {
  const std::string csrf(64, 'a');
  EXPECT_TRUE(same_secret(csrf, std::string(64, 'a')));
  EXPECT_FALSE(same_secret(csrf, std::string(63, 'a') + "b"));
  EXPECT_FALSE(same_secret(csrf, std::string(63, 'a')));
  EXPECT_FALSE(same_secret(csrf, ""));
}

}  // namespace
}  // namespace loa
