#pragma once
// The district daemon (`loa district --config district.yaml`, issue 13): the district office's
// link to its broker. It publishes what `loa district push` recorded (each clip's chunks, then
// the campaign message, retained, QoS 1; a message is marked pushed once the broker acknowledges
// it) and stores what the stations send up (as-run, health, last wills) in the district's
// database, refusing bad messages with a logged reason (docs/district.md, sections 6 and 7).
//
// Threads: run() is called on one thread and owns the database connection; the MQTT link's
// network thread only queues what arrives for it. Log lines go to `log` from run()'s thread.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>

#include "loa/district_config.hpp"

namespace loa {

struct DistrictDaemonCounts {
  std::size_t stored = 0;     // station messages stored
  std::size_t refused = 0;    // station messages refused (DistrictMessageRefused)
  std::size_t published = 0;  // pushes the broker acknowledged
};

struct DistrictDaemonOptions {
  // How often a push recorded by another process (`loa district push`) is looked for while idle:
  // what a push waits before it starts going out (one small SQLite query each time; it was 2 s,
  // a fifth of the 10 s a campaign has to reach 1,000 stations: docs/performance.md, section 10).
  std::chrono::milliseconds poll{250};
  // Messages published and not yet acknowledged, at most: bounds memory while a large campaign
  // goes out (a chunk is 256 KiB).
  std::size_t window = 16;
};

// Reads the district's credentials and opens its database (throws std::runtime_error naming the
// file), then runs until `stop` is true, reconnecting to the broker for as long as it takes.
// Returns what it did, for the log's last line and the tests.
DistrictDaemonCounts run_district_daemon(const DistrictConfig& config,
                                         const std::atomic<bool>& stop, std::ostream& log,
                                         const DistrictDaemonOptions& options = {});

}  // namespace loa
