#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loa/broadcast.hpp"
#include "loa/station_settings.hpp"
#include "loa/station_time.hpp"

namespace loa {

// What became of a broadcast or an item on air. A broadcast is `playing` from its first sound
// until it ends; one still `playing` in the journal after a restart was cut by the crash.
// Items are `playing`, `aired`, `cut` (a higher priority cut in, or loa stopped) or `failed`.
// Broadcasts are `aired`, `interrupted` (cut or paused and not finished), `failed` (nothing of it
// could be played) or `missed` (it could not start within its `late`).
enum class AirStatus { playing, aired, interrupted, failed, missed, cut };
std::string_view air_status_name(AirStatus s);
std::optional<AirStatus> parse_air_status(std::string_view name);

// Which broadcast this is, the same across restarts and reloads: a slot occurrence of a programme.
// Ad-hoc broadcasts ("play now") use programme "play-now" and slot -1.
struct BroadcastKey {
  std::string programme;  // Programme::id
  int slot = 0;           // index of the slot in the programme
  UtcTime scheduled;
  auto operator<=>(const BroadcastKey&) const = default;
};

// What a relay or input item experienced while it aired (RelayEvent, relay.hpp).
struct JournalItemEvent {
  UtcTime t;
  std::string kind;  // relay_event_name(): connected, lost, reconnecting, warning,
                     // dead_air_started, dead_air_ended, ended
  std::string reason;
  std::string codec;  // connected: the stream's codec, rate and channels
  int rate = 0;
  int channels = 0;
  std::int64_t frame = -1;  // dead air and end: the item's frame (from its start) it happened at
  std::string fallback;     // dead_air_started: what covered it ("playlist nhac-nen", "silence")
};

struct JournalItem {
  int index = 0;     // index in the broadcast's items (as expanded)
  std::string kind;  // item_kind_name(): chime, clip, silence, gap, relay, input
  std::string path;  // BroadcastItem::path()
  UtcTime start;
  std::optional<UtcTime> end;  // nullopt while playing (or cut by a crash)
  AirStatus status = AirStatus::playing;
  std::string reason;                    // why it failed or was cut
  std::int64_t id = 0;                   // the row, as read back (0 in what the engine writes)
  std::vector<JournalItemEvent> events;  // relay and input items, as read back, oldest first
};

struct JournalBroadcast {
  std::int64_t id = 0;
  BroadcastKey key;
  std::string title;
  std::string reference;
  std::vector<std::string> zones;  // zone names
  int priority = 50;
  std::optional<UtcTime> start;  // first sound; nullopt when missed
  std::optional<UtcTime> end;
  AirStatus status = AirStatus::playing;
  std::string reason;
  std::vector<JournalItem> items;  // in the order they started
};

// A change made through the control API: who did what, from where.
struct ControlAction {
  UtcTime t;
  std::string who;   // a user's name, or "api-token"
  std::string from;  // the client's address
  std::string what;
};

// Where a station's journal lives: journal.db in its state folder. `loa run` writes it there;
// `loa log` and `loa report` read it there.
std::filesystem::path journal_path(const StationSettings& settings);

// The station's record of what aired: an SQLite database in WAL mode (station.state/journal.db),
// written as things happen so that a power cut loses at most the item that was playing.
// Every write is its own transaction. Throws std::runtime_error naming the file on any SQLite
// failure (cannot open, disk full, not a loa journal). One Journal per thread; several processes
// may read while `loa run` writes (WAL).
class Journal {
 public:
  // Opens or creates the journal. `read_only` opens an existing file without creating it (for
  // `loa log` and `loa report`; throws if there is none).
  explicit Journal(const std::filesystem::path& file, bool read_only = false);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const std::filesystem::path& file() const;

  // --- written by the engine ---
  // A broadcast's first sound at `start`: a row with status playing. Returns its id. If a row with
  // the same key exists (a broadcast resumed after a restart), marks it playing again and returns
  // its id, keeping its items and first start.
  std::int64_t begin_broadcast(const JournalBroadcast& b, UtcTime start);
  // An item's first sound. Returns the item's id. (An item with `end` and a final status, e.g. one
  // that failed at once, is recorded whole.)
  std::int64_t begin_item(std::int64_t broadcast, const JournalItem& item);
  // end_item and end_broadcast throw for an id the journal does not have.
  void end_item(std::int64_t item, UtcTime end, AirStatus status, const std::string& reason = {});
  void end_broadcast(std::int64_t broadcast, UtcTime end, AirStatus status,
                     const std::string& reason = {});
  // A broadcast that never started: status missed (or failed), no start. Ignored if the key is
  // already journaled.
  void record_missed(const JournalBroadcast& b, AirStatus status = AirStatus::missed,
                     const std::string& reason = {});

  // Something a relay or input item (`item`, an id begin_item returned) experienced.
  void add_item_event(std::int64_t item, const JournalItemEvent& event);

  // Where the rotating and shuffled playlists stand (the next clip of each). Saving replaces the
  // whole saved state, in one transaction.
  RotationState rotation() const;
  void save_rotation(const RotationState& state);

  // The last instant loa is known to have been running (updated while on air and at each event).
  void mark_alive(UtcTime t);
  std::optional<UtcTime> last_alive() const;

  // A control action (issue 5): who did what from where.
  void record_action(UtcTime t, const std::string& who, const std::string& from,
                     const std::string& what);

  // --- read by loa log, loa report and the engine's recovery ---
  // Control actions in [from, to), oldest first.
  std::vector<ControlAction> actions(UtcTime from, UtcTime to) const;
  // Broadcasts scheduled in [from, to), by scheduled time, with their items.
  std::vector<JournalBroadcast> broadcasts(UtcTime from, UtcTime to) const;
  std::optional<JournalBroadcast> find(const BroadcastKey& key) const;
  // Broadcasts still `playing` (cut by a crash), with their items.
  std::vector<JournalBroadcast> unfinished() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loa
