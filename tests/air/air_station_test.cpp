// Loading a station for air, as `loa run` does at start and on every reload.
#include "loa/air_station.hpp"

#include <gtest/gtest.h>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

// An amplifier program that is not installed is an error of `loa check`, but on air it only
// means the amplifier is not switched: the station still airs, and the log says why.
TEST(AirStation, AnAmplifierProgramNotFoundIsAWarningOnAir) {
  test::TempDir dir;
  test::write_tone(dir / "clips/tin.wav", 1.0);
  dir.write("station.yaml", R"(station: {timezone: Asia/Ho_Chi_Minh}
zones: [{id: cho, channel: 1}]
amplifiers:
  - {id: amp-1, zones: [cho], on: [loa-test-no-such-relay, "1"], off: [/bin/true]}
programmes:
  - {id: p, slots: [{at: "06:00", play: [tin.wav]}]}
)");
  const LoadedStation loaded = load_air_station(dir / "station.yaml");
  EXPECT_TRUE(loaded.air.has_value()) << loaded.diagnostics;
  EXPECT_NE(loaded.diagnostics.find(
                (dir / "station.yaml").string() +
                ":4:36: warning: amplifier 'amp-1': on command 'loa-test-no-such-relay' is not "
                "found in PATH ("),
            std::string::npos)
      << loaded.diagnostics;
  EXPECT_NE(loaded.diagnostics.find("; install it or give its full path; until then broadcasts go "
                                    "on without switching it\n"),
            std::string::npos)
      << loaded.diagnostics;
  EXPECT_EQ(loaded.diagnostics.find("/bin/true"), std::string::npos) << loaded.diagnostics;
}

}  // namespace
}  // namespace loa
