#include "time_window.hpp"

#include <iostream>

namespace loa {

std::optional<TimeWindow> parse_time_window(const std::string& from, const std::string& to,
                                            const date::time_zone* zone,
                                            const std::string& command) {
  const auto argument = [&](const std::string& text, const char* name) -> std::optional<UtcTime> {
    std::string why;
    auto t = parse_time_argument(text, zone, why);
    if (!t) std::cerr << command << ": " << name << ": " << why << '\n';
    return t;
  };
  TimeWindow w;
  if (from.empty()) {
    const auto now = std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
    w.from = resolve_local(date::local_days{local_date(now, zone)}, zone);
  } else if (auto t = argument(from, "--from")) {
    w.from = *t;
  } else {
    return std::nullopt;
  }
  w.to = w.from + std::chrono::hours(24);
  if (!to.empty()) {
    auto t = argument(to, "--to");
    if (!t) return std::nullopt;
    w.to = *t;
  }
  if (w.to <= w.from) {
    std::cerr << command << ": --to must be after --from\n";
    return std::nullopt;
  }
  if (w.to - w.from > std::chrono::hours(24 * 366 * 5)) {
    std::cerr << command << ": the window is longer than 5 years; choose a shorter one\n";
    return std::nullopt;
  }
  return w;
}

}  // namespace loa
