#pragma once

#include <concepts>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loa/message_catalog.hpp"

namespace loa {

enum class Language { en, vi };

// A message's code as written in the sources. The constructor runs when the program is compiled:
// a code missing from kMessageCatalog does not compile, so no message ships untranslated.
class MessageCode {
 public:
  consteval MessageCode(const char* code) : code_(find(code)) {}  // NOLINT: implicit by design
  std::string_view str() const { return code_; }

 private:
  static void not_in_the_message_catalog() {}  // not constexpr: calling it stops compilation
  static consteval std::string_view find(std::string_view code) {
    for (const auto& m : kMessageCatalog) {
      if (m.code == code) return m.code;
    }
    not_in_the_message_catalog();
    return {};
  }
  std::string_view code_;
};

struct Message;

// One placeholder's value: plain text (a clip's name, a number), or a message of its own (a "did
// you mean" hint, the reason a duration is wrong) translated with the one around it. A param
// with neither is empty: it renders as nothing.
struct MessageParam {
  MessageParam(std::string name, std::string value);
  MessageParam(std::string name, const char* value);
  MessageParam(std::string name, std::string_view value);
  template <std::integral I>
  MessageParam(std::string n, I v) : name(std::move(n)), value(std::to_string(v)) {}
  MessageParam(std::string name, Message message);

  std::string name;
  std::string value;
  std::shared_ptr<const Message> nested;
};

// A message with a stable code (docs/api.md, "Messages") and the values of its placeholders.
struct Message {
  Message() = default;
  Message(MessageCode c, std::vector<MessageParam> p = {}) : code(c.str()), params(std::move(p)) {}

  std::string code;
  std::vector<MessageParam> params;

  // The template of `code` in `lang` with {name} replaced by the params. Throws nothing but
  // bad_alloc; an unknown placeholder is left as written.
  std::string text(Language lang = Language::en) const;
};

// A template with {name} replaced by the params' values, rendered in `lang`.
std::string render_template(std::string_view tmpl, const std::vector<MessageParam>& params,
                            Language lang);

// The message `code` (one from the catalog, known only at run time) in `lang`; the code itself
// if the catalog has no such message.
std::string render_message(std::string_view code, const std::vector<MessageParam>& params,
                           Language lang);

const MessageText* find_message(std::string_view code);

// Whether {name} is a placeholder: [a-z_]+ (any other brace is text, as in {say: TEXT}).
bool is_placeholder(std::string_view name);

// The {name}s of a template, in order of appearance.
std::vector<std::string> placeholders(std::string_view tmpl);

// The language of messages the environment asks for, as gettext reads it: LANGUAGE (a list,
// unless the locale is C/POSIX), then LC_ALL, LC_MESSAGES and LANG. Vietnamese for vi*, else
// English.
Language language_from_environment();

}  // namespace loa
