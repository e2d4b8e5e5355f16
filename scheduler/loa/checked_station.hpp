#pragma once

#include <filesystem>
#include <map>
#include <optional>

#include "loa/broadcast.hpp"
#include "loa/clip_probe.hpp"
#include "loa/diagnostics.hpp"
#include "loa/programme.hpp"
#include "loa/station_loader.hpp"

namespace loa {

// A station loaded and checked as `loa check` does: YAML, references, every clip it uses probed
// (through the cache in the state folder), and the amplifiers' programs looked up. Problems are in
// `diags`.
struct CheckedStation {
  Station station;
  Diagnostics diags;
  std::map<std::filesystem::path, ProbeResult> clips;
  int speech_synthesized = 0;  // say clips spoken by this check (the others were cached)

  bool ok() const { return !diags.has_errors(); }
  // Lengths from the probes, for the planner.
  ClipLengths lengths() const;
  // Why a clip cannot be played, or "" if it can.
  std::string clip_problem(const std::filesystem::path& file) const;
};

struct CheckOptions {
  bool date_warnings = true;  // expired programmes, slots always delayed
  std::optional<Date> today;  // for those warnings; nullopt: today in the station's time zone
  bool probe_clips = true;
  // A clip that cannot be played is an error for `loa check`; at render or air time it is a
  // warning and the item is skipped.
  bool clip_problems_are_errors = true;
  // Amplifiers' on/off programs that cannot be started (not in PATH, not executable): errors for
  // `loa check`, warnings where a station is loaded to air or plan (the broadcast goes on without
  // switching; a missing program on the machine that plans is no reason to refuse).
  bool command_problems_are_errors = true;
  // An included file's new text, checked in place of the file (PUT /api/programmes).
  const FileOverlay* overlay = nullptr;
};

CheckedStation check_station(const std::filesystem::path& file, const CheckOptions& options);

// Warnings found by planning ahead: slots whose every broadcast in [today, today + days) is delayed
// or missed because of others.
void warn_always_blocked(CheckedStation& checked, const Date& today, int days);

}  // namespace loa
