#include "loa_test/vietnam_clock.hpp"

#include <cstdio>

namespace loa::test {

std::string vietnam_clock(std::chrono::minutes ahead) {
  using namespace std::chrono_literals;
  const auto t = std::chrono::system_clock::now() + 7h + ahead;
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss clock{std::chrono::floor<std::chrono::minutes>(t - day)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", int{ymd.year()}, unsigned{ymd.month()},
                unsigned{ymd.day()}, static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()));
  return buf;
}

}  // namespace loa::test
