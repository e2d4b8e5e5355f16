#include "sqlite_db.hpp"

#include <stdexcept>

namespace loa::sqlite {

Db::Db(const std::filesystem::path& file, int flags) : file_(file) {
  const int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    // On failure SQLite still allocates a handle (for the message); it must be closed.
    const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + file.string() + ": " + why);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Db::~Db() {
  // Statements are finalized first (they are members of objects destroyed before the Db), so this
  // closes; a WAL writer's close also checkpoints and removes the -wal and -shm files.
  sqlite3_close(db_);
}

void Db::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
}

std::int64_t Db::query_int(const char* sql) {
  Statement s(*this, sql);
  auto rows = s.query();
  if (!rows.next()) return 0;
  return rows.integer(0);
}

void Db::fail(std::string_view doing) const {
  std::string what = file_.string() + ": ";
  if (doing.size() > 60) doing = doing.substr(0, 60);
  what += doing;
  what += ": ";
  what += sqlite3_errmsg(db_);
  throw std::runtime_error(what);
}

Statement::Statement(Db& db, const char* sql) : db_(db) {
  if (sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
      SQLITE_OK) {
    db.fail(sql);
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::check(int rc, std::string_view doing) const {
  if (rc != SQLITE_OK) db_.fail(doing);
}

void Statement::bind(int i, std::int64_t v) {
  check(sqlite3_bind_int64(stmt_, i, v), "binding a value");
}

void Statement::bind(int i, std::string_view v) {
  check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
        "binding a value");
}

void Statement::bind(int i, const std::optional<std::int64_t>& v) {
  if (v) {
    bind(i, *v);
  } else {
    check(sqlite3_bind_null(stmt_, i), "binding a value");
  }
}

void Statement::reset() {
  // The error of a failed step is reported by next(); reset only repeats it.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::Rows::next() {
  const int rc = sqlite3_step(s_->stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  s_->db_.fail(sqlite3_sql(s_->stmt_));
}

std::int64_t Statement::Rows::integer(int column) const {
  return sqlite3_column_int64(s_->stmt_, column);
}

std::optional<std::int64_t> Statement::Rows::optional_integer(int column) const {
  if (sqlite3_column_type(s_->stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(s_->stmt_, column);
}

std::string Statement::Rows::text(int column) const {
  const auto* p = sqlite3_column_text(s_->stmt_, column);
  const int n = sqlite3_column_bytes(s_->stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}

Transaction::Transaction(Db& db, Kind kind) : db_(db) {
  db.exec(kind == Kind::write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace loa::sqlite
