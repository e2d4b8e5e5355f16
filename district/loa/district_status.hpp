#pragma once
// `loa district status`: every commune on the district's list, as the district last heard from
// it. Pure over the store's rows and `now`.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "loa/district_config.hpp"
#include "loa/district_store.hpp"
#include "loa/messages.hpp"

namespace loa {

// A station is "up" while its last heartbeat is at most this old (heartbeats come every 60 s).
inline constexpr std::chrono::minutes kSilentAfter{3};

struct CommuneStatus {
  std::string id;
  std::string name;
  bool listed = true;  // on district.yaml's list (false: heard from, but not listed)
  // "up", "silent" (no heartbeat for kSilentAfter), "gone" (its last will: it lost the broker)
  // or "unknown" (never heard from).
  std::string state = "unknown";
  std::optional<UtcTime> since;           // silent or gone since; up: the last heartbeat
  std::optional<UtcTime> last_heartbeat;  // received
  std::string version;
  struct OnAir {
    std::string programme;
    std::string title;
    std::optional<UtcTime> at;  // since (on air) or at (next)
  };
  std::vector<OnAir> on_air;  // from the last heartbeat
  std::optional<OnAir> next;
  int missed_today = 0;  // as-run rows with status missed, scheduled today (district's time)
  struct Campaign {
    std::string campaign;
    std::uint64_t pushed = 0;  // the version the district pushed last; 0: not pushed
    std::uint64_t held = 0;    // the version the station holds (its heartbeat); 0: none
  };
  std::vector<Campaign> campaigns;
  std::string last_error;
  // The station's clock less the district's, from the last heartbeat: the time the station wrote
  // in it less the time the district received it. It includes the network's delay (normally well
  // under a second) and, for a heartbeat the broker kept while the district daemon was away, that
  // wait, until the next heartbeat (60 s). nullopt: no heartbeat.
  std::optional<std::int64_t> clock_offset_ms;
};

// A clock this far off (either way) is worth an operator's look: slots air at the station's time.
inline constexpr std::chrono::seconds kClockWorthChecking{10};

std::vector<CommuneStatus> district_status(const DistrictConfig& config, DistrictStore& store,
                                           UtcTime now);

void print_status_text(std::ostream& out, const DistrictConfig& config,
                       const std::vector<CommuneStatus>& communes, UtcTime now,
                       Language lang = Language::en);
void print_status_json(std::ostream& out, const DistrictConfig& config,
                       const std::vector<CommuneStatus>& communes, UtcTime now);

}  // namespace loa
