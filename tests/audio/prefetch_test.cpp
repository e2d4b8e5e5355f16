// The render's decoding ahead: what comes out is exactly what the sources give, failures arrive as
// they would, memory stays bounded, and nothing hangs however the consumer stops.
#include "loa/prefetch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "loa/clip_stream.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

// Samples id*1e6 + 0, 1, 2 ... for `length` samples; throws after `fail_after` if set. Counts what
// it has produced in `produced` (shared), to check the prefetcher's memory bound.
class Counting final : public MonoSource {
 public:
  Counting(int id, std::size_t length, std::atomic<long>& produced, long fail_after = -1)
      : id_(id), length_(length), produced_(produced), fail_after_(fail_after) {}
  std::size_t read(std::span<float> out) override {
    if (fail_after_ >= 0 && static_cast<long>(pos_ + out.size()) > fail_after_) {
      throw std::runtime_error("clip " + std::to_string(id_) + " broke");
    }
    std::size_t n = 0;
    for (; n < out.size() && pos_ < length_; ++n, ++pos_) {
      out[n] = static_cast<float>(id_ * 1'000'000 + static_cast<long>(pos_));
    }
    produced_ += static_cast<long>(n);
    return n;
  }

 private:
  int id_;
  std::size_t length_;
  std::size_t pos_ = 0;
  std::atomic<long>& produced_;
  long fail_after_;
};

std::vector<float> read_all(MonoSource& s, std::size_t block) {
  std::vector<float> all;
  std::vector<float> buf(block);
  for (;;) {
    const std::size_t got = s.read(buf);
    all.insert(all.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(got));
    if (got < block) return all;
  }
}

TEST(Prefetch, GivesExactlyWhatEachSourceGivesInAnyReadSize) {
  std::atomic<long> produced{0};
  const std::vector<std::size_t> lengths = {0, 1, 8191, 8192, 8193, 50'000, 123'457};
  std::vector<Prefetcher::Opener> openers;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    openers.push_back([i, &lengths, &produced] {
      return std::make_unique<Counting>(static_cast<int>(i), lengths[i], produced);
    });
  }
  Prefetcher p(std::move(openers), 2, 2, 20'000);
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    auto s = p.take(i);
    const auto got = read_all(*s, 1000 + 37 * i);
    ASSERT_EQ(got.size(), lengths[i]) << i;
    for (std::size_t k = 0; k < got.size(); ++k) {
      ASSERT_EQ(got[k], static_cast<float>(static_cast<long>(i) * 1'000'000 + static_cast<long>(k)))
          << i << " at " << k;
    }
    std::vector<float> more(10);
    EXPECT_EQ(s->read(more), 0U) << "an ended source stays ended";
  }
}

TEST(Prefetch, ARealClipDecodesToTheSameSamples) {
  test::TempDir dir;
  test::write_tone(dir / "a.wav", 2.3, 44100, 2);
  test::write_tone(dir / "b.flac", 1.7, 22050, 1, test::AudioFormat::flac, 440.0);
  for (const char* name : {"a.wav", "b.flac"}) {
    auto direct = open_clip_stream(dir / name, 48000, 0.5F);
    const auto expected = read_all(*direct, 4096);
    Prefetcher p({[&] { return open_clip_stream(dir / name, 48000, 0.5F); }}, 2, 3, 48000);
    const auto got = read_all(*p.take(0), 999);
    ASSERT_EQ(got.size(), expected.size()) << name;
    EXPECT_EQ(got, expected) << name;
  }
}

TEST(Prefetch, FailuresArriveAsTheSourcesThrowThem) {
  std::atomic<long> produced{0};
  Prefetcher p({[]() -> std::unique_ptr<MonoSource> { throw std::runtime_error("no such clip"); },
                [&] { return std::make_unique<Counting>(1, 100'000, produced, 30'000); }},
               1, 2, 100'000);
  try {
    p.take(0);
    FAIL() << "opening should have failed";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "no such clip");
  }
  auto s = p.take(1);
  std::vector<float> buf(1000);
  std::size_t total = 0;
  try {
    for (;;) {
      const std::size_t got = s->read(buf);
      for (std::size_t k = 0; k < got; ++k)
        ASSERT_EQ(buf[k], 1'000'000.0F + static_cast<float>(total + k));
      total += got;
      ASSERT_EQ(got, buf.size()) << "a failing source must throw, not end quietly";
    }
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "clip 1 broke");
  }
  EXPECT_LE(total, 30'000U);
  EXPECT_GE(total, 16'384U) << "what was decoded before the failure is heard";
  EXPECT_EQ(s->read(buf), 0U);
}

TEST(Prefetch, BuffersNoMoreThanItsCapPerSource) {
  std::atomic<long> produced{0};
  std::vector<Prefetcher::Opener> openers;
  for (int i = 0; i < 20; ++i) {
    openers.push_back([i, &produced] { return std::make_unique<Counting>(i, 200'000, produced); });
  }
  constexpr std::size_t kCap = 30'000;
  Prefetcher p(std::move(openers), 2, 3, kCap);
  long consumed = 0;
  long most_ahead = 0;
  std::vector<float> buf(512);
  for (std::size_t i = 0; i < 20; ++i) {
    auto s = p.take(i);
    for (std::size_t got; (got = s->read(buf)) > 0;) {
      consumed += static_cast<long>(got);
      most_ahead = std::max(most_ahead, produced.load() - consumed);
    }
  }
  // The source being read and the 3 ahead, each up to the cap and a chunk being decoded.
  EXPECT_LE(most_ahead, static_cast<long>(4 * (kCap + 8192)));
  EXPECT_EQ(consumed, 20L * 200'000);
}

TEST(Prefetch, StopsPromptlyWhateverIsLeftUnread) {
  std::atomic<long> produced{0};
  std::vector<Prefetcher::Opener> openers;
  for (int i = 0; i < 10; ++i) {
    openers.push_back(
        [i, &produced] { return std::make_unique<Counting>(i, 1'000'000, produced); });
  }
  Prefetcher p(std::move(openers), 2, 3, 50'000);
  auto a = p.take(0);
  std::vector<float> buf(100);
  a->read(buf);
  auto b = p.take(5);  // taken out of order, never read
  a.reset();           // dropped mid-stream
}  // the prefetcher and b go with untaken sources: must not hang

}  // namespace
}  // namespace loa
