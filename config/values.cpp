#include "loa/values.hpp"

#include <array>
#include <charconv>
#include <cstdint>

namespace loa {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<int> parse_digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<Duration> parse_duration(std::string_view text, Message& why) {
  if (text.empty()) {
    why = {"value.duration.empty"};
    return std::nullopt;
  }
  if (text.front() == '-') {
    why = {"value.duration.negative"};
    return std::nullopt;
  }
  std::int64_t total_ms = 0;
  std::size_t i = 0;
  bool any = false;
  int last_rank = 4;  // units must go from large to small: h, m, s, ms
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (start == i || i - start > 9) {
      why = {"value.duration.bad", {{"text", text}}};
      return std::nullopt;
    }
    std::int64_t n = 0;
    std::from_chars(text.data() + start, text.data() + i, n);
    std::size_t u = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    const std::string_view unit = text.substr(u, i - u);
    int rank = 0;
    std::int64_t scale = 0;
    if (unit == "h") {
      rank = 3;
      scale = 3'600'000;
    } else if (unit == "m" || unit == "min") {
      rank = 2;
      scale = 60'000;
    } else if (unit == "s") {
      rank = 1;
      scale = 1000;
    } else if (unit == "ms") {
      rank = 0;
      scale = 1;
    } else {
      why = unit.empty() ? Message{"value.duration.no_unit", {{"text", text}}}
                         : Message{"value.duration.bad_unit", {{"unit", unit}}};
      return std::nullopt;
    }
    if (rank >= last_rank) {
      why = {"value.duration.unit_order", {{"text", text}}};
      return std::nullopt;
    }
    last_rank = rank;
    total_ms += n * scale;
    any = true;
  }
  if (!any) {
    why = {"value.duration.bad", {{"text", text}}};
    return std::nullopt;
  }
  if (total_ms > std::int64_t{366} * 24 * 3'600'000) {
    why = {"value.duration.too_long", {{"text", text}}};
    return std::nullopt;
  }
  return Duration{total_ms};
}

std::optional<TimeOfDay> parse_time_of_day(std::string_view text, Message& why) {
  const auto bad = [&]() -> std::optional<TimeOfDay> {
    why = {"value.time.bad", {{"text", text}}};
    return std::nullopt;
  };
  if (text.size() != 5 && text.size() != 8) return bad();
  const auto h = parse_digits(text, 0, 2);
  const auto m = parse_digits(text, 3, 2);
  if (!h || !m || text[2] != ':') return bad();
  int s = 0;
  if (text.size() == 8) {
    const auto sec = parse_digits(text, 6, 2);
    if (!sec || text[5] != ':') return bad();
    s = *sec;
  }
  if (*h > 23 || *m > 59 || s > 59) {
    why = {"value.time.out_of_range", {{"text", text}}};
    return std::nullopt;
  }
  return TimeOfDay{*h * 3600 + *m * 60 + s};
}

std::optional<Date> parse_date(std::string_view text, Message& why) {
  const auto y = parse_digits(text, 0, 4);
  const auto m = parse_digits(text, 5, 2);
  const auto d = parse_digits(text, 8, 2);
  if (text.size() != 10 || !y || !m || !d || text[4] != '-' || text[7] != '-') {
    why = {"value.date.bad", {{"text", text}}};
    return std::nullopt;
  }
  const Date date{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                  date::day{static_cast<unsigned>(*d)}};
  if (!date.ok() || *y < 1970) {
    why = {"value.date.not_real", {{"text", text}}};
    return std::nullopt;
  }
  return date;
}

std::optional<int> parse_priority(std::string_view text, Message& why) {
  if (text == "low") return 20;
  if (text == "normal") return 50;
  if (text == "high" || text == "priority") return 80;
  if (text == "emergency") return 100;
  int v = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc{} && end == text.data() + text.size() && v >= 0 && v <= 100) return v;
  why = {"value.priority.bad", {{"text", text}}};
  return std::nullopt;
}

namespace {

template <typename T>
std::optional<T> in_english(std::optional<T> (*parse)(std::string_view, Message&),
                            std::string_view text, std::string& why) {
  Message m;
  auto v = parse(text, m);
  if (!v) why = m.text();
  return v;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text, std::string& why) {
  return in_english(parse_duration, text, why);
}

std::optional<TimeOfDay> parse_time_of_day(std::string_view text, std::string& why) {
  return in_english(parse_time_of_day, text, why);
}

std::optional<Date> parse_date(std::string_view text, std::string& why) {
  return in_english(parse_date, text, why);
}

std::optional<int> parse_priority(std::string_view text, std::string& why) {
  return in_english(parse_priority, text, why);
}

std::string_view priority_class(int priority) {
  if (priority >= 90) return "emergency";
  if (priority >= 60) return "high";
  if (priority >= 30) return "normal";
  return "low";
}

std::string format_duration(Duration d) {
  auto ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  const auto h = ms / 3'600'000;
  ms %= 3'600'000;
  const auto m = ms / 60'000;
  ms %= 60'000;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (ms) {
    if (ms % 1000 == 0) {
      out += std::to_string(ms / 1000) + "s";
    } else if (ms < 1000 && out.empty()) {
      out += std::to_string(ms) + "ms";
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3gs", static_cast<double>(ms) / 1000.0);
      out += buf;
    }
  }
  return out;
}

std::string format_time_of_day(TimeOfDay t) {
  const auto s = t.count();
  char buf[16];
  if (s % 60 == 0) {
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(s / 3600),
                  static_cast<int>(s / 60 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(s / 3600),
                  static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  }
  return buf;
}

std::string format_date(const Date& d) {
  return date::format("%F", date::sys_days{d});
}

}  // namespace loa
