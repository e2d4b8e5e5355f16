#include "loa/message_json.hpp"

namespace loa {

nlohmann::json params_json(const std::vector<MessageParam>& params) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& p : params) {
    j[p.name] = p.nested ? message_json(*p.nested) : nlohmann::json(p.value);
  }
  return j;
}

nlohmann::json message_json(const Message& m) {
  return {{"code", m.code}, {"params", params_json(m.params)}};
}

nlohmann::json catalog_json(Language lang) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& m : kMessageCatalog) {
    j[std::string(m.code)] = std::string(lang == Language::vi ? m.vi : m.en);
  }
  return j;
}

}  // namespace loa
