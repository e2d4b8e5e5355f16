#pragma once
// The district wire (docs/district.md, "Wire"): the topics and payloads a station and its district
// exchange over MQTT. JSON in UTF-8, times RFC 3339 UTC with milliseconds, binary as base64.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "loa/journal_outbox.hpp"

namespace loa {

// A message a station will not take; what() is the reason, for the log and the journal.
struct WireRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr int kWireSchema = 1;
inline constexpr std::size_t kMaxAsRunRows = 200;             // per as-run message
inline constexpr std::size_t kMaxCampaignMessage = 4u << 20;  // 4 MiB
inline constexpr std::size_t kClipChunkBytes = 262144;        // every chunk but a clip's last

std::string as_run_topic(std::string_view district, std::string_view station);
std::string health_topic(std::string_view district, std::string_view station);
std::string campaigns_topic(std::string_view district);  // loa/D/campaigns/+
std::string clip_chunks_topic(std::string_view district, std::string_view sha256);  // .../SHA/+

// "2027-01-04T23:00:00.000Z"
std::string wire_time(UtcTime t);

// {"schema":1,"station":S,"rows":[...]} of at most kMaxAsRunRows rows.
std::string as_run_message(std::string_view station, const std::vector<AsRunRow>& rows);

struct StationHealth {
  struct OnAir {
    std::string programme;
    std::string title;
    UtcTime since;
  };
  struct Next {
    std::string programme;
    std::string title;
    UtcTime at;
  };
  std::vector<OnAir> on_air;
  std::optional<Next> next;
  std::string last_error;
  std::uint64_t free_disk_bytes = 0;
  std::optional<std::int64_t> clock_offset_ms;
  std::vector<std::pair<std::string, std::uint64_t>> campaigns;  // held: id, version
};

std::string health_message(std::string_view station, std::string_view version,
                           const StationHealth& h, UtcTime now);
std::string will_message(std::string_view station);  // state "gone"

// A campaign message (loa/D/campaigns/CAMPAIGN), decoded.
struct CampaignMessage {
  std::string campaign;
  std::uint64_t version = 0;
  std::string manifest;   // manifest.json's bytes
  std::string signature;  // manifest.sig's bytes
  std::string programme;  // programme.yaml's bytes
};

// Throws WireRefused: not JSON, another schema, a missing or mistyped field, bad base64, a
// campaign id other than `campaign` (the one its topic names).
CampaignMessage parse_campaign_message(std::string_view payload, std::string_view campaign);

// Standard base64 of any length; nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace loa
