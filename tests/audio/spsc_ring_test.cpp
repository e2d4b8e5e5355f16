#include "loa/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

namespace loa {
namespace {

TEST(SpscRing, CapacityIsAPowerOfTwoOfFrames) {
  EXPECT_EQ(SpscRing(1000).capacity(), 1024u);
  EXPECT_EQ(SpscRing(1024).capacity(), 1024u);
  EXPECT_EQ(SpscRing(1025, 2).capacity(), 2048u);
  EXPECT_EQ(SpscRing(0).capacity(), 1u);
  EXPECT_EQ(SpscRing(8, 3).channels(), 3);
  EXPECT_THROW(SpscRing(8, 0), std::invalid_argument);
}

TEST(SpscRing, HeadAndTailAreOnCacheLinesOfTheirOwn) {
  EXPECT_GE(alignof(SpscRing), 64u);
  EXPECT_EQ(sizeof(SpscRing) % 64, 0u);
}

TEST(SpscRing, WritesWhatFitsAndReadsWhatIsThere) {
  SpscRing ring(4, 2);
  EXPECT_EQ(ring.readable(), 0u);
  EXPECT_EQ(ring.writable(), 4u);

  const std::vector<float> in{1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6};
  EXPECT_EQ(ring.write(in), 4u);  // 6 frames offered, 4 fit
  EXPECT_EQ(ring.readable(), 4u);
  EXPECT_EQ(ring.writable(), 0u);
  EXPECT_EQ(ring.write(in), 0u);

  std::vector<float> out(6, 99.0f);
  EXPECT_EQ(ring.read(out), 3u);
  EXPECT_EQ(out, (std::vector<float>{1, -1, 2, -2, 3, -3}));
  EXPECT_EQ(ring.read(out), 1u);
  EXPECT_EQ(out, (std::vector<float>{4, -4, 2, -2, 3, -3}));  // the rest left as it was
  EXPECT_EQ(ring.read(out), 0u);
}

TEST(SpscRing, WrapsAroundTheEnd) {
  SpscRing ring(8, 1);
  std::vector<float> out(8);
  float next_in = 0;
  float next_out = 0;
  for (int round = 0; round < 100; ++round) {
    const std::size_t n = 1 + static_cast<std::size_t>(round % 7);
    std::vector<float> in(n);
    for (auto& v : in) v = next_in++;
    ASSERT_EQ(ring.write(in), n);
    out.assign(n, -1);
    ASSERT_EQ(ring.read(out), n);
    for (float v : out) ASSERT_EQ(v, next_out++);
  }
}

TEST(SpscRing, IgnoresATrailingPartialFrame) {
  SpscRing ring(8, 2);
  const std::vector<float> in{1, 2, 3};
  EXPECT_EQ(ring.write(in), 1u);
  std::vector<float> out(3, 0);
  EXPECT_EQ(ring.read(out), 1u);
  EXPECT_EQ(out, (std::vector<float>{1, 2, 0}));
}

TEST(SpscRing, SkipDropsFrames) {
  SpscRing ring(8, 1);
  const std::vector<float> in{1, 2, 3, 4, 5};
  ring.write(in);
  EXPECT_EQ(ring.skip(3), 3u);
  EXPECT_EQ(ring.skip(10), 2u);
  EXPECT_EQ(ring.readable(), 0u);
}

// One producer and one consumer, each in chunks of random size: every frame arrives once, in
// order, with its channels together. Run under ThreadSanitizer too (the tsan preset).
TEST(SpscRing, TwoThreadsPassEveryFrameInOrder) {
  constexpr std::size_t kFrames = 1'000'000;  // below 2^24: exact as float
  SpscRing ring(256, 2);
  std::atomic<bool> failed{false};

  std::thread producer([&] {
    std::mt19937 rng(1);
    std::vector<float> chunk;
    std::size_t next = 0;
    while (next < kFrames) {
      const std::size_t want = std::min<std::size_t>(1 + rng() % 300, kFrames - next);
      chunk.resize(want * 2);
      for (std::size_t i = 0; i < want; ++i) {
        chunk[2 * i] = static_cast<float>(next + i);
        chunk[2 * i + 1] = -static_cast<float>(next + i);
      }
      std::span<const float> rest(chunk);
      while (!rest.empty()) {
        if (failed) return;
        const std::size_t n = ring.write(rest);
        rest = rest.subspan(n * 2);
        if (n == 0) std::this_thread::yield();
      }
      next += want;
    }
  });

  std::mt19937 rng(2);
  std::vector<float> chunk;
  std::size_t next = 0;
  while (next < kFrames && !failed) {
    chunk.assign((1 + rng() % 300) * 2, 0.0f);
    const std::size_t n = ring.read(chunk);
    if (n == 0) std::this_thread::yield();
    for (std::size_t i = 0; i < n; ++i, ++next) {
      if (chunk[2 * i] != static_cast<float>(next) ||
          chunk[2 * i + 1] != -static_cast<float>(next)) {
        ADD_FAILURE() << "frame " << next << " arrived as " << chunk[2 * i] << ", "
                      << chunk[2 * i + 1];
        failed = true;
        break;
      }
    }
  }
  producer.join();
  EXPECT_EQ(next, kFrames);
  EXPECT_EQ(ring.readable(), 0u);
}

}  // namespace
}  // namespace loa
