#pragma once

#include <optional>
#include <string_view>

namespace loa {

struct WebAsset {
  std::string_view body;
  std::string_view content_type;
};

// The control page's files (web/), compiled into the binary: "index.html", "app.js", "style.css".
std::optional<WebAsset> web_asset(std::string_view name);

}  // namespace loa
