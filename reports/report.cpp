#include "loa/report.hpp"

#include <algorithm>

namespace loa {

Micros broadcast_airtime(const JournalBroadcast& b) {
  Micros sum{0};
  for (const JournalItem& i : b.items) {
    if (i.end && *i.end > i.start) sum += *i.end - i.start;
  }
  return sum;
}

Micros item_dead_air(const JournalItem& item) {
  if (!item.end || *item.end <= item.start) return Micros{0};
  const auto within = [&](UtcTime t) { return std::clamp(t, item.start, *item.end); };
  Micros sum{0};
  bool dead = false;
  UtcTime since = item.start;
  for (const JournalItemEvent& e : item.events) {
    if (e.kind == "dead_air_started" && !dead) {
      dead = true;
      since = within(e.t);
    } else if (e.kind == "dead_air_ended" && dead) {
      sum += within(e.t) - since;
      dead = false;
    }
  }
  if (dead) sum += *item.end - since;
  return sum;
}

void AirTally::add(AirStatus status, int broadcasts, Micros time) {
  planned += broadcasts;
  switch (status) {
    case AirStatus::aired:
      aired += broadcasts;
      break;
    case AirStatus::missed:
      missed += broadcasts;
      break;
    case AirStatus::interrupted:
    case AirStatus::cut:  // not a broadcast status, but if written, that is what it means
      interrupted += broadcasts;
      break;
    case AirStatus::failed:
      failed += broadcasts;
      break;
    case AirStatus::playing:
      playing += broadcasts;
      break;
  }
  airtime += time;
}

void AirTally::add(const JournalBroadcast& b) {
  const Micros t = broadcast_airtime(b);
  add(b.status, 1, t);
  for (const JournalItem& i : b.items) {
    if (i.kind != "relay" && i.kind != "input") continue;
    if (i.end && *i.end > i.start) live += *i.end - i.start;
    dead_air += item_dead_air(i);
  }
  for (const auto& z : b.zones) zones[z] += t;
}

Report make_report(const std::vector<JournalBroadcast>& broadcasts,
                   const std::vector<std::string>& station_zones) {
  Report r;
  std::map<std::string, ReportRow> programmes;
  std::map<std::string, ReportRow> references;
  for (const auto& b : broadcasts) {
    r.total.add(b);
    ReportRow& p = programmes[b.key.programme];
    p.programme = b.key.programme;
    p.title = b.title;  // rows come in time order: the last one wins
    p.reference = b.reference;
    p.tally.add(b);
    ReportRow& ref = references[b.reference];
    ref.reference = b.reference;
    ref.tally.add(b);
  }
  for (auto& [id, row] : programmes) r.programmes.push_back(std::move(row));
  for (auto& [reference, row] : references) r.references.push_back(std::move(row));
  if (!r.references.empty() && r.references.front().reference.empty()) {
    std::rotate(r.references.begin(), r.references.begin() + 1, r.references.end());
  }
  r.zones = station_zones;
  for (const auto& [zone, t] : r.total.zones) {
    if (std::ranges::find(station_zones, zone) == station_zones.end()) r.zones.push_back(zone);
  }
  return r;
}

}  // namespace loa
