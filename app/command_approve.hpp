#pragma once
// loa approve: the commune's leadership signs programme files, for stations with
// `station.approval: required` (issue 13; district/loa/programme_approval.hpp).

#include <filesystem>
#include <vector>

namespace loa {

struct ApproveArgs {
  std::filesystem::path key;                 // NAME.key, made by loa key new
  std::vector<std::filesystem::path> files;  // programme files, each signed into FILE.sig
};

// Exit 0 when every file is signed, 1 when a file or the key cannot be read or written (the
// files before it stay signed).
int run_approve(const ApproveArgs& args);

}  // namespace loa
