// The file and null sinks: what a render writes, and the null sink's pacing.
#include "loa/sink.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <chrono>

#include "loa_test/cli.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

TEST(WavSink, Writes16BitFramesAtTheRateAndClipsInsteadOfWrapping) {
  test::TempDir dir;
  {
    auto sink = open_wav_sink(dir / "out.wav", 48000, 2);
    const std::vector<float> frames = {0.5F, -0.25F, 1.5F, -1.5F, 0.0F, 0.0F};
    sink->write(frames);
    sink->drain();
  }
  SF_INFO info{};
  SNDFILE* f = sf_open((dir / "out.wav").c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(info.samplerate, 48000);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.frames, 3);
  EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  std::vector<short> s(6);
  sf_readf_short(f, s.data(), 3);
  sf_close(f);
  EXPECT_EQ(s[0], 16384);
  EXPECT_EQ(s[1], -8192);
  EXPECT_EQ(s[2], 32767);  // clipped, not wrapped to a negative click
  EXPECT_EQ(s[3], -32768);
}

// The size the "data" chunk's header gives, as a player reading the file sees it.
std::uint32_t data_chunk_size(const std::filesystem::path& file) {
  const std::string bytes = test::slurp(file);
  const auto at = bytes.find("data");
  if (at == std::string::npos || at + 8 > bytes.size()) return 0;
  std::uint32_t size = 0;
  for (int i = 3; i >= 0; --i) {
    size = (size << 8) | static_cast<unsigned char>(bytes[at + 4 + static_cast<std::size_t>(i)]);
  }
  return size;
}

// A recording of the air says how long it is while it grows, not 0 s until loa stops.
TEST(WavSink, ALiveRecordingsHeaderKeepsUpWithinASecond) {
  test::TempDir dir;
  auto live = open_wav_sink(dir / "live.wav", 48000, 1, true);
  auto plain = open_wav_sink(dir / "plain.wav", 48000, 1);
  const std::vector<float> block(1024, 0.25F);
  for (int i = 0; i < 48000 * 5 / 2 / 1024; ++i) {  // 2.5 s
    live->write(block);
    plain->write(block);
  }
  EXPECT_GE(data_chunk_size(dir / "live.wav"), 2U * 48000 * 2) << "at least 2 s of 16-bit mono";
  EXPECT_LT(data_chunk_size(dir / "plain.wav"), 48000U) << "a render's header is written once";
}

TEST(WavSink, AnUnwritablePathIsAClearError) {
  try {
    open_wav_sink("/nonexistent/folder/out.wav", 48000, 1);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/folder/out.wav"), std::string::npos);
  }
}

TEST(NullSink, PacedTakesAsLongAsTheAudioUnpacedDoesNot) {
  std::vector<float> tenth(4800);  // 0.1 s at 48 kHz, mono
  auto paced = open_null_sink(48000, 1, true);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) paced->write(tenth);
  const auto paced_time = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(paced_time, std::chrono::milliseconds(300));  // it never runs ahead of real time
  auto fast = open_null_sink(48000, 1, false);
  for (int i = 0; i < 1000; ++i) fast->write(tenth);  // 100 s of audio, discarded at once
  EXPECT_EQ(fast->rate(), 48000);
  EXPECT_EQ(fast->channels(), 1);
}

}  // namespace
}  // namespace loa
