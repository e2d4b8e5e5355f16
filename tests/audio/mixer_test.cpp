// The mixer places voices on exact frames, joins them without gaps and fades only where told.
#include "loa/mixer.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>

namespace loa {
namespace {

// Counts up from `first`, one per sample, for `length` samples: position errors show as wrong
// values.
class Ramp final : public MonoSource {
 public:
  Ramp(float first, std::size_t length) : next_(first), left_(length) {}
  std::size_t read(std::span<float> out) override {
    const std::size_t n = std::min(out.size(), left_);
    for (std::size_t i = 0; i < n; ++i) out[i] = next_++;
    left_ -= n;
    return n;
  }

 private:
  float next_;
  std::size_t left_;
};

Voice ramp_voice(std::int64_t start, std::int64_t end, std::uint64_t channels, float first,
                 std::size_t length) {
  Voice v;
  v.start = start;
  v.end = end;
  v.channels = channels;
  v.open = [first, length] { return std::make_unique<Ramp>(first, length); };
  return v;
}

std::vector<float> render(Mixer& m, int channels, std::size_t frames, std::size_t block) {
  std::vector<float> out(frames * static_cast<std::size_t>(channels));
  for (std::size_t done = 0; done < frames; done += block) {
    const std::size_t n = std::min(block, frames - done);
    m.render(std::span<float>(out.data() + done * channels, n * channels));
  }
  return out;
}

TEST(Mixer, AVoiceStartsOnItsExactFrameOnItsChannels) {
  Mixer m(3, 64);
  m.add(ramp_voice(100, 200, 0b101, 1.0F, 100));
  auto out = render(m, 3, 300, 37);  // blocks that do not line up with the voice
  for (std::size_t f = 0; f < 300; ++f) {
    const float want = (f >= 100 && f < 200) ? static_cast<float>(f - 99) : 0.0F;
    ASSERT_EQ(out[f * 3 + 0], want) << f;
    ASSERT_EQ(out[f * 3 + 1], 0.0F) << f;
    ASSERT_EQ(out[f * 3 + 2], want) << f;
  }
}

TEST(Mixer, GaplessJoin) {
  Mixer m(1, 4096);
  m.add(ramp_voice(10, 20, 1, 1.0F, 10));
  m.add(ramp_voice(20, 30, 1, 11.0F, 10));
  auto out = render(m, 1, 40, 7);
  for (std::size_t f = 10; f < 30; ++f) EXPECT_EQ(out[f], static_cast<float>(f - 9)) << f;
  EXPECT_EQ(out[9], 0.0F);
  EXPECT_EQ(out[30], 0.0F);
}

TEST(Mixer, ShortSourcesArePaddedLongOnesCut) {
  Mixer m(1, 16);
  m.add(ramp_voice(0, 10, 1, 1.0F, 5));    // source ends early
  m.add(ramp_voice(10, 15, 1, 1.0F, 50));  // source runs long
  auto out = render(m, 1, 20, 16);
  EXPECT_EQ(out[4], 5.0F);
  EXPECT_EQ(out[5], 0.0F);
  EXPECT_EQ(out[14], 5.0F);
  EXPECT_EQ(out[15], 0.0F);
}

TEST(Mixer, FadeOutEndsAtTheCut) {
  Mixer m(1, 64);
  Voice v;
  v.start = 0;
  v.end = 100;
  v.channels = 1;
  v.fade_out = 10;
  v.open = [] {
    struct One final : MonoSource {
      std::size_t read(std::span<float> out) override {
        std::fill(out.begin(), out.end(), 1.0F);
        return out.size();
      }
    };
    return std::make_unique<One>();
  };
  m.add(std::move(v));
  auto out = render(m, 1, 100, 64);
  EXPECT_EQ(out[89], 1.0F);
  EXPECT_LT(out[90], 1.0F);
  EXPECT_GT(out[90], out[95]);
  EXPECT_LT(out[99], 0.1F);
}

TEST(Mixer, SilencingChannelsFadesThemOutAndTheVoiceGoesOnOnTheOthers) {
  Mixer m(2, 64);
  Voice v = ramp_voice(0, 100, 0b11, 1.0F, 100);
  v.tag = 7;
  m.add(std::move(v));
  auto out = render(m, 2, 40, 40);
  m.silence(7, 0b10, 60, 10);  // channel 2 fades out over frames 50..59, silent from 60
  m.silence(8, 0b01, 40, 10);  // another voice's tag: nothing happens
  const auto rest = render(m, 2, 60, 16);
  out.insert(out.end(), rest.begin(), rest.end());
  for (std::size_t f = 0; f < 100; ++f) {
    ASSERT_EQ(out[f * 2], static_cast<float>(f + 1)) << "channel 1 plays on, frame " << f;
  }
  EXPECT_EQ(out[49 * 2 + 1], 50.0F);
  EXPECT_LT(out[50 * 2 + 1], 51.0F);
  EXPECT_GT(out[50 * 2 + 1], 0.0F);
  EXPECT_LT(out[59 * 2 + 1], 6.0F) << "nearly gone by the last frame of the fade";
  for (std::size_t f = 60; f < 100; ++f) ASSERT_EQ(out[f * 2 + 1], 0.0F) << f;
}

TEST(Mixer, SilencingEveryChannelOfAVoiceNotYetStartedDropsIt) {
  Mixer m(1, 64);
  Voice v = ramp_voice(50, 100, 0b1, 1.0F, 50);
  v.tag = 3;
  m.add(std::move(v));
  m.silence(3, 0b1, 10, 10);
  const auto out = render(m, 1, 100, 64);
  for (float s : out) ASSERT_EQ(s, 0.0F);
  EXPECT_TRUE(m.idle());
}

TEST(Mixer, SkipJoinsAVoiceAlreadyUnderWay) {
  Mixer m(1, 64);
  Voice v = ramp_voice(0, 10, 1, 1.0F, 100);
  v.skip = 50;
  m.add(std::move(v));
  auto out = render(m, 1, 10, 64);
  EXPECT_EQ(out[0], 51.0F);
}

TEST(Mixer, AFailingSourceIsReportedAndSilent) {
  Mixer m(1, 64);
  Voice v;
  v.start = 5;
  v.end = 10;
  v.channels = 1;
  v.tag = 7;
  v.open = []() -> std::unique_ptr<MonoSource> { throw std::runtime_error("file not found"); };
  m.add(std::move(v));
  m.add(ramp_voice(10, 12, 1, 1.0F, 2));
  std::size_t failed_tag = 0;
  std::string failed_reason;
  m.on_failure = [&](std::size_t tag, const std::string& reason) {
    failed_tag = tag;
    failed_reason = reason;
  };
  auto out = render(m, 1, 12, 64);
  EXPECT_EQ(failed_tag, 7U);
  EXPECT_EQ(failed_reason, "file not found");
  EXPECT_EQ(out[7], 0.0F);
  EXPECT_EQ(out[10], 1.0F);  // the next item goes on
}

TEST(Mixer, OnlyVoicesOnAirHoldSources) {
  Mixer m(1, 64);
  for (int i = 0; i < 100; ++i) m.add(ramp_voice(i * 10, i * 10 + 10, 1, 1.0F, 10));
  std::vector<float> block(5);
  std::size_t most = 0;
  for (int i = 0; i < 200; ++i) {
    m.render(block);
    most = std::max(most, m.open_voices());
  }
  EXPECT_LE(most, 2U);
}

}  // namespace
}  // namespace loa
