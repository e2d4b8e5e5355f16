#include "loa/as_run_receipt.hpp"

#include <nlohmann/json.hpp>

#include "loa/district_wire.hpp"

namespace loa {

std::string receipt_topic(std::string_view district, std::string_view station) {
  return "loa/" + std::string(district) + "/receipts/" + std::string(station);
}

std::string receipt_message(std::string_view station, const std::vector<std::int64_t>& seqs) {
  return nlohmann::json{{"schema", kWireSchema}, {"station", station}, {"seqs", seqs}}.dump();
}

std::vector<std::int64_t> parse_receipt(std::string_view payload, std::string_view station) {
  const auto j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw WireRefused("the receipt is not JSON");
  const auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_number_integer() || *schema != kWireSchema) {
    throw WireRefused("the receipt is of a schema this loa does not read (it reads " +
                      std::to_string(kWireSchema) + ")");
  }
  const auto to = j.find("station");
  if (to == j.end() || !to->is_string() || to->get<std::string>() != station) {
    throw WireRefused("the receipt is not for this station");
  }
  const auto seqs = j.find("seqs");
  if (seqs == j.end() || !seqs->is_array() || seqs->size() > kMaxAsRunRows) {
    throw WireRefused("the receipt has no list of at most " + std::to_string(kMaxAsRunRows) +
                      " seqs");
  }
  std::vector<std::int64_t> out;
  for (const auto& s : *seqs) {
    if (!s.is_number_integer() || s.get<std::int64_t>() < 1) {
      throw WireRefused("the receipt has a seq that is not a whole number from 1");
    }
    out.push_back(s.get<std::int64_t>());
  }
  return out;
}

std::vector<std::int64_t> as_run_seqs(std::string_view payload) noexcept {
  std::vector<std::int64_t> out;
  try {
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return out;
    const auto rows = j.find("rows");
    if (rows == j.end() || !rows->is_array() || rows->size() > kMaxAsRunRows) return out;
    for (const auto& r : *rows) {
      const auto seq = r.is_object() ? r.find("seq") : r.end();
      if (seq != r.end() && seq->is_number_integer() && seq->get<std::int64_t>() >= 1) {
        out.push_back(seq->get<std::int64_t>());
      }
    }
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

}  // namespace loa
