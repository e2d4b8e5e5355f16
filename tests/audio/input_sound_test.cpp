// A capture input heard as a listener would, through the real audio path: a JACK client of the
// test's own plays a 1 kHz tone into loa's capture port (JACK dummy server: scripts/jack-dummy.sh
// start), and the input item airs that tone for exactly its length, at the station's rate (the
// device's when they are the same, resampled by soxr when not). A device that is not there is
// dead air with a clear reason, never a crash or a hang.
#include <gtest/gtest.h>
#include <jack/jack.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <thread>

#include "loa/input_level.hpp"
#include "loa/portaudio_output.hpp"
#include "loa/sound.hpp"
#include "loa_test/jack_tone.hpp"
#include "relay_test_support.hpp"

// ThreadSanitizer cannot see JACK's synchronisation between clients (see jack_path_test.cpp).
extern "C" const char* __tsan_default_suppressions() {
  return "race:libportaudio.so\n";
}

namespace loa {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNoServer =
    "no JACK server is running: start one with scripts/jack-dummy.sh start (or leave these tests "
    "out with ctest -LE jack)";

// Frequency from the positive-going zero crossings of x (linearly interpolated).
double zero_crossing_frequency(const std::vector<float>& x, std::size_t from, std::size_t to,
                               int rate) {
  double first = -1, last = -1;
  int crossings = 0;
  for (std::size_t i = from + 1; i < to; ++i) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const double t = static_cast<double>(i - 1) + x[i - 1] / (x[i - 1] - x[i]);
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  return crossings < 2 ? 0.0 : (crossings - 1) * rate / (last - first);
}

class InputThroughJack : public ::testing::TestWithParam<int> {};

TEST_P(InputThroughJack, AirsTheToneOnItsCapturePortForExactlyItsLength) {
  const int rate = GetParam();
  test::ToneClient tone(1000.0, 0.5);
  if (!tone.running()) GTEST_SKIP() << kNoServer;
  const std::string client = "loa-in-" + std::to_string(getpid());
  set_jack_client_name(client);

  auto events = std::make_shared<RelayEvents>();
  InputSound input{"jack", 1, 3 * rate + 17, {}, events, nullptr};
  input.settings.jitter = 200ms;
  input.level = std::make_shared<InputLevel>();
  auto source = open_sound(input, rate, 1.0f);
  std::vector<RelayEvent> seen;
  const auto connected = test::wait_event(*events, seen, RelayEvent::Kind::connected, 5s);
  ASSERT_TRUE(connected) << test::describe(seen);
  EXPECT_EQ(connected->codec, "pcm");
  EXPECT_NE(connected->reason.find("JACK"), std::string::npos) << connected->reason;
  ASSERT_GE(tone.play_into(client), 1) << "no capture port " << client << ":in_N";

  // test::air reads at 48 kHz's pace; the length counts in the station's frames either way.
  std::vector<float> heard;
  std::vector<float> block(static_cast<std::size_t>(rate / 50));
  std::optional<AirLevel> metered;
  auto next = std::chrono::steady_clock::now();
  for (;;) {
    const std::size_t n = source->read(block);
    heard.insert(heard.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    if (!metered && heard.size() > static_cast<std::size_t>(rate * 5 / 2))
      metered = input.level->latest();
    if (n < block.size()) break;
    next += 20ms;
    std::this_thread::sleep_until(next);
  }
  std::vector<float> more(64);
  EXPECT_EQ(source->read(more), 0u) << "the input stays ended";
  source.reset();
  set_jack_client_name("loa");
  for (auto& e : events->drain()) seen.push_back(std::move(e));
  SCOPED_TRACE(test::describe(seen));

  ASSERT_EQ(static_cast<std::int64_t>(heard.size()), input.frames);
  // The last 1.5 s: the tone, at its frequency and level, without a gap.
  const std::size_t from = heard.size() - static_cast<std::size_t>(rate * 3 / 2);
  EXPECT_NEAR(zero_crossing_frequency(heard, from, heard.size(), rate), 1000.0, 1.0);
  double sum = 0;
  float quietest = 1;
  for (std::size_t i = from; i < heard.size(); i += static_cast<std::size_t>(rate / 100)) {
    double s = 0;
    for (std::size_t k = i; k < i + static_cast<std::size_t>(rate / 100) && k < heard.size(); ++k)
      s += heard[k] * heard[k];
    quietest = std::min(quietest, static_cast<float>(std::sqrt(s / (rate / 100))));
    sum += s;
  }
  const double rms = std::sqrt(sum / static_cast<double>(heard.size() - from));
  EXPECT_NEAR(rms, 0.5 / std::numbers::sqrt2, 0.02);
  EXPECT_GT(quietest, 0.3) << "a gap in the tone";
  // The speaker's meter: the tone as it arrives, amplitude 0.5 (-6.0 dBFS peak, -9.0 dBFS RMS);
  // and nothing once the input is closed.
  ASSERT_TRUE(metered.has_value()) << "the input's meter had no level while the tone played";
  EXPECT_NEAR(metered->peak_dbfs, -6.02, 0.3);
  EXPECT_NEAR(metered->rms_dbfs, -9.03, 0.3);
  std::this_thread::sleep_for(600ms);
  EXPECT_FALSE(input.level->latest().has_value()) << "a closed input shows no level";
  for (const auto& e : seen) {
    EXPECT_NE(e.kind, RelayEvent::Kind::dead_air_started);
    EXPECT_NE(e.kind, RelayEvent::Kind::lost);
  }
}

// 48 kHz: the JACK dummy server's own rate; 44.1 kHz: resampled by soxr.
INSTANTIATE_TEST_SUITE_P(StationRates, InputThroughJack, ::testing::Values(48000, 44100));

TEST(InputMissing, IsDeadAirWithAClearReasonAndNoHang) {
  auto events = std::make_shared<RelayEvents>();
  InputSound input{"Card that is not plugged in", 1, test::kRelayRate, {}, events, nullptr};
  input.settings.first_backoff = 100ms;
  const auto before = std::chrono::steady_clock::now();
  auto source = open_sound(input, test::kRelayRate, 1.0f);
  std::vector<RelayEvent> seen;
  const auto lost = test::wait_event(*events, seen, RelayEvent::Kind::lost, 5s);
  ASSERT_TRUE(lost) << test::describe(seen);
  EXPECT_NE(lost->reason.find("\"Card that is not plugged in\""), std::string::npos)
      << lost->reason;
  EXPECT_NE(lost->reason.find("no capture device has that name"), std::string::npos)
      << lost->reason;
  EXPECT_TRUE(test::wait_event(*events, seen, RelayEvent::Kind::reconnecting, 5s))
      << "it tries again";
  const auto heard = test::read_all(*source, static_cast<std::size_t>(input.frames));
  source.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 8s);
  ASSERT_EQ(static_cast<std::int64_t>(heard.size()), input.frames);
  for (float v : heard) ASSERT_EQ(v, 0.0f) << "silence where there is no fallback";
}

TEST(InputChannel, ThatIsNotThereIsReported) {
  test::ToneClient tone(1000.0, 0.5);
  if (!tone.running()) GTEST_SKIP() << kNoServer;
  auto events = std::make_shared<RelayEvents>();
  InputSound input{"jack", 64, test::kRelayRate / 10, {}, events, nullptr};
  auto source = open_sound(input, test::kRelayRate, 1.0f);
  std::vector<RelayEvent> seen;
  const auto lost = test::wait_event(*events, seen, RelayEvent::Kind::lost, 5s);
  ASSERT_TRUE(lost) << test::describe(seen);
  EXPECT_NE(lost->reason.find("there is no channel 64"), std::string::npos) << lost->reason;
}

TEST(InputChannel, UnderOneIsRefused) {
  InputSound input{"jack", 0, 100, {}, nullptr, nullptr};
  EXPECT_THROW(open_sound(input, 48000, 1.0f), std::invalid_argument);
}

}  // namespace
}  // namespace loa
