#include "loa/time_window.hpp"

namespace loa {

std::optional<TimeWindow> parse_time_window(const std::string& from, const std::string& to,
                                            const date::time_zone* zone, const char* from_name,
                                            const char* to_name, std::string& why) {
  const auto argument = [&](const std::string& text, const char* name) -> std::optional<UtcTime> {
    std::string problem;
    auto t = parse_time_argument(text, zone, problem);
    if (!t) why = std::string(name) + ": " + problem;
    return t;
  };
  TimeWindow w;
  if (from.empty()) {
    const auto now = std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
    w.from = resolve_local(date::local_days{local_date(now, zone)}, zone);
  } else if (auto t = argument(from, from_name)) {
    w.from = *t;
  } else {
    return std::nullopt;
  }
  w.to = w.from + std::chrono::hours(24);
  if (!to.empty()) {
    auto t = argument(to, to_name);
    if (!t) return std::nullopt;
    w.to = *t;
  }
  if (w.to <= w.from) {
    why = std::string(to_name) + " must be after " + from_name;
    return std::nullopt;
  }
  if (w.to - w.from > std::chrono::hours(24 * 366 * 5)) {
    why = "the window is longer than 5 years; choose a shorter one";
    return std::nullopt;
  }
  return w;
}

}  // namespace loa
