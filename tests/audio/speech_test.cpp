// Speech through the real espeak-ng library: a clip that sounds, written whole, and cached.
#include "loa/speech.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <thread>

#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using test::TempDir;

TEST(Speech, SpeaksVietnameseIntoASoundingWavClip) {
  TempDir dir;
  const auto file = dir.path() / "thong-bao.wav";
  ASSERT_EQ(write_speech_clip("Thông báo: ngày mai cúp điện từ 7h30.", {}, file), "");
  SF_INFO info{};
  SNDFILE* in = sf_open(file.c_str(), SFM_READ, &info);
  ASSERT_NE(in, nullptr);
  std::vector<short> samples(static_cast<std::size_t>(info.frames));
  sf_read_short(in, samples.data(), info.frames);
  sf_close(in);
  EXPECT_EQ(info.channels, 1);
  const double seconds = static_cast<double>(info.frames) / info.samplerate;
  EXPECT_GT(seconds, 1.5);
  EXPECT_LT(seconds, 15.0);
  double sum = 0;
  for (short s : samples) sum += static_cast<double>(s) * s;
  EXPECT_GT(std::sqrt(sum / static_cast<double>(samples.size())), 300.0) << "speech is silent";
  // Written whole: no temporary file is left beside it.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(Speech, ASlowerVoiceTakesLonger) {
  std::vector<short> fast;
  std::vector<short> slow;
  int rate = 0;
  SpeechParams p;
  p.rate = 300;
  ASSERT_EQ(synthesize("Đề nghị bà con đưa trẻ đi tiêm chủng.", p, fast, rate), "");
  p.rate = 100;
  ASSERT_EQ(synthesize("Đề nghị bà con đưa trẻ đi tiêm chủng.", p, slow, rate), "");
  EXPECT_GT(slow.size(), fast.size() * 3 / 2);
}

TEST(Speech, AnUnknownVoiceIsNamed) {
  std::vector<short> samples;
  int rate = 0;
  SpeechParams p;
  p.voice = "klingon";
  const std::string why = synthesize("xin chào", p, samples, rate);
  EXPECT_NE(why.find("no voice 'klingon'"), std::string::npos) << why;
}

TEST(Speech, TheCacheNameFollowsTextVoiceAndReading) {
  SpeechParams p;
  const auto a = speech_clip_file("/s", "Ngày 2/9", p);
  EXPECT_EQ(a.parent_path(), std::filesystem::path("/s/speech"));
  EXPECT_EQ(a.extension(), ".wav");
  EXPECT_EQ(a, speech_clip_file("/s", "Ngày 2/9", p));
  EXPECT_NE(a, speech_clip_file("/s", "Ngày 3/9", p));
  // The same words to be read: "ngày 2/9" and "ngày hai tháng chín" are one clip.
  EXPECT_EQ(speech_clip_file("/s", "ngày 2/9", p),
            speech_clip_file("/s", "ngày hai tháng chín", p));
  p.rate = 120;
  EXPECT_NE(a, speech_clip_file("/s", "Ngày 2/9", p));
}

TEST(Speech, ACachedClipIsNotSpokenAgain) {
  TempDir dir;
  const SpeechParams p;
  const auto file = speech_clip_file(dir.path(), "Loa phát thanh xã.", p);
  bool spoken = false;
  ASSERT_EQ(ensure_speech_clip(file, "Loa phát thanh xã.", p, spoken), "");
  EXPECT_TRUE(spoken);
  const auto first = std::filesystem::last_write_time(file);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(ensure_speech_clip(file, "Loa phát thanh xã.", p, spoken), "");
  EXPECT_FALSE(spoken);
  EXPECT_EQ(std::filesystem::last_write_time(file), first);
}

TEST(Speech, SpeaksFromManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  std::vector<std::size_t> lengths(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      std::vector<short> s;
      int rate = 0;
      errors[i] = synthesize("Một hai ba bốn năm.", {}, s, rate);
      lengths[i] = s.size();
    });
  }
  for (auto& t : threads) t.join();
  // espeak-ng varies a clip's length by a few samples from one call to the next.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(errors[i], "");
    EXPECT_NEAR(static_cast<double>(lengths[i]), static_cast<double>(lengths[0]),
                0.05 * static_cast<double>(lengths[0]));
  }
}

}  // namespace
}  // namespace loa
