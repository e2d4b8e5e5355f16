#pragma once
// A thin RAII layer over the SQLite C API, for scheduler/ (the journal) and control/ (accounts).
// Every failure throws std::runtime_error naming the database file and SQLite's own message.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace loa::sqlite {

class Db {
 public:
  // Opens with sqlite3_open_v2 `flags`. Throws "cannot open FILE: ..." on failure.
  Db(const std::filesystem::path& file, int flags);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& file() const { return file_; }

  // Runs SQL without results (several statements allowed).
  void exec(const char* sql);
  // The first column of the first row of a one-row query such as a PRAGMA.
  std::int64_t query_int(const char* sql);

  // "FILE: `doing`: <SQLite's message>".
  [[noreturn]] void fail(std::string_view doing) const;

 private:
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

// A prepared statement, kept for the connection's life. `exec` and `query` bind their arguments to
// ?1, ?2, ... in order (int64, int, string, string_view, optional<int64>: null when empty).
class Statement {
 public:
  Statement(Db& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Steps to the end; returns the number of rows changed.
  template <class... Args>
  int exec(const Args&... args) {
    Rows rows = query(args...);
    while (rows.next()) {
    }
    return sqlite3_changes(db_.handle());
  }

  // The rows of the statement, read with next(). The statement is reset when Rows goes out of
  // scope, so no read transaction stays open between calls (a reader would see a stale snapshot).
  class Rows {
   public:
    explicit Rows(Statement& s) : s_(&s) {}
    ~Rows() { s_->reset(); }
    Rows(const Rows&) = delete;
    Rows& operator=(const Rows&) = delete;
    bool next();
    std::int64_t integer(int column) const;
    std::optional<std::int64_t> optional_integer(int column) const;
    std::string text(int column) const;

   private:
    Statement* s_;
  };

  template <class... Args>
  Rows query(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return Rows(*this);
  }

 private:
  void bind(int i, std::int64_t v);
  void bind(int i, int v) { bind(i, static_cast<std::int64_t>(v)); }
  void bind(int i, std::string_view v);
  void bind(int i, const std::string& v) { bind(i, std::string_view(v)); }
  void bind(int i, const char* v) { bind(i, std::string_view(v)); }
  void bind(int i, const std::optional<std::int64_t>& v);
  void check(int rc, std::string_view doing) const;
  void reset();

  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN (IMMEDIATE for writes, so a busy writer is waited for at once rather than failing on the
// first write) ... COMMIT; rolled back if destroyed before commit().
class Transaction {
 public:
  enum class Kind { read, write };
  Transaction(Db& db, Kind kind);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool open_ = true;
};

}  // namespace loa::sqlite
