#include "loa/did_you_mean.hpp"

#include <algorithm>
#include <cctype>

namespace loa {

namespace {

// Optimal string alignment distance, case-insensitive (operators mistype case as often as letters).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

}  // namespace

std::string closest_match(std::string_view typed, const std::vector<std::string>& known) {
  if (typed.empty() || typed.size() > 64) return {};
  const std::size_t budget = std::max<std::size_t>(1, typed.size() / 3);
  std::string best;
  std::size_t best_distance = budget + 1;
  for (const auto& k : known) {
    if (k.size() > typed.size() + budget + 1 || k.size() + budget + 1 < typed.size()) continue;
    const std::size_t d = edit_distance(typed, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& known) {
  const std::string m = closest_match(typed, known);
  return m.empty() ? std::string{} : " (did you mean '" + m + "'?)";
}

}  // namespace loa
