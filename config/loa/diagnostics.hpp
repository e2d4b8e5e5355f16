#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "loa/messages.hpp"
#include "loa/source_pos.hpp"

namespace loa {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourcePos where;
  std::string message;  // in English, as it has always been printed
  std::string code;     // the message's code in the catalog (message_catalog.inc)
  std::vector<MessageParam> params;

  // The message in `lang`.
  std::string text(Language lang) const;
};

// "PATH:LINE:COL: error: MESSAGE", the form editors and compilers use; in Vietnamese
// "PATH:LINE:COL: lỗi: ..." / "cảnh báo: ...".
std::string format(const Diagnostic& d, Language lang = Language::en);

// Collects every problem found while reading a station, so an operator sees them all at once.
// Not thread-safe. Keeps at most `limit` diagnostics and counts the rest, so hostile input cannot
// make the checker itself run out of memory.
class Diagnostics {
 public:
  explicit Diagnostics(std::size_t limit = 1000) : limit_(limit) {}

  void error(const SourcePos& where, Message message);
  void warning(const SourcePos& where, Message message);
  void error(const SourcePos& where, MessageCode code) { error(where, Message{code}); }
  void warning(const SourcePos& where, MessageCode code) { warning(where, Message{code}); }
  void add(Diagnostic d);

  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }
  std::size_t warning_count() const { return warnings_; }
  std::size_t dropped() const { return dropped_; }
  const std::vector<Diagnostic>& all() const { return items_; }

  // Sorted by file, line and column (stable), each on its own line, then a summary if any were
  // dropped.
  void print(std::ostream& out, Language lang = Language::en) const;

 private:
  std::size_t limit_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
  std::size_t dropped_ = 0;
  std::vector<Diagnostic> items_;
};

}  // namespace loa
