#pragma once
// The programme files as the control server writes them (private to the server's files): where a
// file of a name is saved, and saving one with every check PUT /api/programmes/NAME makes.

#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "control_context.hpp"
#include "loa/diagnostics.hpp"

namespace loa {

// One change of the programme files at a time: each is checked against the one before. Held by
// whoever saves or deletes a programme file, around the check and the write.
extern std::mutex saving_programmes;

// 1 to 64 letters, digits, '-' or '_'.
bool valid_programme_name(const std::string& name);

// The file NAME saves to: in the folder of the first include pattern that has a fixed folder and
// matches NAME.yaml, spelt as that pattern expands (so the loader recognises it). nullopt when
// the station includes no such folder.
std::optional<std::filesystem::path> programme_file(const StationSettings& s,
                                                    const std::string& name);

// `path` relative to the station file's folder when it is inside it.
std::string shown_path(const std::string& path, const StationSettings& s);

// The diagnostics of one severity as the API answers them ({file, line, column, severity,
// message}).
nlohmann::json diagnostics_json(const Diagnostics& diags, const StationSettings& s, Severity only);

// Writes `text` to `file` so that readers see the old or the new file, never half of one. Throws
// std::runtime_error saying why and what to do when the folder cannot be written.
void write_atomically(const std::filesystem::path& file, const std::string& text);

// Loads the station as it now is on disk and hands it to the engine; false (and the answer sent,
// beginning with `done`) when it does not load or the engine does not take it.
bool reload_engine(ControlServer::Context& c, httplib::Response& res, const Message& done,
                   std::string& version);

struct SavedProgrammeFile {
  std::string version;      // of the station as saved
  nlohmann::json warnings;  // as diagnostics_json
};

// Saves `text` as `file` (from programme_file) the way PUT /api/programmes/NAME does: the whole
// station is checked with it (422 listing the errors), `caller` must have the right to schedule
// every programme in it (403, schedule_rights), then it is written atomically, the engine reloads
// it and the journal records who saved it. On any refusal the answer is sent in `res`, nothing is
// changed, and nullopt returned. With `only_new`, a file that exists already is refused (409).
// Takes saving_programmes itself. Blocks (checks clips, may speak
// say items); any thread but the engine's.
std::optional<SavedProgrammeFile> save_programme_file(
    ControlServer::Context& c, const Caller& caller, const std::filesystem::path& file,
    const std::string& text, httplib::Response& res, bool only_new = false);

}  // namespace loa
