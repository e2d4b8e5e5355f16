// The real audio path: PortAudioSink on the JACK host API, recorded by a JACK client of the test's
// own that is connected to the sink's ports. Needs a running JACK server; without a sound card,
// scripts/jack-dummy.sh start runs one with the dummy driver.
#include <gtest/gtest.h>
#include <jack/jack.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "loa/portaudio_output.hpp"
#include "loa/spsc_ring.hpp"

// ThreadSanitizer (the tsan preset) cannot see JACK's synchronisation between clients (semaphores
// in the server's shared memory): PortAudio's process thread writing its port buffer and the
// recorder's reading it look like a race to it. Read by TSan only.
extern "C" const char* __tsan_default_suppressions() {
  return "race:libportaudio.so\n";
}

namespace loa {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNoServer =
    "no JACK server is running: start one with scripts/jack-dummy.sh start (or leave these tests "
    "out with ctest -LE jack)";

// A JACK client with one input port; its process callback copies what arrives into a lock-free
// ring while armed. Read the recording after stop().
class Recorder {
 public:
  Recorder() : ring_(std::size_t{1} << 20, 1) {
    const std::string name = "loa-rec-" + std::to_string(getpid());
    jack_status_t status{};
    client_ = jack_client_open(name.c_str(), JackNoStartServer, &status);
  }
  ~Recorder() {
    if (client_ == nullptr) return;
    jack_deactivate(client_);
    jack_client_close(client_);
  }
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  bool server_running() const { return client_ != nullptr; }
  int rate() const { return static_cast<int>(jack_get_sample_rate(client_)); }

  // Registers the input port, activates, and connects every port of `client` called out_N to it.
  // Returns the number of ports connected.
  int listen_to(const std::string& client) {
    in_ = jack_port_register(client_, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    if (in_ == nullptr) return 0;
    jack_set_process_callback(client_, &Recorder::process, this);
    if (jack_activate(client_) != 0) return 0;
    active_ = true;
    const std::string pattern = "^" + client + ":out_";
    const char** ports =
        jack_get_ports(client_, pattern.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput);
    int connected = 0;
    for (std::size_t i = 0; ports != nullptr && ports[i] != nullptr; ++i) {
      if (jack_connect(client_, ports[i], jack_port_name(in_)) == 0) ++connected;
    }
    jack_free(ports);
    return connected;
  }
  void arm() { armed_.store(true, std::memory_order_release); }

  // Stops recording (the process thread has ended when jack_deactivate returns) and returns
  // everything recorded.
  std::vector<float> stop() {
    if (active_) jack_deactivate(client_);
    active_ = false;
    std::vector<float> out(ring_.readable());
    out.resize(ring_.read(out));
    return out;
  }
  std::uint64_t lost() const { return lost_.load(); }

 private:
  static int process(jack_nframes_t frames, void* arg) {
    auto& r = *static_cast<Recorder*>(arg);
    if (!r.armed_.load(std::memory_order_acquire)) return 0;
    const auto* in = static_cast<const float*>(jack_port_get_buffer(r.in_, frames));
    const std::size_t n = r.ring_.write(std::span<const float>(in, frames));
    if (n < frames) r.lost_.fetch_add(frames - n, std::memory_order_relaxed);
    return 0;
  }

  jack_client_t* client_ = nullptr;
  jack_port_t* in_ = nullptr;
  bool active_ = false;
  std::atomic<bool> armed_{false};
  std::atomic<std::uint64_t> lost_{0};
  SpscRing ring_;
};

std::vector<float> tone(int rate, double seconds, double frequency, double amplitude) {
  std::vector<float> out(static_cast<std::size_t>(std::lround(seconds * rate)));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<float>(
        amplitude * std::sin(2 * std::numbers::pi * frequency * static_cast<double>(i) / rate));
  }
  return out;
}

// Writes in small blocks, as a renderer does.
void write_blocks(Sink& sink, const std::vector<float>& samples, std::size_t block = 512) {
  for (std::size_t at = 0; at < samples.size(); at += block) {
    sink.write(std::span<const float>(samples).subspan(at, std::min(block, samples.size() - at)));
  }
}

double rms(std::span<const float> x) {
  double sum = 0;
  for (float v : x) sum += static_cast<double>(v) * v;
  return x.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(x.size()));
}

