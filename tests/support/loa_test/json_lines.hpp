#pragma once

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace loa::test {

// One JSON value per line, as `loa plan --json`, `loa scan --json` and as-run logs print them.
// Throws nlohmann::json::parse_error on a line that is not JSON.
inline std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace loa::test
