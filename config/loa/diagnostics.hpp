#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "loa/source_pos.hpp"

namespace loa {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourcePos where;
  std::string message;
};

// "PATH:LINE:COL: error: MESSAGE", the form editors and compilers use.
std::string format(const Diagnostic& d);

// Collects every problem found while reading a station, so an operator sees them all at once.
// Not thread-safe. Keeps at most `limit` diagnostics and counts the rest, so hostile input cannot
// make the checker itself run out of memory.
class Diagnostics {
 public:
  explicit Diagnostics(std::size_t limit = 1000) : limit_(limit) {}

  void error(const SourcePos& where, std::string message);
  void warning(const SourcePos& where, std::string message);
  void add(Diagnostic d);

  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }
  std::size_t warning_count() const { return warnings_; }
  std::size_t dropped() const { return dropped_; }
  const std::vector<Diagnostic>& all() const { return items_; }

  // Sorted by file, line and column (stable), each on its own line, then a summary if any were
  // dropped.
  void print(std::ostream& out) const;

 private:
  std::size_t limit_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
  std::size_t dropped_ = 0;
  std::vector<Diagnostic> items_;
};

}  // namespace loa
