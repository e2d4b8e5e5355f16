#pragma once
// People's accounts for the control API: who may log in, with which role, on which zones.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "loa/messages.hpp"

namespace loa {

// Ordered: a higher role may do all a lower one may.
enum class Role { viewer = 0, operator_ = 1, admin = 2 };

// "viewer", "operator", "admin".
std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view s);

struct Account {
  std::string name;
  Role role = Role::viewer;
  std::vector<std::string> zones;  // zone ids the account may play/stop on; empty = every zone
};

// What is wrong with a name, password or zone given for an account: what() in English, `message`
// with its code (for the control page).
struct InvalidAccount : std::invalid_argument {
  explicit InvalidAccount(Message m) : std::invalid_argument(m.text()), message(std::move(m)) {}
  Message message;
};

// Throws InvalidAccount with the message AccountStore::add() gives for a bad name; for
// checking a name before asking for a password.
void check_account_name(std::string_view name);

// Where accounts live: users.db in the station's state folder.
std::filesystem::path accounts_path(const std::filesystem::path& state_folder);

// Accounts in an SQLite file (created with mode 0600, its folder too if missing), passwords stored
// only as libsodium crypto_pwhash_str strings (Argon2id, OPSLIMIT/MEMLIMIT_INTERACTIVE). Every call
// reads the file, so accounts changed by another process (loa user) count at once.
// Thread-safe. Throws std::runtime_error naming the file on SQLite failures; InvalidAccount
// with a plain operator-facing message for a bad name (1..64 chars: letters a-z A-Z, digits, . _ -;
// starting with a letter or digit), a password of fewer than 10 characters or over 1024 bytes.
class AccountStore {
 public:
  explicit AccountStore(const std::filesystem::path& file);
  ~AccountStore();
  AccountStore(const AccountStore&) = delete;
  AccountStore& operator=(const AccountStore&) = delete;

  // Adds an account; if `name` exists: replaces it when `replace`, else throws
  // InvalidAccount ("user 'x' exists; use --replace to change it"). Zone ids must be
  // non-empty and hold no comma (the store does not know the station's zones; the caller checks).
  void add(const Account& account, std::string_view password, bool replace);
  bool remove(std::string_view name);  // false if there was none
  std::vector<Account> list() const;   // by name
  std::optional<Account> find(std::string_view name) const;
  // The account when the password is right, else nullopt. Takes about the same time whether or
  // not the user exists (an unknown user is checked against a dummy hash). Never throws for bad
  // input; may throw std::runtime_error on SQLite failures.
  std::optional<Account> verify(std::string_view name, std::string_view password) const;

 private:
  struct Impl;
  mutable std::mutex mutex_;  // guards impl_'s connection and statements
  std::unique_ptr<Impl> impl_;
};

}  // namespace loa
