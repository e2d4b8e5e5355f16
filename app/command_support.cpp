#include "command_support.hpp"

#include <iostream>

#include "loa/station_loader.hpp"

namespace loa {

std::optional<Station> station_for_journal(const std::filesystem::path& config,
                                           const std::string& command) {
  Diagnostics diags;
  Station station = load_station(config, diags);
  if (station.settings.zone == nullptr) {
    diags.print(std::cerr, language_from_environment());
    std::cerr << command << ": cannot read the station's settings; fix them (loa check --config "
              << config.string() << ")\n";
    return std::nullopt;
  }
  if (diags.has_errors()) {
    std::cerr << command << ": note: the station file has errors (loa check --config "
              << config.string() << " lists them); the journal is shown all the same\n";
  }
  return station;
}

std::unique_ptr<Journal> open_journal_read_only(const StationSettings& settings,
                                                const std::string& command) {
  const auto file = journal_path(settings);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    std::cerr << command << ": loa run has not recorded anything yet (no journal at "
              << file.string() << ")\n";
    return nullptr;
  }
  try {
    return std::make_unique<Journal>(file, true);
  } catch (const std::exception& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return nullptr;
  }
}

std::optional<TimeWindow> parse_time_window(const std::string& from, const std::string& to,
                                            const date::time_zone* zone,
                                            const std::string& command) {
  std::string why;
  auto w = parse_time_window(from, to, zone, "--from", "--to", why);
  if (!w) std::cerr << command << ": " << why << '\n';
  return w;
}

}  // namespace loa
