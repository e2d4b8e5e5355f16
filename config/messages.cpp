#include "loa/messages.hpp"

#include <cstdlib>

namespace loa {

MessageParam::MessageParam(std::string n, std::string v)
    : name(std::move(n)), value(std::move(v)) {}

MessageParam::MessageParam(std::string n, const char* v) : name(std::move(n)), value(v) {}

MessageParam::MessageParam(std::string n, std::string_view v) : name(std::move(n)), value(v) {}

MessageParam::MessageParam(std::string n, Message m)
    : name(std::move(n)), nested(std::make_shared<const Message>(std::move(m))) {}

const MessageText* find_message(std::string_view code) {
  for (const auto& m : kMessageCatalog) {
    if (m.code == code) return &m;
  }
  return nullptr;
}

bool is_placeholder(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

std::string render_template(std::string_view tmpl, const std::vector<MessageParam>& params,
                            Language lang) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const std::size_t open = tmpl.find('{', i);
    const std::size_t close = open == std::string_view::npos ? open : tmpl.find('}', open);
    if (close == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, open - i));
    const std::string_view name = tmpl.substr(open + 1, close - open - 1);
    if (!is_placeholder(name)) {  // text such as {say: TEXT}
      out += '{';
      i = open + 1;
      continue;
    }
    const MessageParam* found = nullptr;
    for (const auto& p : params) {
      if (p.name == name) found = &p;
    }
    if (found == nullptr) {
      out.append(tmpl.substr(open, close - open + 1));
    } else {
      out += found->nested ? found->nested->text(lang) : found->value;
    }
    i = close + 1;
  }
  return out;
}

std::string render_message(std::string_view code, const std::vector<MessageParam>& params,
                           Language lang) {
  const MessageText* m = find_message(code);
  if (m == nullptr) return std::string(code);
  return render_template(lang == Language::vi ? m->vi : m->en, params, lang);
}

std::string Message::text(Language lang) const {
  return render_message(code, params, lang);
}

std::vector<std::string> placeholders(std::string_view tmpl) {
  std::vector<std::string> names;
  for (std::size_t open = tmpl.find('{'); open != std::string_view::npos;
       open = tmpl.find('{', open + 1)) {
    const std::size_t close = tmpl.find('}', open);
    if (close == std::string_view::npos) break;
    const std::string_view name = tmpl.substr(open + 1, close - open - 1);
    if (is_placeholder(name)) names.emplace_back(name);
  }
  return names;
}

namespace {

std::string_view env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string_view{} : std::string_view{v};
}

Language language_of(std::string_view locale) {
  return locale.starts_with("vi") ? Language::vi : Language::en;
}

}  // namespace

Language language_from_environment() {
  std::string_view locale = env("LC_ALL");
  if (locale.empty()) locale = env("LC_MESSAGES");
  if (locale.empty()) locale = env("LANG");
  if (locale.empty() || locale == "C" || locale == "POSIX") return Language::en;
  std::string_view list = env("LANGUAGE");
  while (!list.empty()) {
    const std::size_t colon = list.find(':');
    const std::string_view first = list.substr(0, colon);
    if (first.starts_with("vi")) return Language::vi;
    if (first.starts_with("en")) return Language::en;
    list = colon == std::string_view::npos ? std::string_view{} : list.substr(colon + 1);
  }
  return language_of(locale);
}

}  // namespace loa
