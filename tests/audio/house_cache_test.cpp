// The house cache: clips decoded and resampled once, read back bit for bit, never stale.
#include "loa/house_cache.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <vector>

#include "loa/clip_stream.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

namespace fs = std::filesystem;
using test::AudioFormat;

constexpr int kRate = 48000;

std::vector<float> read_all(MonoSource& source) {
  std::vector<float> out;
  std::vector<float> buffer(4096);
  for (;;) {
    const std::size_t n = source.read(buffer);
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < buffer.size()) return out;
  }
}

std::vector<float> without_cache(const fs::path& clip, float gain) {
  auto source = open_clip_stream(clip, kRate, gain);
  return read_all(*source);
}

// Every file in `folder`, hidden ones (temporary files) included.
std::vector<fs::path> files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  if (!fs::exists(folder)) return files;
  for (const auto& e : fs::directory_iterator(folder)) files.push_back(e.path());
  return files;
}

class House : public ::testing::Test {
 protected:
  void SetUp() override { test::write_tone(clip, 1.5, 44100, 2, AudioFormat::mp3, 440.0, 0.3); }
  test::TempDir dir;
  fs::path clip = dir / "news.mp3";
  fs::path folder = dir / "state/house";
  HouseCache house{folder};
};

TEST_F(House, AClipReadToItsEndIsImportedAndReadBackBitForBit) {
  const auto expected = without_cache(clip, 0.5F);
  ASSERT_GT(expected.size(), 70'000U);
  EXPECT_FALSE(house.copy_of(clip, kRate));

  EXPECT_EQ(read_all(*house.open(clip, kRate, 0.5F)), expected);  // decoded, imported meanwhile
  ASSERT_TRUE(house.copy_of(clip, kRate));
  EXPECT_EQ(files_in(folder).size(), 1U);
  EXPECT_EQ(read_all(*house.open(clip, kRate, 0.5F)), expected);  // from the copy
  EXPECT_EQ(read_all(*house.open(clip, kRate, 1.0F)), without_cache(clip, 1.0F));
}

TEST_F(House, AChangedClipIsImportedAgainAndItsOldCopyRemoved) {
  read_all(*house.open(clip, kRate, 1.0F));
  const auto old_copy = house.copy_of(clip, kRate);
  ASSERT_TRUE(old_copy);

  // Replaced by another recording, as an operator uploads a new version under the same name.
  test::write_tone(clip, 1.5, 44100, 2, AudioFormat::mp3, 880.0, 0.3);
  fs::last_write_time(clip, fs::last_write_time(clip) + std::chrono::seconds(5));
  EXPECT_FALSE(house.copy_of(clip, kRate));
  const auto expected = without_cache(clip, 1.0F);
  EXPECT_EQ(read_all(*house.open(clip, kRate, 1.0F)), expected);
  const auto new_copy = house.copy_of(clip, kRate);
  ASSERT_TRUE(new_copy);
  EXPECT_NE(*new_copy, *old_copy);
  EXPECT_FALSE(fs::exists(*old_copy));
  EXPECT_EQ(files_in(folder).size(), 1U);
  EXPECT_EQ(read_all(*house.open(clip, kRate, 1.0F)), expected);
}

TEST_F(House, ACopyMadeUnderAnotherKeyIsNeverUsed) {
  read_all(*house.open(clip, kRate, 1.0F));
  const auto copy = house.copy_of(clip, kRate);
  ASSERT_TRUE(copy);
  // Another version of loa (or another clip state) named its copy with another key: the same
  // clip's stem, another hash after it. Make it hold silence, and the real copy go away.
  std::string other = copy->filename().string();
  other.replace(17, 16, "0123456789abcdef");
  std::vector<float> silence(72'000, 0.0F);
  test::write_wav(folder / other, silence, kRate);
  fs::remove(*copy);

  EXPECT_FALSE(house.copy_of(clip, kRate));
  EXPECT_EQ(read_all(*house.open(clip, kRate, 1.0F)), without_cache(clip, 1.0F));
  // And a copy at 48 kHz is not one at 44.1 kHz.
  EXPECT_TRUE(house.copy_of(clip, kRate));
  EXPECT_FALSE(house.copy_of(clip, 44100));
}

TEST_F(House, AClipCutShortLeavesNothingBehind) {
  {
    auto source = house.open(clip, kRate, 1.0F);
    std::vector<float> part(10'000);
    EXPECT_EQ(source->read(part), part.size());
  }  // the item was cut here
  EXPECT_FALSE(house.copy_of(clip, kRate));
  EXPECT_TRUE(files_in(folder).empty());
}

TEST_F(House, AClipAlreadyInTheHouseFormatIsNotCopied) {
  const fs::path wav = dir / "jingle.wav";
  test::write_tone(wav, 1.0, kRate, 2, AudioFormat::wav16);
  EXPECT_EQ(read_all(*house.open(wav, kRate, 0.5F)), without_cache(wav, 0.5F));
  EXPECT_FALSE(house.copy_of(wav, kRate));
  // The same WAV at another station rate must be resampled: that is worth a copy.
  read_all(*house.open(wav, 44100, 1.0F));
  EXPECT_TRUE(house.copy_of(wav, 44100));
}

TEST_F(House, AClipThatCannotBePlayedSaysWhyAsWithoutTheCache) {
  const fs::path text = dir / "notes.mp3";
  std::ofstream(text) << "not audio at all, only some text that a phone named .mp3\n";
  std::string direct;
  try {
    open_clip_stream(text, kRate, 1.0F);
  } catch (const ClipStreamError& e) {
    direct = e.what();
  }
  ASSERT_FALSE(direct.empty());
  try {
    house.open(text, kRate, 1.0F);
    ADD_FAILURE() << "opened a text file";
  } catch (const ClipStreamError& e) {
    EXPECT_EQ(std::string(e.what()), direct);
  }
  EXPECT_TRUE(files_in(folder).empty());
}

TEST_F(House, AFolderThatCannotBeWrittenStillPlaysTheClip) {
  std::ofstream(dir / "state") << "a file where the state folder should be\n";
  EXPECT_EQ(read_all(*house.open(clip, kRate, 1.0F)), without_cache(clip, 1.0F));
  EXPECT_FALSE(house.copy_of(clip, kRate));
}

}  // namespace
}  // namespace loa
