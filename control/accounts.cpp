#include "loa/accounts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sodium_init.hpp"
#include "sqlite_db.hpp"

namespace loa {

namespace {

constexpr std::array<std::string_view, 3> kRoleNames = {"viewer", "operator", "admin"};
constexpr std::size_t kMaxName = 64;
constexpr std::size_t kMaxPassword = 1024;
constexpr int kBusyTimeoutMs = 5000;

bool valid_name(std::string_view name) {
  auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (name.empty() || name.size() > kMaxName || !plain(name.front())) return false;
  for (char c : name) {
    if (!plain(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

constexpr long kMinPassword = 10;

void check_password(std::string_view password) {
  if (password.empty()) throw InvalidAccount(Message{"user.password.empty"});
  // Characters, not bytes: "mật khẩu" is as strong as it looks. Ten, because the control page
  // can put anything on every loudspeaker of the commune.
  const auto characters = std::count_if(password.begin(), password.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (characters < kMinPassword) {
    throw InvalidAccount(
        Message{"user.password.too_short", {{"characters", characters}, {"min", kMinPassword}}});
  }
  if (password.size() > kMaxPassword) {
    throw InvalidAccount(Message{"user.password.too_long"});
  }
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("cannot hash the password: out of memory");
  }
  return out.data();
}

bool password_matches(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// What an unknown user's password is checked against, so that a wrong name costs as much time as
// a wrong password. Made once per process on the first verify(), whatever its outcome, so that
// the first attempt's time tells nothing either.
const std::string& dummy_hash() {
  static const std::string hash = hash_password(random_hex(32));
  return hash;
}

std::string joined(const std::vector<std::string>& zones) {
  std::string out;
  for (const auto& z : zones) {
    if (z.empty() || z.find(',') != std::string::npos) {
      throw InvalidAccount(Message{"user.zone_invalid", {{"zone", z}}});
    }
    out += (out.empty() ? "" : ",") + z;
  }
  return out;
}

std::vector<std::string> split(const std::string& zones) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < zones.size()) {
    const std::size_t comma = std::min(zones.find(',', start), zones.size());
    out.push_back(zones.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// SQLite creates files with the umask's mode (usually world-readable); the hashes must not be.
void create_private_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) {
    throw std::runtime_error("cannot create the folder " + file.parent_path().string() + ": " +
                             ec.message());
  }
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    throw std::runtime_error("cannot create " + file.string() + ": " + std::strerror(errno));
  }
}

}  // namespace

void check_account_name(std::string_view name) {
  if (valid_name(name)) return;
  throw InvalidAccount(Message{"user.name_invalid", {{"name", name}}});
}

std::string_view role_name(Role r) {
  return kRoleNames.at(static_cast<std::size_t>(r));
}

std::optional<Role> parse_role(std::string_view s) {
  for (std::size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == s) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::filesystem::path accounts_path(const std::filesystem::path& state_folder) {
  return state_folder / "users.db";
}

struct AccountStore::Impl {
  explicit Impl(const std::filesystem::path& file)
      : db((create_private_file(file), file), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE),
        ready((prepare(db), true)) {}

  static void prepare(sqlite::Db& db) {
    sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
    db.exec(
        "CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY NOT NULL, role TEXT NOT NULL, "
        "zones TEXT NOT NULL, hash TEXT NOT NULL)");
  }

  // The account of a row of (name, role, zones, ...).
  Account account(const sqlite::Statement::Rows& r) const {
    Account a;
    a.name = r.text(0);
    const std::string role = r.text(1);
    const auto parsed = parse_role(role);
    if (!parsed) {
      throw std::runtime_error(db.file().string() + ": user '" + a.name +
                               "' has the unknown role '" + role +
                               "'; remove the user and add it again");
    }
    a.role = *parsed;
    a.zones = split(r.text(2));
    return a;
  }

  // Declared first: destroyed after every statement, so the connection closes cleanly.
  sqlite::Db db;
  bool ready;  // the table exists before the statements are prepared
  sqlite::Statement insert{db,
                           "INSERT INTO users(name, role, zones, hash) VALUES(?1, ?2, ?3, ?4) "
                           "ON CONFLICT(name) DO NOTHING"};
  sqlite::Statement upsert{db,
                           "INSERT INTO users(name, role, zones, hash) VALUES(?1, ?2, ?3, ?4) "
                           "ON CONFLICT(name) DO UPDATE SET role = excluded.role, "
                           "zones = excluded.zones, hash = excluded.hash"};
  sqlite::Statement erase{db, "DELETE FROM users WHERE name = ?1"};
  sqlite::Statement all{db, "SELECT name, role, zones FROM users ORDER BY name"};
  sqlite::Statement one{db, "SELECT name, role, zones, hash FROM users WHERE name = ?1"};
};

AccountStore::AccountStore(const std::filesystem::path& file)
    : impl_(std::make_unique<Impl>(file)) {}

AccountStore::~AccountStore() = default;

void AccountStore::add(const Account& account, std::string_view password, bool replace) {
  check_account_name(account.name);
  check_password(password);
  const std::string zones = joined(account.zones);
  const std::string_view role = role_name(account.role);
  auto exists = [&] { return InvalidAccount(Message{"user.exists", {{"name", account.name}}}); };
  // Refused before hashing, which takes a good part of a second; checked again when writing.
  if (!replace && find(account.name)) throw exists();
  const std::string hash = hash_password(password);
  std::lock_guard lock(mutex_);
  auto& statement = replace ? impl_->upsert : impl_->insert;
  if (statement.exec(account.name, role, zones, hash) == 0) throw exists();
}

bool AccountStore::remove(std::string_view name) {
  std::lock_guard lock(mutex_);
  return impl_->erase.exec(name) > 0;
}

std::vector<Account> AccountStore::list() const {
  std::lock_guard lock(mutex_);
  std::vector<Account> out;
  auto rows = impl_->all.query();
  while (rows.next()) out.push_back(impl_->account(rows));
  return out;
}

std::optional<Account> AccountStore::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto rows = impl_->one.query(name);
  if (!rows.next()) return std::nullopt;
  return impl_->account(rows);
}

std::optional<Account> AccountStore::verify(std::string_view name,
                                            std::string_view password) const {
  const std::string& dummy = dummy_hash();
  std::optional<Account> account;
  std::string hash = dummy;
  if (valid_name(name)) {
    std::lock_guard lock(mutex_);
    auto rows = impl_->one.query(name);
    if (rows.next()) {
      account = impl_->account(rows);
      hash = rows.text(3);
    }
  }
  // Hashing outside the lock: libsodium is thread-safe once initialised, and other logins need
  // not wait for this one. An over-long password is checked all the same, for the time it takes.
  const bool matches = password_matches(hash, password);
  if (!account || !matches || password.empty() || password.size() > kMaxPassword) {
    return std::nullopt;
  }
  return account;
}

}  // namespace loa
