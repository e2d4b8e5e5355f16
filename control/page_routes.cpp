// The control page (web/), served from the binary without authentication: it holds no data; it
// logs in through the API.
#include "control_context.hpp"
#include "loa/web_assets.hpp"

namespace loa {

void add_page_routes(ControlServer::Context& c) {
  const auto serve = [](std::string_view name) {
    return [name](const httplib::Request&, httplib::Response& res) {
      const auto asset = web_asset(name);
      if (!asset) {
        reply_error(res, 404, "the page is missing from this build");
        return;
      }
      res.set_content(asset->body.data(), asset->body.size(), std::string(asset->content_type));
      res.set_header("Cache-Control", "no-cache");
    };
  };
  c.server->Get("/", serve("index.html"));
  c.server->Get("/index.html", serve("index.html"));
  c.server->Get("/app.js", serve("app.js"));
  c.server->Get("/style.css", serve("style.css"));
}

}  // namespace loa
