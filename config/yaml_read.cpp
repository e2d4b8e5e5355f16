#include "loa/yaml_read.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "loa/did_you_mean.hpp"
#include "loa/key_synonyms.hpp"

namespace loa {

MapReader::MapReader(const YamlNode& node, std::string what,
                     std::initializer_list<std::string_view> keys, Diagnostics& diags)
    : node_(node), what_(std::move(what)), diags_(diags) {
  for (auto k : keys) keys_.emplace_back(k);
  ok_ = node.is_mapping();
  if (!ok_) {
    diags_.error(node.pos,
                 {"yaml.expected_mapping", {{"what", what_}, {"found", node.kind_message()}}});
  }
}

MapReader::~MapReader() {
  if (!ok_) return;
  try {
    for (const auto& [k, v] : node_.entries) {
      if (!k.is_scalar()) continue;  // reported by the tree builder
      bool known = false;
      for (const auto& key : keys_) known = known || key == k.value;
      if (known) continue;
      // A word from another tool says more about the intent than the spelling does.
      const std::string meant = key_meant(k.value, keys_);
      MessageParam hint =
          meant.empty()
              ? suggestion(k.value, keys_)
              : MessageParam{"suggestion", Message{"hint.did_you_mean", {{"meant", meant}}}};
      diags_.error(k.pos,
                   {"yaml.unknown_key", {{"key", k.value}, {"what", what_}, std::move(hint)}});
    }
  } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory while reporting; nothing to add
  }
}

const YamlNode* MapReader::get(std::string_view key) const {
  if (!ok_) return nullptr;
  const YamlNode* v = node_.find(key);
  return v != nullptr && !v->is_null() ? v : nullptr;
}

const YamlNode* MapReader::require(std::string_view key) const {
  if (!ok_) return nullptr;
  const YamlNode* v = get(key);
  if (v == nullptr) diags_.error(node_.pos, {"yaml.missing_key", {{"what", what_}, {"key", key}}});
  return v;
}

namespace {

bool expect_scalar(const YamlNode& n, std::string_view what, Diagnostics& d) {
  if (n.is_scalar()) return true;
  d.error(n.pos, {"yaml.expected_value", {{"what", what}, {"found", n.kind_message()}}});
  return false;
}

template <typename T>
std::optional<T> read_with(const YamlNode& n, std::string_view what, Diagnostics& d,
                           std::optional<T> (*parse)(std::string_view, Message&)) {
  if (!expect_scalar(n, what, d)) return std::nullopt;
  Message why;
  auto v = parse(n.value, why);
  if (!v) d.error(n.pos, {"yaml.bad_value", {{"what", what}, {"why", std::move(why)}}});
  return v;
}

}  // namespace

std::optional<std::string> read_text(const YamlNode& n, std::string_view what, Diagnostics& d) {
  if (!expect_scalar(n, what, d)) return std::nullopt;
  return n.value;
}

std::optional<std::string> read_id(const YamlNode& n, std::string_view what, Diagnostics& d) {
  if (!expect_scalar(n, what, d)) return std::nullopt;
  const std::string& v = n.value;
  bool ok = !v.empty() && v.size() <= 64;
  for (char c : v) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.');
  }
  if (!ok) {
    d.error(n.pos, {"yaml.bad_id", {{"what", what}, {"value", v}}});
    return std::nullopt;
  }
  return v;
}

std::optional<long> read_integer(const YamlNode& n, std::string_view what, long min, long max,
                                 Diagnostics& d) {
  if (!expect_scalar(n, what, d)) return std::nullopt;
  long v = 0;
  const auto* b = n.value.data();
  const auto* e = b + n.value.size();
  const auto [end, ec] = std::from_chars(b, e, v);
  if (ec != std::errc{} || end != e || v < min || v > max) {
    d.error(n.pos,
            {"yaml.bad_integer", {{"what", what}, {"min", min}, {"max", max}, {"value", n.value}}});
    return std::nullopt;
  }
  return v;
}

std::optional<double> read_number(const YamlNode& n, std::string_view what, double min, double max,
                                  Diagnostics& d) {
  if (!expect_scalar(n, what, d)) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(n.value.c_str(), &end);
  if (n.value.empty() || end != n.value.c_str() + n.value.size() || !std::isfinite(v) || v < min ||
      v > max) {
    d.error(n.pos, {"yaml.bad_number",
                    {{"what", what},
                     {"min", static_cast<long long>(min)},
                     {"max", static_cast<long long>(max)},
                     {"value", n.value}}});
    return std::nullopt;
  }
  return v;
}

std::optional<Duration> read_duration(const YamlNode& n, std::string_view what, Diagnostics& d) {
  return read_with(n, what, d, parse_duration);
}

std::optional<TimeOfDay> read_time_of_day(const YamlNode& n, std::string_view what,
                                          Diagnostics& d) {
  return read_with(n, what, d, parse_time_of_day);
}

std::optional<Date> read_date(const YamlNode& n, std::string_view what, Diagnostics& d) {
  return read_with(n, what, d, parse_date);
}

std::optional<int> read_priority(const YamlNode& n, Diagnostics& d) {
  return read_with(n, "priority", d, parse_priority);
}

std::optional<std::string> read_choice(const YamlNode& n, std::string_view what,
                                       const std::vector<std::string>& choices, Diagnostics& d) {
  if (!expect_scalar(n, what, d)) return std::nullopt;
  for (const auto& c : choices) {
    if (c == n.value) return c;
  }
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  d.error(n.pos,
          {"yaml.bad_choice",
           {{"what", what}, {"value", n.value}, {"choices", list}, suggestion(n.value, choices)}});
  return std::nullopt;
}

std::vector<const YamlNode*> read_list(const YamlNode& n, std::string_view what, bool single_ok,
                                       Diagnostics& d) {
  std::vector<const YamlNode*> out;
  if (n.is_sequence()) {
    for (const auto& i : n.items) out.push_back(&i);
  } else if (single_ok && n.is_scalar()) {
    out.push_back(&n);
  } else {
    d.error(n.pos, {"yaml.expected_list", {{"what", what}, {"found", n.kind_message()}}});
  }
  return out;
}

}  // namespace loa
