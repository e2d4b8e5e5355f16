#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace loa {

struct WebAsset {
  std::string_view body;
  std::string_view content_type;
};

// The control page's files (web/), compiled into the binary, by their path under web/:
// "index.html", "style.css", "js/main.js", ... A ".js" file is served as text/javascript (the
// page loads its ES modules with <script type="module">, which browsers refuse under any other
// type).
std::optional<WebAsset> web_asset(std::string_view name);

// The paths of every file web_asset() knows, in the order they were embedded.
std::vector<std::string_view> web_asset_names();

}  // namespace loa
