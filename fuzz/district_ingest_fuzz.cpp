// Feeds arbitrary bytes as a message a station (or anyone holding a station's password) sends the
// district: the first line is the topic, the rest the payload. Ingesting must never crash and
// must throw nothing but DistrictMessageRefused; what it stores reads back.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "loa/district_store.hpp"

namespace {

const std::filesystem::path& file() {
  static const std::filesystem::path f =
      std::filesystem::temp_directory_path() /
      ("loa-district-fuzz-" + std::to_string(::getpid()) + ".db");
  return f;
}

void remove_files() {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(file().string() + suffix, ec);
  }
}

loa::DistrictStore& store() {
  // The path first: statics are destroyed in the reverse order of their registration, so it
  // outlives remove_files.
  static const int registered = (file(), std::atexit(remove_files));
  static loa::DistrictStore s(file(), "lap-vo");
  (void)registered;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view topic = input.substr(0, newline);
  const std::string_view payload =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const loa::UtcTime received{std::chrono::microseconds{1'800'000'000'000'000}};
  try {
    store().ingest(topic, payload, received);
  } catch (const loa::DistrictMessageRefused&) {
  }
  // Whatever was stored reads back (a row the store took has a status and a programme).
  for (const auto& row : store().as_run("xa-my-an", loa::UtcTime{}, loa::UtcTime::max())) {
    if (row.programme.empty() || row.status.empty()) std::abort();
  }
  return 0;
}
