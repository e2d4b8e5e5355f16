#pragma once
// The cells of a report, as `loa report` and `loa district report` print them.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "loa/station_time.hpp"

namespace loa {

// "12:03:05"; hours go past 24 over a month.
inline std::string hms(Micros t) {
  const long long s = std::chrono::round<std::chrono::seconds>(t).count();
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return text;
}

inline long long whole_seconds(Micros t) {
  return std::chrono::round<std::chrono::seconds>(t).count();
}

// Seconds with milliseconds, for JSON.
inline double seconds(Micros t) {
  return std::round(static_cast<double>(t.count()) / 1000.0) / 1000.0;
}

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One CSV row with CRLF, as spreadsheets expect.
inline void csv_row(std::ostream& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) out << (i > 0 ? "," : "") << csv_field(fields[i]);
  out << "\r\n";
}

// What a CSV for spreadsheets starts with: the UTF-8 byte order mark, so Excel and LibreOffice
// read Vietnamese right.
inline constexpr const char* kCsvByteOrderMark = "\xEF\xBB\xBF";

}  // namespace loa
