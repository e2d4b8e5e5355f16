#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loa/diagnostics.hpp"
#include "loa/source_pos.hpp"

namespace loa {

// A YAML document as plain data: every node carries its position, aliases are already expanded
// (within limits) and merge keys (`<<: *base`) applied. Loaders read this tree rather than
// yaml-cpp's nodes so that hostile input is bounded in one place.
struct YamlEntry;

struct YamlNode {
  enum class Kind { null, scalar, sequence, mapping };

  Kind kind = Kind::null;
  SourcePos pos;
  std::string value;  // scalar text
  bool plain = true;  // scalar written without quotes
  std::vector<YamlNode> items;
  std::vector<YamlEntry> entries;  // a mapping's key: value pairs, in file order

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_mapping() const { return kind == Kind::mapping; }
  // The value of `key` in a mapping, or nullptr.
  const YamlNode* find(std::string_view key) const;
  // "a mapping", "a list", "text", "nothing": for messages such as "expected a list, found text".
  std::string_view kind_name() const;
  Message kind_message() const;  // the same, as a message (kind.*)
};

struct YamlEntry {
  YamlNode key;
  YamlNode value;
};

struct YamlLimits {
  std::size_t max_bytes = 64UL << 20;
  // Nodes that aliases may add in all; stops "billion laughs" before any copy is made.
  std::size_t max_alias_nodes = 100'000;
  int max_depth = 64;
};

// Reads and parses one YAML file. Every problem (unreadable file, invalid UTF-8, tab indentation,
// syntax, limits) goes to `diags` with its position; returns nullopt when the file cannot be used.
// An empty file is a null node. Never throws for bad input.
std::optional<YamlNode> load_yaml_file(const std::filesystem::path& path,
                                       const std::string& shown_as, Diagnostics& diags,
                                       const YamlLimits& limits = {});

std::optional<YamlNode> load_yaml_text(std::string_view text, const std::string& shown_as,
                                       Diagnostics& diags, const YamlLimits& limits = {});

}  // namespace loa
