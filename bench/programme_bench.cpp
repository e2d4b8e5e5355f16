// Times the programme language at station scale: `loa check` of 1,000 programmes, `loa plan` of
// a year for 200 programmes, and the lunar day rules (each day's lunar date is computed, not looked
// up). Prints medians of several runs; asserts nothing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "loa/checked_station.hpp"
#include "loa/occurrences.hpp"
#include "loa/planner.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Figures {
  double median_ms;
  double min_ms;
  double max_ms;
};

Figures time_runs(int runs, const std::function<void()>& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front(), ms.back()};
}

void print(const char* what, const Figures& f, const std::string& extra = "") {
  std::printf("%-52s median %9.1f ms   min %9.1f   max %9.1f   %s\n", what, f.median_ms, f.min_ms,
              f.max_ms, extra.c_str());
}

// A station of `programmes` programmes, each with a daily slot at a morning and an evening time,
// drawing from 40 clips and a rotating playlist.
std::filesystem::path write_station(const loa::test::TempDir& dir, int programmes) {
  for (int c = 0; c < 40; ++c) {
    loa::test::write_tone(dir / ("clips/c" + std::to_string(c) + ".wav"), 5.0 + c % 7, 22050, 1);
  }
  std::ofstream out(dir / "station.yaml");
  out << "station: {name: Bench, timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state/}\n"
         "zones:\n  - {id: ap-1, channel: 1}\n  - {id: ap-2, channel: 2}\n  - {id: cho, channel: "
         "3}\n"
         "playlists:\n  pl: {order: rotate, pick: 2, clips: [c1.wav, c2.wav, c3.wav, c4.wav]}\n"
         "programmes:\n";
  const char* zones[] = {"all", "[ap-1]", "[ap-2, cho]"};
  const char* prio[] = {"normal", "low", "high", "normal"};
  for (int p = 0; p < programmes; ++p) {
    const int minute = p % 60;
    char hm1[8];
    char hm2[8];
    std::snprintf(hm1, sizeof hm1, "%02d:%02d", 5 + p % 2, minute);
    std::snprintf(hm2, sizeof hm2, "%02d:%02d", 17 + p % 2, minute);
    out << "  - id: p" << p << "\n    title: Chương trình " << p
        << "\n    priority: " << prio[p % 4] << "\n    zones: " << zones[p % 3] << "\n    slots:\n"
        << "      - {at: [\"" << hm1 << "\", \"" << hm2 << "\"], play: [c" << p % 40
        << ".wav, playlist:pl, {silence: 2s}], repeat: 2, gap: 10s}\n";
  }
  return dir / "station.yaml";
}

}  // namespace

int main() {
  std::printf("loa programme benchmarks (release build recommended)\n\n");
  {
    loa::test::TempDir dir;
    const auto file = write_station(dir, 1000);
    loa::CheckOptions options;
    options.date_warnings = false;
    const auto cold = time_runs(1, [&] { loa::check_station(file, options); });
    print("check, 1,000 programmes, cold probe cache", cold, "(decodes 40 clips)");
    std::size_t errors = 0;
    const auto warm =
        time_runs(7, [&] { errors = loa::check_station(file, options).diags.error_count(); });
    print("check, 1,000 programmes, warm probe cache", warm, "errors: " + std::to_string(errors));
    loa::CheckOptions full;
    const auto with_warnings = time_runs(5, [&] { loa::check_station(file, full); });
    print("check, 1,000 programmes, with 28-day conflict warnings", with_warnings);
  }
  {
    loa::test::TempDir dir;
    const auto file = write_station(dir, 200);
    loa::CheckOptions options;
    options.date_warnings = false;
    const loa::CheckedStation c = loa::check_station(file, options);
    const auto* zone = c.station.settings.zone;
    const auto from = loa::resolve_local(date::local_days{date::year{2027} / 1 / 1}, zone);
    const auto to = loa::resolve_local(date::local_days{date::year{2028} / 1 / 1}, zone);
    std::size_t count = 0;
    std::size_t missed = 0;
    const auto year = time_runs(5, [&] {
      const auto p = loa::plan(c.station, c.lengths(), from, to);
      count = p.size();
      missed = static_cast<std::size_t>(std::count_if(p.begin(), p.end(), [](const auto& b) {
        return b.outcome.status == loa::BroadcastStatus::missed;
      }));
    });
    print("plan, 200 programmes, a year", year,
          std::to_string(count) + " broadcasts, " + std::to_string(missed) + " missed");
  }
  {
    const auto* zone = date::locate_zone("Asia/Ho_Chi_Minh");
    loa::Programme p;
    loa::Slot slot;
    slot.at = {std::chrono::hours(6)};
    slot.days.kind = loa::DayRule::Kind::lunar_days;
    slot.days.lunar_days = {1, 15, -1};
    const auto from = loa::resolve_local(date::local_days{date::year{2027} / 1 / 1}, zone);
    const auto to = loa::resolve_local(date::local_days{date::year{2028} / 1 / 1}, zone);
    std::size_t count = 0;
    const auto year =
        time_runs(5, [&] { count = loa::occurrences(p, slot, zone, from, to).size(); });
    print("lunar_days [1, 15, last]: a year's occurrences", year,
          std::to_string(count) + " broadcasts");
    // The worst case of the on-air engine's search: a leap fourth month, next in 2058, beyond the
    // ten-year horizon, so every day of it is tried.
    slot.days.kind = loa::DayRule::Kind::lunar_dates;
    slot.days.lunar_dates = {{1, 4, true}};
    bool found = true;
    const auto rare =
        time_runs(5, [&] { found = loa::next_occurrence(p, slot, zone, from).has_value(); });
    print("lunar_dates [\"1/4n\"]: next occurrence, 10-year search", rare,
          found ? "found" : "none within the horizon");
  }
  return 0;
}
