#include "loa/vietnamese_reading.hpp"

// GCC 12 warns of a maybe-uninitialized std::function inside <regex>'s own automaton when it is
// built with -O1 and the sanitizers (the asan preset): a false positive in the library, not here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <array>
#include <regex>
#include <vector>

namespace loa {

namespace {

constexpr std::array<const char*, 10> kDigits = {"không", "một", "hai", "ba",  "bốn",
                                                 "năm",   "sáu", "bảy", "tám", "chín"};

// 0..999. `full`: the group follows a higher one (2026: "không trăm hai mươi sáu"), so its
// hundreds and a lone unit's "linh" are said even when zero.
std::string group_words(unsigned n, bool full) {
  const unsigned h = n / 100;
  const unsigned t = (n / 10) % 10;
  const unsigned u = n % 10;
  std::string out;
  if (h > 0 || full) out = std::string(kDigits[h]) + " trăm";
  const auto add = [&](const std::string& w) { out += (out.empty() ? "" : " ") + w; };
  if (t == 0) {
    if (u != 0) {
      if (!out.empty()) add("linh");
      add(kDigits[u]);
    }
  } else if (t == 1) {
    add("mười");
    if (u == 5) {
      add("lăm");
    } else if (u != 0) {
      add(kDigits[u]);
    }
  } else {
    add(std::string(kDigits[t]) + " mươi");
    if (u == 1) {
      add("mốt");
    } else if (u == 5) {
      add("lăm");
    } else if (u != 0) {
      add(kDigits[u]);
    }
  }
  return out;
}

std::string digits_one_by_one(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c >= '0' && c <= '9') {
      out += (out.empty() || out.back() == ' ' ? "" : " ");
      out += kDigits[static_cast<unsigned>(c - '0')];
    } else if (!out.empty() && out.back() != ',') {
      out += ',';  // a pause between the groups of a phone number
      out += ' ';
    }
  }
  return out;
}

