#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "loa/messages.hpp"

namespace loa {

// A message's placeholders as JSON (docs/api.md, "Messages"): {"name": "text", ...}, a param
// that is a message of its own as {"code": ..., "params": {...}}, an empty one as "".
nlohmann::json params_json(const std::vector<MessageParam>& params);

// {"code": ..., "params": {...}}.
nlohmann::json message_json(const Message& m);

// Every message of the catalog in `lang`: {"code": "template", ...} (GET /api/messages).
nlohmann::json catalog_json(Language lang);

}  // namespace loa
