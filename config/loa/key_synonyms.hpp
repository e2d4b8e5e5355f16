#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loa {

// The key an operator most likely meant by `typed`, a word other tools use for it ("to", "end"
// and "till" for until, "time" for at, "name" for title, "interval" for every), when that key is
// one of `keys` (the keys of the mapping being read); else "". Case is ignored.
std::string key_meant(std::string_view typed, const std::vector<std::string>& keys);

}  // namespace loa
