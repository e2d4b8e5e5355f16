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

std::string Diagnostic::text(Language lang) const {
  if (lang == Language::en || find_message(code) == nullptr) return message;
  return render_message(code, params, lang);
}

std::string format(const Diagnostic& d, Language lang) {
  const bool vi = lang == Language::vi;
  const char* kind = d.severity == Severity::error ? (vi ? ": lỗi: " : ": error: ")
                                                   : (vi ? ": cảnh báo: " : ": warning: ");
  return d.where.str() + kind + d.text(lang);
}

namespace {

Diagnostic make(Severity severity, const SourcePos& where, Message m) {
  std::string english = m.text(Language::en);
  return {severity, where, std::move(english), std::move(m.code), std::move(m.params)};
}

}  // namespace

void Diagnostics::error(const SourcePos& where, Message message) {
  add(make(Severity::error, where, std::move(message)));
}

void Diagnostics::warning(const SourcePos& where, Message message) {
  add(make(Severity::warning, where, std::move(message)));
}

void Diagnostics::add(Diagnostic d) {
  (d.severity == Severity::error ? errors_ : warnings_)++;
  if (items_.size() >= limit_) {
    ++dropped_;
    return;
  }
  items_.push_back(std::move(d));
}

void Diagnostics::print(std::ostream& out, Language lang) const {
  std::vector<const Diagnostic*> sorted;
  sorted.reserve(items_.size());
  for (const auto& d : items_) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    if (a->where.path() != b->where.path()) return a->where.path() < b->where.path();
    if (a->where.line != b->where.line) return a->where.line < b->where.line;
    return a->where.column < b->where.column;
  });
  for (const auto* d : sorted) out << format(*d, lang) << '\n';
  if (dropped_ > 0 && lang == Language::vi) {
    out << "loa: còn " << dropped_ << " lỗi khác chưa hiện; hãy sửa các lỗi trên trước\n";
  } else if (dropped_ > 0) {
    out << "loa: " << dropped_ << " more problems not shown; fix the ones above first\n";
  }
}

}  // namespace loa
