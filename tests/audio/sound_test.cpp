#include "loa/sound.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "loa/clip_stream.hpp"
#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

std::vector<float> read_all(MonoSource& source) {
  std::vector<float> out;
  std::vector<float> buffer(4096);
  for (;;) {
    const std::size_t n = source.read(buffer);
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < buffer.size()) return out;
  }
}

// The seam opens each kind of sound as its own source, with the gain applied.
TEST(Sound, AClipSoundIsTheClipAtTheAirRateWithItsGain) {
  test::TempDir dir;
  test::write_tone(dir / "a.wav", 0.5, 44100);
  auto direct = open_clip_stream(dir / "a.wav", 48000, 0.5F);
  auto seam = open_sound(ClipSound{dir / "a.wav"}, 48000, 0.5F);
  EXPECT_EQ(read_all(*seam), read_all(*direct));
}

TEST(Sound, TheChimeSoundIsTheBuiltInChime) {
  auto direct = open_builtin_chime(48000, 1.0F);
  auto seam = open_sound(ChimeSound{}, 48000, 1.0F);
  const auto samples = read_all(*seam);
  EXPECT_GT(samples.size(), 48000U / 2);
  EXPECT_EQ(samples, read_all(*direct));
}

// The reason is in an operator's words; the journal names the item beside it.
TEST(Sound, AClipThatCannotBeOpenedSaysWhy) {
  test::TempDir dir;
  try {
    open_sound(ClipSound{dir / "missing.wav"}, 48000, 1.0F);
    FAIL() << "a missing clip opened";
  } catch (const ClipStreamError& e) {
    EXPECT_STREQ(e.what(), "file not found");
  }
}

}  // namespace
}  // namespace loa
