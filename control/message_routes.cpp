#include "control_context.hpp"
#include "loa/message_json.hpp"

namespace loa {

// GET /api/messages?lang=vi|en: the message catalog's templates in one language, so the page
// says in its own language what the server's "code" and "params" mean (docs/api.md, "Messages").
// Public, like the page itself: the login form needs it before anyone has logged in.
void add_message_routes(httplib::Server& server) {
  server.Get("/api/messages", [](const httplib::Request& req, httplib::Response& res) {
    const std::string lang = req.has_param("lang") ? req.get_param_value("lang") : "en";
    if (lang != "en" && lang != "vi") {
      reply_error(res, 400, Message{"api.messages.lang", {{"lang", lang}}});
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    reply_json(
        res, 200,
        {{"lang", lang}, {"messages", catalog_json(lang == "vi" ? Language::vi : Language::en)}});
  });
}

}  // namespace loa
