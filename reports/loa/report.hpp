#pragma once
// What `loa report` counts, from journal rows; pure.

#include <map>
#include <string>
#include <vector>

#include "loa/journal.hpp"

namespace loa {

struct AirTally {
  int planned = 0;  // every broadcast journaled: the sum of the five below
  int aired = 0;
  int missed = 0;
  int interrupted = 0;
  int failed = 0;
  int playing = 0;  // still on air, or cut by a power cut
  Micros airtime{0};
  std::map<std::string, Micros> zones;  // zone id: the airtime of broadcasts on that zone
  Micros live{0};                       // the airtime of relay and input items (within `airtime`)
  Micros dead_air{0};                   // of which their fallback (or silence) covered dead air

  void add(const JournalBroadcast& b);
  // `broadcasts` broadcasts that ended as `status` and sounded `airtime` in all (no zones): what
  // the district's report sums from its stations' as-run.
  void add(AirStatus status, int broadcasts, Micros airtime);
};

// How long a broadcast sounded: the sum of its items' end - start (a cut item counts the part that
// aired). An item with no end (playing, or cut by a power cut) counts nothing: its end is unknown.
Micros broadcast_airtime(const JournalBroadcast& b);

// How long a relay or input item aired its fallback for dead air: from each dead_air_started
// event to the next dead_air_ended, or to the item's end. Within [start, end]; 0 with no end.
Micros item_dead_air(const JournalItem& item);

struct ReportRow {
  std::string programme;  // programme rows only
  std::string title;      // programme rows only: the last title journaled
  std::string reference;  // "" when the programme names none
  AirTally tally;
};

struct Report {
  std::vector<std::string> zones;  // the zone columns, in order
  AirTally total;
  std::vector<ReportRow> programmes;  // by programme id
  std::vector<ReportRow> references;  // by reference; broadcasts without one last
};

// Tallies `broadcasts`. The zone columns are `station_zones` (in that order), then any other zone
// the journal names (a zone since removed from the station), sorted.
Report make_report(const std::vector<JournalBroadcast>& broadcasts,
                   const std::vector<std::string>& station_zones);

}  // namespace loa
