#include "loa/diagnostics.hpp"

#include <algorithm>
#include <ostream>

namespace loa {

namespace {
const std::string kNoFile = "<input>";
}

const std::string& SourcePos::path() const {
  return file ? *file : kNoFile;
}

std::string SourcePos::str() const {
  std::string s = path();
  if (line > 0) {
    s += ':' + std::to_string(line) + ':' + std::to_string(column > 0 ? column : 1);
  }
  return s;
}

std::string format(const Diagnostic& d) {
  return d.where.str() + (d.severity == Severity::error ? ": error: " : ": warning: ") + d.message;
}

void Diagnostics::error(const SourcePos& where, std::string message) {
  add({Severity::error, where, std::move(message)});
}

void Diagnostics::warning(const SourcePos& where, std::string message) {
  add({Severity::warning, where, std::move(message)});
}

void Diagnostics::add(Diagnostic d) {
  (d.severity == Severity::error ? errors_ : warnings_)++;
  if (items_.size() >= limit_) {
    ++dropped_;
    return;
  }
  items_.push_back(std::move(d));
}

void Diagnostics::print(std::ostream& out) const {
  std::vector<const Diagnostic*> sorted;
  sorted.reserve(items_.size());
  for (const auto& d : items_) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    if (a->where.path() != b->where.path()) return a->where.path() < b->where.path();
    if (a->where.line != b->where.line) return a->where.line < b->where.line;
    return a->where.column < b->where.column;
  });
  for (const auto* d : sorted) out << format(*d) << '\n';
  if (dropped_ > 0) {
    out << "loa: " << dropped_ << " more problems not shown; fix the ones above first\n";
  }
}

}  // namespace loa
