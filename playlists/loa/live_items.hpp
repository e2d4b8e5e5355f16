#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "loa/diagnostics.hpp"
#include "loa/programme.hpp"
#include "loa/yaml_tree.hpp"

namespace loa {

// The longest a relay or input item may last (`for:`).
inline constexpr Duration kMaxLiveLength = std::chrono::hours(24);
// The longest a relay may connect and buffer ahead of its start (`preroll:`).
inline constexpr Duration kMaxPreroll = std::chrono::minutes(5);

// Reads `{relay: URL, for: DUR | until: "HH:MM", dead_air:, fallback:, return:, preroll:}` or
// `{input: ID, for: | until:, dead_air:, fallback:, return:}` (ID one of audio.inputs). Reports
// every mistake at its line (address scheme and syntax, both or neither of for/until, lengths,
// an unknown input with "did you mean", a bad return) and returns nullopt if the item cannot air.
// A fallback playlist is looked up later, once every playlist is read (load_station).
std::optional<PlayItem> read_live_item(const YamlNode& n, const StationSettings& s, Diagnostics& d);

// Why `url` is not an address a relay can open (a message for relay.url.bad), or nullopt when it
// is a well-formed http(s) URL. `scheme_ok` is false when the scheme is not http or https.
std::optional<Message> relay_url_problem(std::string_view url, bool& scheme_ok);

}  // namespace loa
