#include "loa/web_assets.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace loa {

const std::vector<std::pair<std::string_view, std::string_view>>& web_asset_table();

std::optional<WebAsset> web_asset(std::string_view name) {
  for (const auto& [file, body] : web_asset_table()) {
    if (file != name) continue;
    std::string_view type = "application/octet-stream";
    if (name.ends_with(".html")) type = "text/html; charset=utf-8";
    if (name.ends_with(".js")) type = "text/javascript; charset=utf-8";
    if (name.ends_with(".css")) type = "text/css; charset=utf-8";
    return WebAsset{body, type};
  }
  return std::nullopt;
}

std::vector<std::string_view> web_asset_names() {
  std::vector<std::string_view> names;
  for (const auto& entry : web_asset_table()) names.push_back(entry.first);
  return names;
}

}  // namespace loa
