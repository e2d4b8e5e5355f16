#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loa {

// The closest of `known` to `typed` if it is close enough to be a likely typo, else empty.
std::string closest_match(std::string_view typed, const std::vector<std::string>& known);

// " (did you mean 'x'?)" or "" — ready to append to a message.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& known);

}  // namespace loa
