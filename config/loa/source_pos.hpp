#pragma once

#include <memory>
#include <string>

namespace loa {

// Where a value came from, so that every message can point at it. Lines and columns count from 1;
// 0 means "the whole file".
struct SourcePos {
  std::shared_ptr<const std::string> file;
  int line = 0;
  int column = 0;

  const std::string& path() const;
  // "PATH:LINE:COL", or just "PATH" when there is no line.
  std::string str() const;
};

}  // namespace loa
