#include "relay_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <numbers>
#include <sstream>
#include <thread>

#include "loa/sound.hpp"
#include "loa_test/audio_fixtures.hpp"

namespace loa::test {

namespace {

constexpr double kNotes[16] = {440, 554, 659, 880, 740, 494, 587, 988,
                               523, 622, 784, 698, 466, 831, 392, 932};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

double correlation_at(const std::vector<float>& a, std::size_t a_from, const std::vector<float>& b,
                      std::size_t b_from, std::size_t n, std::size_t step) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < n; i += step) {
    const double x = a[a_from + i];
    const double y = b[b_from + i];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

}  // namespace

std::vector<float> melody(std::size_t frames, int rate, std::size_t from) {
  std::vector<float> out(frames);
  double phase = 0;
  for (std::size_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(from + i) / rate;
    const auto note = static_cast<std::size_t>(std::fmod(t, kMelodySeconds) / 0.25) % 16;
    phase += 2 * std::numbers::pi * kNotes[note] / rate;
    out[i] = static_cast<float>(0.3 * std::sin(phase));
  }
  return out;
}

std::string encoded_melody(const std::string& folder, const std::string& extension,
                           const std::string& options, double seconds, double quiet) {
  const int rate = 44100;
  const auto frames = static_cast<std::size_t>(seconds * rate);
  auto mono = melody(frames, rate);
  for (std::size_t i = 0; i < frames && static_cast<double>(i) < quiet * rate; ++i) {
    mono[i] *= 0.003f;
  }
  std::vector<float> stereo(frames * 2);
  for (std::size_t i = 0; i < frames; ++i) stereo[2 * i] = stereo[2 * i + 1] = mono[i];
  const std::string wav = folder + "/melody.wav";
  write_wav(wav, stereo, rate, 2);
  const std::string out = folder + "/melody." + extension;
  ffmpeg_encode(wav, out, options);
  return read_bytes(out);
}

std::vector<float> air(MonoSource& source, std::size_t max_frames,
                       const std::function<void(std::size_t)>& each) {
  constexpr std::size_t kBlock = kRelayRate / 50;
  std::vector<float> heard;
  std::vector<float> block(kBlock);
  auto next = std::chrono::steady_clock::now();
  while (heard.size() < max_frames) {
    if (each) each(heard.size());
    const std::size_t n = source.read(block);
    heard.insert(heard.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < kBlock) break;
    next += std::chrono::milliseconds(20);
    std::this_thread::sleep_until(next);
  }
  return heard;
}

std::vector<float> read_all(MonoSource& source, std::size_t max_frames) {
  std::vector<float> heard;
  std::vector<float> block(4096);
  while (heard.size() < max_frames) {
    const std::size_t n = source.read(block);
    heard.insert(heard.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < block.size()) break;
  }
  return heard;
}

double melody_correlation(const std::vector<float>& heard) {
  // One second of what was heard against two loops of the melody: a coarse search every 8th
  // sample, then the best lag refined sample by sample. Either polarity: the loop ends half a
  // cycle off, so a stream that plays on past it sounds the melody inverted (the same to a
  // listener).
  const std::size_t window = kRelayRate;
  const std::size_t loop = static_cast<std::size_t>(kMelodySeconds * kRelayRate);
  if (heard.size() < window) return 0.0;
  const std::size_t from = heard.size() - window;
  const auto reference = melody(loop + window + 64, kRelayRate);
  std::size_t best_lag = 0;
  double best = -1;
  for (std::size_t lag = 0; lag < loop; lag += 8) {
    const double c = std::abs(correlation_at(heard, from, reference, lag, window, 16));
    if (c > best) best = c, best_lag = lag;
  }
  best = -1;
  const std::size_t low = best_lag >= 16 ? best_lag - 16 : 0;
  for (std::size_t lag = low; lag < best_lag + 16; ++lag) {
    best = std::max(best, std::abs(correlation_at(heard, from, reference, lag, window, 1)));
  }
  return best;
}

double tone_level(const std::vector<float>& heard, std::size_t from, std::size_t frames,
                  double frequency) {
  double re = 0, im = 0;
  for (std::size_t i = 0; i < frames && from + i < heard.size(); ++i) {
    const double w = 2 * std::numbers::pi * frequency * static_cast<double>(i) / kRelayRate;
    re += heard[from + i] * std::cos(w);
    im += heard[from + i] * std::sin(w);
  }
  return 2 * std::sqrt(re * re + im * im) / static_cast<double>(frames);
}

int melody_note_at(const std::vector<float>& heard, std::size_t from) {
  int best = -1;
  double level = 0.05;
  for (int k = 0; k < 16; ++k) {
    const double l = tone_level(heard, from, kRelayRate / 20, kNotes[k]);
    if (l > level) {
      level = l;
      best = k;
    }
  }
  return best;
}

std::optional<RelayEvent> wait_event(RelayEvents& events, std::vector<RelayEvent>& seen,
                                     RelayEvent::Kind kind, std::chrono::milliseconds timeout,
                                     const std::string& part) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  std::size_t checked = 0;
  while (true) {
    for (auto& e : events.drain()) seen.push_back(std::move(e));
    for (; checked < seen.size(); ++checked) {
      const auto& e = seen[checked];
      if (e.kind == kind && e.reason.find(part) != std::string::npos) return e;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return std::nullopt;
    events.wait(std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
  }
}

void expect_relayed(RelayEvents& events, const RelaySound& relay, const std::string& codec,
                    int rate) {
  auto source = open_sound(relay, kRelayRate, 1.0f);
  const auto heard = air(*source, static_cast<std::size_t>(relay.frames) + kRelayRate);
  std::vector<float> more(100);
  EXPECT_EQ(source->read(more), 0u) << "a relay stays ended";
  source.reset();

  std::vector<RelayEvent> seen;
  for (auto& e : events.drain()) seen.push_back(std::move(e));
  SCOPED_TRACE(describe(seen));
  EXPECT_EQ(static_cast<std::int64_t>(heard.size()), relay.frames);
  const double correlation = melody_correlation(heard);
  std::cout << "[ figures  ] " << codec << ": the last second against the melody: " << correlation
            << "\n";
  EXPECT_GT(correlation, 0.9) << "the relay sounds the stream's audio";
  bool connected = false, ended = false;
  for (const auto& e : seen) {
    if (e.kind == RelayEvent::Kind::connected) {
      connected = true;
      EXPECT_EQ(e.codec, codec);
      EXPECT_EQ(e.rate, rate);
      EXPECT_EQ(e.channels, 2);
    }
    if (e.kind == RelayEvent::Kind::ended) {
      ended = true;
      EXPECT_EQ(e.frame, relay.frames);
    }
    EXPECT_NE(e.kind, RelayEvent::Kind::dead_air_started);
  }
  EXPECT_TRUE(connected);
  EXPECT_TRUE(ended);
}

std::string describe(const std::vector<RelayEvent>& events) {
  std::string out;
  for (const auto& e : events) {
    out += std::string(relay_event_name(e.kind)) + ": " + e.reason +
           (e.codec.empty() ? "" : " " + e.codec) +
           (e.frame >= 0 ? " at frame " + std::to_string(e.frame) : "") + "\n";
  }
  return out;
}

}  // namespace loa::test
