// The control page (web/), served from the binary without authentication: it holds no data; it
// logs in through the API.
#include <string>

#include "control_context.hpp"
#include "loa/web_assets.hpp"

namespace loa {

void add_page_routes(httplib::Server& server) {
  const auto serve = [](std::string_view name) {
    return [name](const httplib::Request&, httplib::Response& res) {
      const auto asset = web_asset(name);
      if (!asset) {
        reply_error(res, 404, Message{"api.page_missing"});
        return;
      }
      res.set_content(asset->body.data(), asset->body.size(), std::string(asset->content_type));
      res.set_header("Cache-Control", "no-cache");
    };
  };
  server.Get("/", serve("index.html"));
  server.Get("/index.html", serve("index.html"));
  // Each embedded file at its own path (/style.css, /js/main.js, ...). Routes are regular
  // expressions: the dots of the file names are escaped so that each route matches one path.
  for (const auto name : web_asset_names()) {
    if (name == "index.html") continue;
    std::string pattern = "/";
    for (const char ch : name) {
      if (ch == '.') pattern += '\\';
      pattern += ch;
    }
    server.Get(pattern, serve(name));
  }
}

}  // namespace loa
