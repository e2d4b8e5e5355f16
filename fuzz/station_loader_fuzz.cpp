// Feeds arbitrary bytes to the station loader: it must never crash, hang or leak, whatever an
// operator (or anyone else) saves as a station file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "loa/station_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loa::Diagnostics diags;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const loa::Station station =
      loa::load_station_text(text, "/nonexistent/fuzz/station.yaml", diags);
  (void)station;
  return 0;
}
