#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "loa/messages.hpp"

namespace loa {

// The closest of `known` to `typed` if it is close enough to be a likely typo, else empty. Case
// is ignored, and so are accents (on both sides), so "chợ" finds "cho" and "bao" finds "báo".
std::string closest_match(std::string_view typed, const std::vector<std::string>& known);

// " (did you mean 'x'?)" or "" — ready to append to a message.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& known);

// The same hint as the param "suggestion" of a message (hint.did_you_mean), empty if none.
MessageParam suggestion(std::string_view typed, const std::vector<std::string>& known);

// Something looked up by an ASCII id that also has a readable name (a zone: id cho, name Chợ).
struct NamedId {
  std::string id;
  std::string name;  // may be empty
};

// " (did you mean 'cho' (Chợ)?)" or "" for a look-up of `typed` that found nothing: the one whose
// name the operator typed (accents and case aside), else the closest id, else the closest name.
// The name is shown when the operator typed accents or the name, since that is what they know.
std::string did_you_mean_id(std::string_view typed, const std::vector<NamedId>& known);
MessageParam suggestion_id(std::string_view typed, const std::vector<NamedId>& known);

}  // namespace loa
