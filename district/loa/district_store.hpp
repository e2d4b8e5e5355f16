#pragma once
// The district office's database (issue 13; the contract is docs/district.md, "Wire"): what the
// stations sent up (as-run, health, last will) and the campaigns `loa district push` recorded for
// the daemon to publish. SQLite in WAL mode, marked as loa's district database by
// PRAGMA application_id and versioned by PRAGMA user_version, like the station's journal.
//
// Threads: one DistrictStore per thread. Several processes may use the file at once (the daemon
// ingests while `loa district status` reads); writes are short transactions.
// Every SQLite failure throws std::runtime_error naming the file.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "loa/station_time.hpp"

namespace loa {

// A message from a station that the district will not store; what() is the reason, for the
// daemon's log. Nothing of a refused message is stored, except the valid rows of an as-run
// message when only some rows are refused (what() says how many).
struct DistrictMessageRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A message for the broker: `loa district push` records them, the daemon publishes them (QoS 1).
struct OutgoingMessage {
  std::int64_t id = 0;
  std::string topic;
  std::string payload;  // bytes: JSON for a campaign, raw audio for a clip chunk
  bool retained = true;
};

// One as-run row as the district keeps it: the latest state (highest seq) of one journal
// broadcast of one station.
struct CommuneAsRunRow {
  std::string station;
  std::int64_t broadcast = 0;
  std::int64_t seq = 0;
  std::string programme;
  std::string campaign;  // "" unless programme is campaign/CAMPAIGN/...
  int slot = 0;
  UtcTime scheduled;
  std::string title;
  std::string reference;
  std::vector<std::string> zones;
  int priority = 50;
  std::optional<UtcTime> start;
  std::optional<UtcTime> end;
  std::string status;  // playing, aired, interrupted, failed, missed, cut
  std::string reason;
};

// The last health message (or last will) of a station.
struct CommuneHealth {
  std::string station;
  std::string state;               // "up" or "gone"
  UtcTime received;                // when the district received it (a will carries no time)
  std::optional<UtcTime> last_up;  // the last heartbeat received, even after a will
  std::string payload;             // the last heartbeat's JSON (on_air, next, campaigns...)
};

// A campaign as `loa district push` recorded it.
struct PushedCampaign {
  std::string campaign;
  std::uint64_t version = 0;
  std::string valid_from;   // YYYY-MM-DD
  std::string valid_until;  // inclusive
  UtcTime pushed;
  std::string signed_by;
  struct Slot {
    std::string programme;
    std::string title;
    int slot = 0;
    std::string rule;  // the slot as written, in one line ("at: 06:00, days: [mon, wed]")
  };
  std::vector<Slot> slots;
};

// The tally of one (station, campaign, status): what the report sums.
struct AsRunCount {
  std::string station;
  std::string campaign;
  std::string status;
  std::int64_t broadcasts = 0;
  Micros airtime{0};  // sum of end - start over the rows that have both
};

class DistrictStore {
 public:
  // Opens or creates the database (and its folder). `district`, when given, is the only district
  // whose topics ingest() takes (loa/DISTRICT/...). Throws std::runtime_error (cannot open, not a
  // loa district database, a newer schema).
  // With Access::read, the database must exist and nothing writes through this connection (the
  // page's requests): a writing call throws std::runtime_error.
  enum class Access { write, read };
  explicit DistrictStore(const std::filesystem::path& file, std::string district = {},
                         Access access = Access::write);
  ~DistrictStore();
  DistrictStore(const DistrictStore&) = delete;
  DistrictStore& operator=(const DistrictStore&) = delete;

  const std::filesystem::path& file() const;

  // --- up from the stations (the daemon calls this for every message it receives) ---
  // Takes a message under loa/DISTRICT/stations/STATION/{as-run,health}, validates all of it and
  // stores it idempotently: per (station, broadcast) the row with the highest seq; a seq already
  // seen changes nothing. Throws DistrictMessageRefused with the reason; never crashes on any
  // bytes.
  void ingest(std::string_view topic, std::string_view payload, UtcTime received);

  // --- down to the stations ---
  // Messages recorded and not yet published, oldest first: those with an id above `after`, at
  // most `limit` of them (the daemon reads a window at a time: a chunk is 256 KiB).
  std::vector<OutgoingMessage> pending_pushes(std::int64_t after = 0,
                                              std::int64_t limit = -1 /* all */);
  // The daemon published it and the broker acknowledged it. An unknown id is ignored.
  void mark_pushed(std::int64_t id);

  // For `loa district push`: records the campaign and its messages in one transaction. A clip
  // chunk already recorded (the same clip in an earlier version) is not recorded again. Returns
  // how many messages it recorded. Throws std::runtime_error if this campaign version was
  // already recorded with another manifest.
  std::size_t record_push(const PushedCampaign& campaign, const std::string& manifest,
                          const std::vector<OutgoingMessage>& messages);

  // --- read by status and report ---
  std::vector<CommuneHealth> health();
  // The newest version of each campaign pushed, by id.
  std::vector<PushedCampaign> campaigns();
  // As-run rows of `station` scheduled in [from, to), by scheduled time.
  std::vector<CommuneAsRunRow> as_run(std::string_view station, UtcTime from, UtcTime to);
  // Campaign broadcasts scheduled in [from, to), counted per station, campaign and status.
  std::vector<AsRunCount> campaign_counts(UtcTime from, UtcTime to);
  // The number of as-run rows held (for the bench and tests).
  std::int64_t as_run_rows();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "2027-01-04T23:00:00.000Z" (RFC 3339, UTC, milliseconds), as the wire writes times.
std::string format_wire_time(UtcTime t);
// RFC 3339 with 'Z' or a numeric offset, 0 to 6 decimals; nullopt for anything else.
std::optional<UtcTime> parse_wire_time(std::string_view text);

}  // namespace loa
