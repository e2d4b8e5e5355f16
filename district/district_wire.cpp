#include "loa/district_wire.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

namespace loa {

namespace {

std::string root(std::string_view district) {
  return "loa/" + std::string(district) + "/";
}

nlohmann::json optional_time(const std::optional<UtcTime>& t) {
  return t ? nlohmann::json(wire_time(*t)) : nlohmann::json(nullptr);
}

}  // namespace

std::string as_run_topic(std::string_view district, std::string_view station) {
  return root(district) + "stations/" + std::string(station) + "/as-run";
}
std::string health_topic(std::string_view district, std::string_view station) {
  return root(district) + "stations/" + std::string(station) + "/health";
}
std::string campaigns_topic(std::string_view district) {
  return root(district) + "campaigns/+";
}
std::string clip_chunks_topic(std::string_view district, std::string_view sha256) {
  return root(district) + "clips/" + std::string(sha256) + "/+";
}

std::string wire_time(UtcTime t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(t));
}

std::string as_run_message(std::string_view station, const std::vector<AsRunRow>& rows) {
  nlohmann::json out{
      {"schema", kWireSchema}, {"station", station}, {"rows", nlohmann::json::array()}};
  for (const auto& r : rows) {
    const auto& b = r.broadcast;
    out["rows"].push_back({{"seq", r.seq},
                           {"broadcast", b.id},
                           {"programme", b.key.programme},
                           {"slot", b.key.slot},
                           {"scheduled", wire_time(b.key.scheduled)},
                           {"title", b.title},
                           {"reference", b.reference},
                           {"zones", b.zones},
                           {"priority", b.priority},
                           {"start", optional_time(b.start)},
                           {"end", optional_time(b.end)},
                           {"status", air_status_name(b.status)},
                           {"reason", b.reason}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string health_message(std::string_view station, std::string_view version,
                           const StationHealth& h, UtcTime now) {
  nlohmann::json on_air = nlohmann::json::array();
  for (const auto& a : h.on_air) {
    on_air.push_back(
        {{"programme", a.programme}, {"title", a.title}, {"since", wire_time(a.since)}});
  }
  nlohmann::json next = nullptr;
  if (h.next) {
    next = {
        {"programme", h.next->programme}, {"title", h.next->title}, {"at", wire_time(h.next->at)}};
  }
  nlohmann::json campaigns = nlohmann::json::array();
  for (const auto& [id, v] : h.campaigns) campaigns.push_back({{"campaign", id}, {"version", v}});
  const nlohmann::json out{
      {"schema", kWireSchema},
      {"station", station},
      {"state", "up"},
      {"time", wire_time(now)},
      {"version", version},
      {"on_air", on_air},
      {"next", next},
      {"last_error", h.last_error},
      {"free_disk_bytes", h.free_disk_bytes},
      {"clock_offset_ms",
       h.clock_offset_ms ? nlohmann::json(*h.clock_offset_ms) : nlohmann::json(nullptr)},
      {"campaigns", campaigns}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string will_message(std::string_view station) {
  return nlohmann::json{{"schema", kWireSchema}, {"station", station}, {"state", "gone"}}.dump();
}

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &size, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

CampaignMessage parse_campaign_message(std::string_view payload, std::string_view campaign) {
  const auto j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw WireRefused("the campaign message is not JSON");
  const auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_number_integer() || *schema != kWireSchema) {
    throw WireRefused("the campaign message is of a schema this loa does not read (it reads " +
                      std::to_string(kWireSchema) +
                      "; is the station's loa older than the district's?)");
  }
  CampaignMessage m;
  const auto text = [&](const char* key) {
    const auto f = j.find(key);
    if (f == j.end() || !f->is_string()) {
      throw WireRefused(std::string("the campaign message has no text '") + key + "'");
    }
    return f->get<std::string>();
  };
  const auto bytes = [&](const char* key) {
    auto decoded = decode_base64(text(key));
    if (!decoded)
      throw WireRefused(std::string("the campaign message's '") + key + "' is not base64");
    return std::move(*decoded);
  };
  m.campaign = text("campaign");
  if (m.campaign != campaign) {
    throw WireRefused("the campaign message names campaign '" + m.campaign +
                      "' on the topic of campaign '" + std::string(campaign) + "'");
  }
  const auto version = j.find("version");
  if (version == j.end() || !version->is_number_unsigned() || *version == 0) {
    throw WireRefused("the campaign message has no version (a whole number from 1)");
  }
  m.version = version->get<std::uint64_t>();
  m.manifest = bytes("manifest");
  m.signature = bytes("signature");
  m.programme = bytes("programme");
  return m;
}

}  // namespace loa
