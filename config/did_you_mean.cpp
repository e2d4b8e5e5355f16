#include "loa/did_you_mean.hpp"

#include <algorithm>
#include <cctype>

#include "loa/unicode_text.hpp"

namespace loa {

namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Optimal string alignment distance, case-insensitive (operators mistype case as often as letters).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
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

// Accents off and lower case: the form in which two spellings of one word compare equal.
std::string plain(std::string_view text) {
  std::string s = fold_diacritics(text);
  std::transform(s.begin(), s.end(), s.begin(), lower);
  return s;
}

}  // namespace

std::string closest_match(std::string_view typed, const std::vector<std::string>& known) {
  if (typed.empty() || typed.size() > 256) return {};
  const std::string folded = fold_diacritics(typed);
  if (folded.empty() || folded.size() > 64) return {};
  const std::size_t budget = std::max<std::size_t>(1, folded.size() / 3);
  std::string best;
  std::size_t best_distance = budget + 1;
  for (const auto& k : known) {
    const std::string other = is_ascii(k) ? k : fold_diacritics(k);
    if (other.size() > folded.size() + budget + 1 || other.size() + budget + 1 < folded.size())
      continue;
    const std::size_t d = edit_distance(folded, other);
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

MessageParam suggestion(std::string_view typed, const std::vector<std::string>& known) {
  std::string m = closest_match(typed, known);
  if (m.empty()) return {"suggestion", ""};
  return {"suggestion", Message{"hint.did_you_mean", {{"meant", std::move(m)}}}};
}

MessageParam suggestion_id(std::string_view typed, const std::vector<NamedId>& known) {
  const NamedId* found = nullptr;
  bool by_name = false;
  const std::string wanted = plain(typed);
  for (const auto& k : known) {
    if (!k.name.empty() && plain(k.name) == wanted) {
      found = &k;
      by_name = true;
      break;
    }
  }
  std::vector<std::string> ids;
  std::vector<std::string> names;
  for (const auto& k : known) {
    ids.push_back(k.id);
    names.push_back(k.name);
  }
  if (found == nullptr) {
    if (const std::string id = closest_match(typed, ids); !id.empty()) {
      found = &known[static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin())];
    } else if (const std::string name = closest_match(typed, names); !name.empty()) {
      found = &known[static_cast<std::size_t>(std::find(names.begin(), names.end(), name) -
                                              names.begin())];
      by_name = true;
    }
  }
  if (found == nullptr) return {"suggestion", ""};
  if ((by_name || !is_ascii(typed)) && !found->name.empty() && found->name != found->id) {
    return {"suggestion",
            Message{"hint.did_you_mean_named", {{"meant", found->id}, {"name", found->name}}}};
  }
  return {"suggestion", Message{"hint.did_you_mean", {{"meant", found->id}}}};
}

std::string did_you_mean_id(std::string_view typed, const std::vector<NamedId>& known) {
  const MessageParam p = suggestion_id(typed, known);
  return p.nested ? p.nested->text() : std::string{};
}

}  // namespace loa