// Frequency from the positive-going zero crossings (linearly interpolated) of `x`.
double zero_crossing_frequency(std::span<const float> x, int rate) {
  double first = -1;
  double last = -1;
  int crossings = 0;
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const double t = static_cast<double>(i - 1) + x[i - 1] / (x[i - 1] - x[i]);
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  return crossings < 2 ? 0.0 : (crossings - 1) * rate / (last - first);
}

std::size_t first_above(std::span<const float> x, float threshold) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::abs(x[i]) > threshold) return i;
  }
  return x.size();
}

std::size_t last_above(std::span<const float> x, float threshold) {
  for (std::size_t i = x.size(); i > 0; --i) {
    if (std::abs(x[i - 1]) > threshold) return i - 1;
  }
  return x.size();
}

class JackPath : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!recorder.server_running()) GTEST_FAIL() << kNoServer;
    set_jack_client_name(client_name);
    rate = recorder.rate();
  }
  void TearDown() override { set_jack_client_name("loa"); }

  const std::string client_name = "loa-test-" + std::to_string(getpid());
  Recorder recorder;
  int rate = 48000;
};

TEST_F(JackPath, PlaysAToneIntactThroughJack) {
  PortAudioSink sink("jack", rate, 1);
  EXPECT_EQ(sink.device().name, "system");
  EXPECT_EQ(sink.device().host_api, "JACK Audio Connection Kit");
  ASSERT_EQ(sink.jack_client_name(), client_name);
  ASSERT_EQ(recorder.listen_to(client_name), 1) << "cannot connect to " << client_name << ":out_0";
  std::cout << "JACK path output latency as PortAudio reports it: " << sink.output_latency() * 1000
            << " ms at " << rate << " Hz\n";
  RecordProperty("output_latency_ms", std::to_string(sink.output_latency() * 1000));

  const double amplitude = 0.5;
  const auto sent = tone(rate, 1.0, 1000.0, amplitude);
  recorder.arm();
  write_blocks(sink, std::vector<float>(static_cast<std::size_t>(rate / 10), 0.0f));
  write_blocks(sink, sent);
  write_blocks(sink, std::vector<float>(static_cast<std::size_t>(rate / 10), 0.0f));
  sink.drain();
  const auto got = recorder.stop();

  EXPECT_EQ(sink.underruns(), 0u);
  EXPECT_EQ(sink.frames_played(), sink.frames_written());
  EXPECT_EQ(recorder.lost(), 0u);
  const std::size_t begin = first_above(got, 1e-4f);
  const std::size_t end = last_above(got, 1e-4f);
  ASSERT_LT(begin, got.size()) << "nothing arrived (" << got.size() << " frames recorded)";
  const std::span<const float> heard(got.data() + begin, end - begin + 1);
  // The tone is 1 s long: no frame is lost or repeated.
  EXPECT_NEAR(static_cast<double>(heard.size()), rate * 1.0, 2.0);

  // No dropouts: no run of silence inside the tone.
  std::size_t run = 0;
  std::size_t longest = 0;
  for (float v : heard) {
    run = std::abs(v) < 1e-4f ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  EXPECT_LE(longest, 2u) << "a dropout inside the tone";

  // JACK carries floats untouched: what arrives is what was sent, sample for sample.
  const std::size_t sent_begin = first_above(sent, 1e-4f);
  double worst = 0;
  for (std::size_t i = 0; i < heard.size() && sent_begin + i < sent.size(); ++i) {
    worst = std::max(worst, static_cast<double>(std::abs(heard[i] - sent[sent_begin + i])));
  }
  EXPECT_LT(worst, 1e-6);

  // Frequency and level over the middle of the tone.
  const auto middle = heard.subspan(heard.size() / 10, heard.size() * 8 / 10);
  EXPECT_NEAR(zero_crossing_frequency(middle, rate), 1000.0, 2.0);
  const double level_db = 20 * std::log10(rms(middle) / (amplitude / std::numbers::sqrt2));
  EXPECT_NEAR(level_db, 0.0, 0.5);
}

TEST_F(JackPath, StopFadesOutQuicklyInsteadOfPlayingOutTheRing) {
  PortAudioSink sink("jack", rate, 1);
  ASSERT_EQ(recorder.listen_to(client_name), 1);
  const double amplitude = 0.5;
  recorder.arm();
  write_blocks(sink, tone(rate, 1.0, 1000.0, amplitude));  // returns with ~250 ms+ queued
  const auto before = std::chrono::steady_clock::now();
  sink.stop(50ms);
  const auto took = std::chrono::steady_clock::now() - before;
  const auto got = recorder.stop();

  EXPECT_LT(took, 50ms + 150ms + std::chrono::duration<double>(sink.output_latency()));
  const std::size_t end = last_above(got, 1e-4f);
  ASSERT_LT(end, got.size());
  const std::size_t fade = static_cast<std::size_t>(rate / 20);
  ASSERT_GT(end, 3 * fade);
  auto peak = [&](std::size_t from, std::size_t to) {
    float p = 0;
    for (std::size_t i = from; i < to; ++i) p = std::max(p, std::abs(got[i]));
    return p;
  };
  // Full level before the fade, fading through it, nearly silent at its end: no click.
  EXPECT_GT(peak(end - 3 * fade, end - 2 * fade), 0.95 * amplitude);
  EXPECT_LT(peak(end - fade / 5, end + 1), 0.25 * amplitude);
  EXPECT_LT(peak(end - fade / 2, end - fade / 2 + 48), 0.6 * amplitude);
  EXPECT_EQ(sink.underruns(), 0u);
}

TEST_F(JackPath, DrainThenWriteAgainRestartsTheStream) {
  PortAudioSink sink("jack:system", rate, 2);
  std::vector<float> stereo(static_cast<std::size_t>(rate / 5) * 2, 0.1f);
  sink.write(stereo);
  sink.drain();
  const auto after_first = sink.frames_played();
  EXPECT_EQ(after_first, static_cast<std::uint64_t>(rate / 5));
  sink.write(stereo);
  sink.drain();
  EXPECT_EQ(sink.frames_played(), 2 * after_first);
  EXPECT_EQ(sink.underruns(), 0u);
}

TEST_F(JackPath, DevicesIncludeTheJackServer) {
  const auto devices = list_audio_devices();
  const auto system = std::find_if(devices.begin(), devices.end(), [](const AudioDevice& d) {
    return d.name == "system" && d.host_api == "JACK Audio Connection Kit";
  });
  ASSERT_NE(system, devices.end());
  EXPECT_GE(system->max_output_channels, 1);
  EXPECT_EQ(system->default_rate, rate);
  EXPECT_EQ(find_output_device("jack").index, system->index);
  EXPECT_EQ(find_output_device("jack:system").index, system->index);
  EXPECT_EQ(find_output_device(std::to_string(system->index)).name, "system");
}

TEST_F(JackPath, AnUnknownDeviceIsNamedWithTheDevicesThatExist) {
  try {
    PortAudioSink sink("Loa Nonexistent Card", rate, 1);
    FAIL() << "opened a device that does not exist";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("\"Loa Nonexistent Card\""), std::string::npos) << what;
    EXPECT_NE(what.find("system  (JACK Audio Connection Kit"), std::string::npos) << what;
    EXPECT_NE(what.find("--device"), std::string::npos) << what;
  }
  EXPECT_THROW(find_output_device("jack:loa-no-such-client"), std::runtime_error);
}

TEST_F(JackPath, TheWrongRateSaysWhatTheServerRunsAt) {
  const int wrong = rate == 44100 ? 48000 : 44100;
  try {
    PortAudioSink sink("jack", wrong, 1);
    FAIL() << "opened JACK at " << wrong << " Hz";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("runs at " + std::to_string(rate) + " Hz"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace loa
