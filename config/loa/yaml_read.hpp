#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loa/diagnostics.hpp"
#include "loa/values.hpp"
#include "loa/yaml_tree.hpp"

namespace loa {

// Reads one mapping of the station file. Knows the keys it may hold, so that a key nobody asked
// for is reported as unknown, with the nearest known key as a suggestion. Not thread-safe.
class MapReader {
 public:
  // `what` names the mapping in messages ("programme", "slot"). If `node` is not a mapping this
  // reports it and ok() is false; get() then returns nullptr.
  MapReader(const YamlNode& node, std::string what, std::initializer_list<std::string_view> keys,
            Diagnostics& diags);
  // Reports unknown keys.
  ~MapReader();
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  bool ok() const { return ok_; }
  const YamlNode& node() const { return node_; }
  // The value of a known key, or nullptr if absent (or null: "key:" with nothing after it).
  const YamlNode* get(std::string_view key) const;
  // Like get(), but a missing key is an error.
  const YamlNode* require(std::string_view key) const;

 private:
  const YamlNode& node_;
  std::string what_;
  std::vector<std::string> keys_;
  Diagnostics& diags_;
  bool ok_ = false;
};

// Typed readers: report a precise error at the node and return nullopt when the value is wrong.
// `what` names the value in the message ("late", "zone channel").
std::optional<std::string> read_text(const YamlNode& n, std::string_view what, Diagnostics& d);
std::optional<std::string> read_id(const YamlNode& n, std::string_view what, Diagnostics& d);
std::optional<long> read_integer(const YamlNode& n, std::string_view what, long min, long max,
                                 Diagnostics& d);
std::optional<double> read_number(const YamlNode& n, std::string_view what, double min, double max,
                                  Diagnostics& d);
std::optional<Duration> read_duration(const YamlNode& n, std::string_view what, Diagnostics& d);
std::optional<TimeOfDay> read_time_of_day(const YamlNode& n, std::string_view what, Diagnostics& d);
std::optional<Date> read_date(const YamlNode& n, std::string_view what, Diagnostics& d);
std::optional<int> read_priority(const YamlNode& n, Diagnostics& d);
// One of `choices`, with a "did you mean" otherwise.
std::optional<std::string> read_choice(const YamlNode& n, std::string_view what,
                                       const std::vector<std::string>& choices, Diagnostics& d);
// A list; a single value is accepted as a list of one when `single_ok`.
std::vector<const YamlNode*> read_list(const YamlNode& n, std::string_view what, bool single_ok,
                                       Diagnostics& d);

}  // namespace loa
