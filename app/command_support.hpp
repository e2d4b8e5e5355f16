#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "loa/journal.hpp"
#include "loa/programme.hpp"
#include "loa/time_window.hpp"

namespace loa {

// What several commands need first. Each says why it fails on stderr, prefixed with `command`
// ("loa plan").

// --from and --to (see parse_time_window in loa/time_window.hpp); nullopt after saying why.
std::optional<TimeWindow> parse_time_window(const std::string& from, const std::string& to,
                                            const date::time_zone* zone,
                                            const std::string& command);

// The station, for its name, time zone, zones and state folder. Errors in its programmes do not
// hide what aired: they are mentioned, not fatal; only a station without a time zone is (nullopt).
std::optional<Station> station_for_journal(const std::filesystem::path& config,
                                           const std::string& command);

// The station's journal, read-only; nullptr when loa run has not recorded anything yet or the file
// is not a journal.
std::unique_ptr<Journal> open_journal_read_only(const StationSettings& settings,
                                                const std::string& command);

}  // namespace loa
