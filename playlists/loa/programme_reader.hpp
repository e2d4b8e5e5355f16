#pragma once

#include <vector>

#include "loa/diagnostics.hpp"
#include "loa/programme.hpp"
#include "loa/yaml_tree.hpp"

namespace loa {

// Readers for the `programmes:` list and the `playlists:` mapping of one file. They append what is
// valid and report the rest; cross-file checks (duplicates, references) are the loader's.
void read_programmes(const YamlNode& list, const StationSettings& settings,
                     std::vector<Programme>& out, Diagnostics& diags);
void read_playlists(const YamlNode& map, const StationSettings& settings,
                    std::vector<Playlist>& out, Diagnostics& diags);

}  // namespace loa