std::string only_digits(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

// A digit string as a number, or one by one when it starts with 0 or is too long to be one.
std::string number_text(std::string_view digits) {
  if (digits.size() > 15 || (digits.size() > 1 && digits.front() == '0'))
    return digits_one_by_one(digits);
  return vietnamese_number(std::stoull(std::string(digits)));
}

std::string month_words(unsigned m) {
  return m == 4 ? "tư" : vietnamese_number(m);
}

struct Rule {
  std::regex pattern;
  // The words for a match, or "" to leave it as written.
  std::string (*say)(const std::smatch& m, std::string_view before);
};

bool ends_with_word(std::string_view text, std::string_view lower, std::string_view upper) {
  for (const auto w : {lower, upper}) {
    if (text.size() >= w.size() + 1 && text.substr(text.size() - w.size() - 1, w.size()) == w &&
        text.back() == ' ')
      return true;
  }
  return false;
}

unsigned num(const std::ssub_match& m) {
  return static_cast<unsigned>(std::stoul(m.str()));
}

std::string say_date(const std::smatch& m, std::string_view before) {
  const unsigned d = num(m[1]);
  const unsigned mo = num(m[2]);
  if (d < 1 || d > 31 || mo < 1 || mo > 12) return "";
  std::string out = ends_with_word(before, "ngày", "Ngày") ? "" : "ngày ";
  out += vietnamese_number(d) + " tháng " + month_words(mo);
  if (m[3].length() > 0) out += " năm " + vietnamese_number(num(m[3]));
  return out;
}

std::string say_time(const std::smatch& m, std::string_view) {
  const unsigned h = num(m[1]);
  const unsigned min = m[2].length() > 0 ? num(m[2]) : 0;
  if (h > 24 || min > 59) return "";
  std::string out = vietnamese_number(h) + " giờ";
  if (min >= 10) out += " " + vietnamese_number(min);
  if (min > 0 && min < 10) out += " " + vietnamese_number(min) + " phút";
  return out;
}

std::string say_phone(const std::smatch& m, std::string_view) {
  const std::string digits = only_digits(m.str());
  if (digits.size() < 9 || digits.size() > 11) return "";
  return digits_one_by_one(m.str());
}

std::string say_decimal(const std::smatch& m, std::string_view) {
  return number_text(m[1].str()) + " phẩy " + digits_one_by_one(m[2].str());
}

std::string say_grouped(const std::smatch& m, std::string_view) {
  const std::string digits = only_digits(m.str());
  if (digits.size() > 15) return digits_one_by_one(digits);
  return vietnamese_number(std::stoull(digits));
}

std::string say_number(const std::smatch& m, std::string_view) {
  return number_text(m.str());
}

const std::vector<Rule>& rules() {
  static const std::vector<Rule> all = {
      {std::regex(R"((\d{1,2})/(\d{1,2})/(\d{4}))"), say_date},
      {std::regex(R"((\d{1,2})/(\d{1,2})())"), say_date},
      {std::regex(R"((\d{1,2})[hH:](\d{2}))"), say_time},
      {std::regex(R"((\d{1,2})[hH]())"), say_time},
      {std::regex(R"(0\d{2,3}(?:[ .-]?\d{3,4}){2})"), say_phone},
      {std::regex(R"(0\d{8,10})"), say_phone},
      {std::regex(R"((\d+),(\d+))"), say_decimal},
      {std::regex(R"(\d{1,3}(?:\.\d{3})+)"), say_grouped},
      {std::regex(R"(\d+)"), say_number},
  };
  return all;
}

struct Abbreviation {
  std::string_view written;
  std::string_view said;
};

// Whole words only; the dotted ones (TP., X.) only before a name, so a sentence's last word is
// never taken for one.
constexpr std::array<Abbreviation, 25> kAbbreviations = {{
    {"UBND", "Ủy ban nhân dân"},
    {"HĐND", "Hội đồng nhân dân"},
    {"MTTQ", "Mặt trận Tổ quốc"},
    {"THCS", "trung học cơ sở"},
    {"THPT", "trung học phổ thông"},
    {"PCCC", "phòng cháy chữa cháy"},
    {"BHYT", "bảo hiểm y tế"},
    {"BHXH", "bảo hiểm xã hội"},
    {"CSGT", "cảnh sát giao thông"},
    {"CAX", "công an xã"},
    {"SĐT", "số điện thoại"},
    {"ĐT", "điện thoại"},
    {"TP.HCM", "Thành phố Hồ Chí Minh"},
    {"TPHCM", "Thành phố Hồ Chí Minh"},
    {"TP.", "thành phố"},
    {"TX.", "thị xã"},
    {"TT.", "thị trấn"},
    {"KP.", "khu phố"},
    {"X.", "xã"},
    {"H.", "huyện"},
    {"P.", "phường"},
    {"Q.", "quận"},
    {"km", "ki lô mét"},
    {"kg", "ki lô gam"},
    {"%", "phần trăm"},
}};

// A byte that may be part of a word: ASCII letters and digits, and every byte of a non-ASCII
// UTF-8 character (Vietnamese letters).
bool word_byte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b >= 0x80 || (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

bool word_end(std::string_view text, std::size_t at) {
  return at >= text.size() || !word_byte(text[at]);
}

// At `at` (a word's start): an abbreviation's words and its length, or {"", 0}.
std::pair<std::string_view, std::size_t> abbreviation_at(std::string_view text, std::size_t at) {
  for (const auto& a : kAbbreviations) {
    if (text.substr(at, a.written.size()) != a.written) continue;
    const std::size_t end = at + a.written.size();
    if (a.written.back() == '.') {
      // Before a name: "TP. Huế", "X.Tân Phú".
      std::size_t next = end;
      while (next < text.size() && text[next] == ' ') ++next;
      if (next >= text.size() || !word_byte(text[next])) continue;
      const auto b = static_cast<unsigned char>(text[next]);
      if (b < 0x80 && !(b >= 'A' && b <= 'Z')) continue;
      return {a.said, end};
    }
    if (a.written == "%" || word_end(text, end)) return {a.said, end};
  }
  return {{}, 0};
}

}  // namespace

std::string vietnamese_number(unsigned long long n) {
  if (n == 0) return kDigits[0];
  constexpr std::array<const char*, 5> kScales = {"", "nghìn", "triệu", "tỷ", "nghìn tỷ"};
  std::vector<unsigned> groups;
  for (; n > 0; n /= 1000) groups.push_back(static_cast<unsigned>(n % 1000));
  std::string out;
  for (std::size_t i = groups.size(); i-- > 0;) {
    if (groups[i] == 0) continue;
    const bool full = i + 1 < groups.size();
    if (!out.empty()) out += ' ';
    out += group_words(groups[i], full);
    if (i > 0) out += std::string(" ") + kScales[i];
  }
  return out;
}

std::string read_vietnamese(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  const std::string whole(text);
  std::size_t i = 0;
  while (i < text.size()) {
    const bool at_word_start = i == 0 || !word_byte(text[i - 1]);
    const auto [said, end] = abbreviation_at(text, i);
    if (end > 0 && (at_word_start || text[i] == '%')) {
      if (text[i] == '%' && !out.empty() && out.back() != ' ') out += ' ';
      out += said;
      i = end;
      continue;
    }
    if (at_word_start && text[i] >= '0' && text[i] <= '9') {
      bool done = false;
      for (const Rule& r : rules()) {
        std::smatch m;
        const auto from = whole.cbegin() + static_cast<std::ptrdiff_t>(i);
        if (!std::regex_search(from, whole.cend(), m, r.pattern,
                               std::regex_constants::match_continuous))
          continue;
        const std::size_t stop = i + static_cast<std::size_t>(m.length(0));
        if (!word_end(text, stop) && text[stop] != '%') continue;
        std::string words = r.say(m, out);
        if (words.empty()) continue;
        out += words;
        i = stop;
        done = true;
        break;
      }
      if (done) continue;
    }
    out += text[i];
    ++i;
  }
  return out;
}

}  // namespace loa
