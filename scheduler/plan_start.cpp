#include <filesystem>

#include "loa/journal.hpp"
#include "loa/planner.hpp"

namespace loa {

PlanStart plan_start(const StationSettings& settings, UtcTime now, std::string& problem) {
  PlanStart start{now, {}};
  const auto file = journal_path(settings);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return start;  // loa run never ran: nothing drawn yet
  try {
    const Journal journal(file, true);
    for (auto& [key, next] : journal.rotation()) {
      // The engine's notes of what broadcasts on air drew ('@...') are not playlists.
      if (key.find('@') == std::string::npos) start.next.emplace(key, next);
    }
  } catch (const std::exception& e) {
    problem = std::string(e.what()) +
              "; rotating and shuffled playlists are shown from their first clip, which may not "
              "be what loa run airs";
    start.next.clear();
  }
  return start;
}

}  // namespace loa
