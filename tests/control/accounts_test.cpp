// People's accounts: what users.db holds, who gets in, and what an operator is told when a name,
// a password or the file is wrong. Argon2id costs a good part of a second per hash, so the
// accounts most tests need are made once for the whole suite.
#include "loa/accounts.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <functional>
#include <memory>
#include <stdexcept>

#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

const char* kPassword = "mật khẩu đúng";

// The hash column of a user, read as another program would.
std::string stored_hash(const std::filesystem::path& file, const std::string& name) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT hash FROM users WHERE name = ?1", -1, &s, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(s, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  std::string hash;
  if (sqlite3_step(s) == SQLITE_ROW)
    hash = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return hash;
}

std::string invalid_argument_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument)";
}

class AccountsTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    store_ = std::make_unique<AccountStore>(accounts_path(dir_->path() / "state"));
    store_->add({"lan", Role::operator_, {"ap-1", "cho"}}, kPassword, false);
  }
  static void TearDownTestSuite() {
    store_.reset();
    dir_.reset();
  }
  static std::filesystem::path file() { return accounts_path(dir_->path() / "state"); }

  static std::unique_ptr<test::TempDir> dir_;
  static std::unique_ptr<AccountStore> store_;
};

std::unique_ptr<test::TempDir> AccountsTest::dir_;
std::unique_ptr<AccountStore> AccountsTest::store_;

TEST_F(AccountsTest, StoresAnArgon2idHashAndNeverThePassword) {
  EXPECT_EQ(file().filename(), "users.db");
  const std::string hash = stored_hash(file(), "lan");
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_EQ(hash.find(kPassword), std::string::npos);
}

TEST_F(AccountsTest, FileIsReadableByItsOwnerOnly) {
  struct stat st {};
  ASSERT_EQ(::stat(file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
}

TEST_F(AccountsTest, RightPasswordGivesTheAccount) {
  const auto a = store_->verify("lan", kPassword);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->name, "lan");
  EXPECT_EQ(a->role, Role::operator_);
  EXPECT_EQ(a->zones, (std::vector<std::string>{"ap-1", "cho"}));
}

TEST_F(AccountsTest, WrongPasswordIsRefused) {
  EXPECT_FALSE(store_->verify("lan", "mật khẩu sai").has_value());
}

TEST_F(AccountsTest, UnknownUserAndBadInputAreRefusedWithoutThrowing) {
  EXPECT_FALSE(store_->verify("nobody", kPassword).has_value());
  EXPECT_FALSE(store_->verify("../lan", "").has_value());
}

TEST_F(AccountsTest, AnotherStoreOnTheFileSeesTheAccount) {
  AccountStore again(file());
  const auto list = again.list();
  ASSERT_EQ(list.size(), 1U);
  EXPECT_EQ(list[0].name, "lan");
  EXPECT_EQ(again.find("lan")->zones.size(), 2U);
  EXPECT_FALSE(again.find("LAN").has_value());
}

TEST_F(AccountsTest, AnExistingNameIsNotReplacedWithoutBeingAsked) {
  const auto what = invalid_argument_of([] {
    store_->add({"lan", Role::admin, {}}, kPassword, false);
  });
  EXPECT_EQ(what, "user 'lan' exists; use --replace to change it");
  EXPECT_EQ(store_->find("lan")->role, Role::operator_);
}

TEST_F(AccountsTest, BadNamesAndPasswordsAreRefusedWithAPlainMessage) {
  for (const std::string& name : std::vector<std::string>{
           "", "-lan", ".lan", "lan mai", "lan/..", "Lân", std::string(65, 'a'), "lan;drop"}) {
    const auto what = invalid_argument_of([&] {
      store_->add({name, Role::viewer, {}}, kPassword, false);
    });
    EXPECT_NE(what.find("is not valid: use 1 to 64 letters"), std::string::npos) << name << what;
  }
  EXPECT_NO_THROW(check_account_name(std::string(64, 'a')));
  EXPECT_NO_THROW(check_account_name("9.Lan_Mai-2"));
  EXPECT_EQ(invalid_argument_of([] {
              store_->add({"mai", Role::viewer, {}}, "", false);
            }),
            "the password is empty; give one");
  // Ten characters at least, counted as people count them, not in bytes.
  EXPECT_EQ(invalid_argument_of([] {
              store_->add({"mai", Role::viewer, {}}, "mật khẩu", false);
            }),
            "the password has 8 characters; choose one of at least 10 (a few words are easy to "
            "remember and hard to guess)");
  EXPECT_NO_THROW(store_->add({"mai", Role::viewer, {}}, "mật khẩu 1", false));
  EXPECT_TRUE(store_->remove("mai"));
  EXPECT_NE(invalid_argument_of([] {
              store_->add({"mai", Role::viewer, {}}, std::string(1025, 'x'), false);
            }).find("longer than 1024 bytes"),
            std::string::npos);
  EXPECT_EQ(store_->list().size(), 1U);
}

TEST(Accounts, ReplacingChangesPasswordRoleAndZones) {
  test::TempDir dir;
  AccountStore store(dir / "users.db");
  store.add({"minh", Role::viewer, {"ap-1"}}, "mật khẩu cũ đây", false);
  store.add({"minh", Role::admin, {}}, "mật khẩu mới đây", true);
  EXPECT_FALSE(store.verify("minh", "mật khẩu cũ đây").has_value());
  const auto a = store.verify("minh", "mật khẩu mới đây");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->role, Role::admin);
  EXPECT_TRUE(a->zones.empty());
}

TEST(Accounts, ListIsByNameAndRemoveForgets) {
  test::TempDir dir;
  AccountStore store(dir / "users.db");
  store.add({"thu", Role::viewer, {}}, "mật khẩu một đây", false);
  store.add({"an", Role::admin, {}}, "mật khẩu hai đây", false);
  auto list = store.list();
  ASSERT_EQ(list.size(), 2U);
  EXPECT_EQ(list[0].name, "an");
  EXPECT_EQ(list[1].name, "thu");
  EXPECT_TRUE(store.remove("an"));
  EXPECT_FALSE(store.remove("an"));
  EXPECT_FALSE(store.find("an").has_value());
  EXPECT_EQ(store.list().size(), 1U);
}

TEST(Accounts, AFileThatIsNotADatabaseIsNamed) {
  test::TempDir dir;
  const auto file = dir.write("users.db", std::string(4096, 'x'));
  try {
    AccountStore store(file);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
}

TEST(Accounts, RolesAreOrderedAndNamed) {
  EXPECT_LT(Role::viewer, Role::operator_);
  EXPECT_LT(Role::operator_, Role::admin);
  for (Role r : {Role::viewer, Role::operator_, Role::admin})
    EXPECT_EQ(parse_role(role_name(r)), r);
  EXPECT_EQ(role_name(Role::operator_), "operator");
  EXPECT_FALSE(parse_role("operator_").has_value());
  EXPECT_FALSE(parse_role("Admin").has_value());
}

}  // namespace
}  // namespace loa
