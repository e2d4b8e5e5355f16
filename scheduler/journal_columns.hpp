#pragma once

// How the journal's tables hold times and zone lists, shared by every file that reads or writes
// them (journal.cpp, journal_outbox.cpp): times as microseconds since the Unix epoch (UTC), zones
// as one comma-separated column.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loa/station_time.hpp"

namespace loa::journal_columns {

inline std::int64_t micros(UtcTime t) {
  return t.time_since_epoch().count();
}

inline std::optional<std::int64_t> micros(const std::optional<UtcTime>& t) {
  if (!t) return std::nullopt;
  return micros(*t);
}

inline std::optional<UtcTime> utc(const std::optional<std::int64_t>& us) {
  if (!us) return std::nullopt;
  return UtcTime(Micros(*us));
}

inline std::string join_zones(const std::vector<std::string>& zones) {
  std::string out;
  for (const auto& z : zones) out += (out.empty() ? "" : ",") + z;
  return out;
}

inline std::vector<std::string> split_zones(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    out.push_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

}  // namespace loa::journal_columns
