#include "loa/probe_cache.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::TempDir;
using test::write_tone;

std::int64_t frames_of(const ProbeResult& result) {
  if (const auto* error = std::get_if<ClipError>(&result)) {
    ADD_FAILURE() << "expected a playable clip, got: " << error->reason;
    return -1;
  }
  return std::get<ClipInfo>(result).frames;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

TEST(ProbeCache, SecondProbeIsAHit) {
  TempDir dir;
  write_tone(dir / "a.wav", 1.0, 48000);
  ProbeCache cache({});
  EXPECT_EQ(frames_of(cache.probe(dir / "a.wav")), 48'000);
  EXPECT_EQ(frames_of(cache.probe(dir / "a.wav")), 48'000);
  EXPECT_EQ(cache.misses(), 1U);
  EXPECT_EQ(cache.hits(), 1U);
}

TEST(ProbeCache, RelativeAndAbsolutePathsShareAnEntry) {
  TempDir dir;
  write_tone(dir / "a.wav", 1.0);
  ProbeCache cache({});
  cache.probe(dir / "a.wav");
  cache.probe(dir.path() / "." / "a.wav");
  EXPECT_EQ(cache.hits(), 1U);
}

TEST(ProbeCache, AHitDoesNotReadTheFile) {
  TempDir dir;
  const auto clip = dir / "a.wav";
  write_tone(clip, 1.0, 48000);
  ProbeCache cache({});
  cache.probe(clip);
  // Same size and time but no longer audio: only a cache that does not decode still says 1 s.
  const auto mtime = fs::last_write_time(clip);
  write_text(clip, std::string(fs::file_size(clip), '\0'));
  fs::last_write_time(clip, mtime);
  EXPECT_EQ(frames_of(cache.probe(clip)), 48'000);
  EXPECT_EQ(cache.hits(), 1U);
}

TEST(ProbeCache, ErrorsAreCachedToo) {
  TempDir dir;
  const auto clip = dir.write("notes.mp3", "not audio");
  ProbeCache cache({});
  const auto first = cache.probe(clip);
  ASSERT_TRUE(std::holds_alternative<ClipError>(first));
  const auto second = cache.probe(clip);
  ASSERT_TRUE(std::holds_alternative<ClipError>(second));
  EXPECT_EQ(std::get<ClipError>(second).reason, std::get<ClipError>(first).reason);
  EXPECT_EQ(cache.hits(), 1U);
}

TEST(ProbeCache, MissingClipsAreNotCached) {
  TempDir dir;
  ProbeCache cache({});
  for (int i = 0; i < 2; ++i) {
    const auto result = cache.probe(dir / "later.wav");
    ASSERT_TRUE(std::holds_alternative<ClipError>(result));
    EXPECT_EQ(std::get<ClipError>(result).reason, "file not found");
  }
  EXPECT_EQ(cache.misses(), 2U);
  write_tone(dir / "later.wav", 1.0, 48000);
  EXPECT_EQ(frames_of(cache.probe(dir / "later.wav")), 48'000);
}

TEST(ProbeCache, PermissionErrorsAreNotCached) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read any file";
  TempDir dir;
  const auto clip = dir / "a.wav";
  write_tone(clip, 1.0, 48000);
  fs::permissions(clip, fs::perms::none);
  ProbeCache cache({});
  ASSERT_TRUE(std::holds_alternative<ClipError>(cache.probe(clip)));
  fs::permissions(clip, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(frames_of(cache.probe(clip)), 48'000);
}

TEST(ProbeCache, SurvivesSaveAndReload) {
  TempDir dir;
  const auto file = dir / "state" / "clip-probes.tsv";
  write_tone(dir / "a.flac", 1.0, 44100, 2, test::AudioFormat::flac);
  const auto broken = dir.write("b.mp3", "not audio");
  ProbeResult first_a;
  ProbeResult first_b;
  {
    ProbeCache cache(file);
    first_a = cache.probe(dir / "a.flac");
    first_b = cache.probe(broken);
    EXPECT_TRUE(cache.save());  // creates state/
  }
  ProbeCache reloaded(file);
  const auto a = reloaded.probe(dir / "a.flac");
  const auto b = reloaded.probe(broken);
  EXPECT_EQ(reloaded.hits(), 2U);
  EXPECT_EQ(reloaded.misses(), 0U);
  const auto& info = std::get<ClipInfo>(a);
  const auto& first_info = std::get<ClipInfo>(first_a);
  EXPECT_EQ(info.frames, first_info.frames);
  EXPECT_EQ(info.sample_rate, 44100);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.format, "FLAC");
  EXPECT_EQ(std::get<ClipError>(b).reason, std::get<ClipError>(first_b).reason);
}

TEST(ProbeCache, PathsWithTabsAndNewlinesSurviveReload) {
  TempDir dir;
  const auto file = dir / "probes.tsv";
  const auto clip = dir / "news\tat 9\nmonday\\.wav";
  write_tone(clip, 1.0, 48000);
  {
    ProbeCache cache(file);
    cache.probe(clip);
    ASSERT_TRUE(cache.save());
  }
  ProbeCache reloaded(file);
  EXPECT_EQ(frames_of(reloaded.probe(clip)), 48'000);
  EXPECT_EQ(reloaded.hits(), 1U);
}

TEST(ProbeCache, ChangedFileIsProbedAgain) {
  TempDir dir;
  const auto file = dir / "probes.tsv";
  const auto clip = dir / "news.wav";
  write_tone(clip, 1.0, 48000);
  {
    ProbeCache cache(file);
    EXPECT_EQ(frames_of(cache.probe(clip)), 48'000);
    ASSERT_TRUE(cache.save());
  }
  const auto mtime = fs::last_write_time(clip);
  write_tone(clip, 2.0, 48000);
  fs::last_write_time(clip, mtime + 5s);
  ProbeCache reloaded(file);
  EXPECT_EQ(frames_of(reloaded.probe(clip)), 96'000);
  EXPECT_EQ(reloaded.misses(), 1U);
  EXPECT_EQ(reloaded.hits(), 0U);
}

TEST(ProbeCache, TouchedFileIsProbedAgain) {
  TempDir dir;
  const auto clip = dir / "news.wav";
  write_tone(clip, 1.0, 48000);
  ProbeCache cache({});
  cache.probe(clip);
  fs::last_write_time(clip, fs::last_write_time(clip) + 1s);
  cache.probe(clip);
  EXPECT_EQ(cache.misses(), 2U);
}

// An older loa's verdicts may differ from this one's (v1 refused Ogg files of a second or less as
// cut off): its cache is not reused.
TEST(ProbeCache, ACacheFromAnotherVersionIsProbedAgain) {
  TempDir dir;
  const auto file = dir / "probes.tsv";
  write_tone(dir / "a.wav", 1.0, 48000);
  {
    ProbeCache cache(file);
    cache.probe(dir / "a.wav");
    ASSERT_TRUE(cache.save());
  }
  std::string text = read_text(file);
  text.replace(0, text.find('\n'),
               "# loa clip probes: path, size, mtime ns, then ok frames rate "
               "channels format, or error reason");
  write_text(file, text);
  ProbeCache reloaded(file);
  EXPECT_EQ(frames_of(reloaded.probe(dir / "a.wav")), 48'000);
  EXPECT_EQ(reloaded.hits(), 0U);
  EXPECT_EQ(reloaded.misses(), 1U);
}

TEST(ProbeCache, CorruptLinesAreIgnored) {
  TempDir dir;
  const auto file = dir / "probes.tsv";
  write_tone(dir / "a.wav", 1.0, 48000);
  write_tone(dir / "b.wav", 1.0, 48000);
  {
    ProbeCache cache(file);
    cache.probe(dir / "a.wav");
    cache.probe(dir / "b.wav");
    ASSERT_TRUE(cache.save());
  }
  // Damage b's line (size no longer a number) and surround a's with garbage.
  std::string text = read_text(file);
  const auto b_line = text.find((dir / "b.wav").string());
  ASSERT_NE(b_line, std::string::npos);
  text.insert(text.find('\t', b_line) + 1, "x");
  text.insert(text.find('\n') + 1, "garbage\n\n\t\t\t\n");  // after the header, which stays
  text = text +
         "/x.wav\t12\t34\tok\t-5\t48000\t1\tWAV\n"
         "/y.wav\t12\t34\tok\t5\t48000\n"
         "/z.wav\t12\t34\tmaybe\tsomething\n"
         "/bad\\escape.wav\t12\t34\terror\tbroken\n"
         "\xff\xfe\x01\x02\n"
         "/cut.wav\t12";  // no final newline, as a crash while writing would leave it
  write_text(file, text);

  ProbeCache reloaded(file);
  EXPECT_EQ(frames_of(reloaded.probe(dir / "a.wav")), 48'000);
  EXPECT_EQ(frames_of(reloaded.probe(dir / "b.wav")), 48'000);
  EXPECT_EQ(reloaded.hits(), 1U);
  EXPECT_EQ(reloaded.misses(), 1U);
}

TEST(ProbeCache, CacheFileThatIsNotTextIsIgnored) {
  TempDir dir;
  const auto file = dir / "probes.tsv";
  std::string noise(4096, '\0');
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>(i * 7919 % 251);
  write_text(file, noise);
  write_tone(dir / "a.wav", 1.0, 48000);
  ProbeCache cache(file);
  EXPECT_EQ(frames_of(cache.probe(dir / "a.wav")), 48'000);
  EXPECT_TRUE(cache.save());
  ProbeCache reloaded(file);
  reloaded.probe(dir / "a.wav");
  EXPECT_EQ(reloaded.hits(), 1U);
}

TEST(ProbeCache, SaveFailsWhenTheFolderIsAFile) {
  TempDir dir;
  dir.write("state", "a file where the state folder should be");
  write_tone(dir / "a.wav", 1.0);
  ProbeCache cache(dir / "state" / "probes.tsv");
  cache.probe(dir / "a.wav");
  EXPECT_FALSE(cache.save());
}

TEST(ProbeCache, FailedSaveLeavesWhatIsThereAndNoTemporaryFile) {
  TempDir dir;
  const auto file = dir / "probes.tsv";
  write_tone(dir / "a.wav", 1.0);
  fs::create_directories(file / "keep");  // something a cache file cannot replace
  ProbeCache cache(file);
  cache.probe(dir / "a.wav");
  EXPECT_FALSE(cache.save());
  EXPECT_TRUE(fs::exists(file / "keep"));
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("probes.tsv.tmp")) << entry.path();
  }
}

TEST(ProbeCache, SaveFailsInAReadOnlyFolder) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  TempDir dir;
  fs::create_directory(dir / "state");
  fs::permissions(dir / "state", fs::perms::owner_read | fs::perms::owner_exec);
  write_tone(dir / "a.wav", 1.0);
  ProbeCache cache(dir / "state" / "probes.tsv");
  cache.probe(dir / "a.wav");
  EXPECT_FALSE(cache.save());
  fs::permissions(dir / "state", fs::perms::owner_all);
}

TEST(ProbeCache, MemoryOnlyCacheSavesNothing) {
  TempDir dir;
  write_tone(dir / "a.wav", 1.0);
  ProbeCache cache({});
  cache.probe(dir / "a.wav");
  EXPECT_TRUE(cache.save());
  const auto files = std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator());
  EXPECT_EQ(files, 1);  // just the clip
}

TEST(ProbeCache, UnchangedCacheIsNotRewritten) {
  TempDir dir;
  const auto file = dir / "probes.tsv";
  ProbeCache cache(file);
  EXPECT_TRUE(cache.save());
  EXPECT_FALSE(fs::exists(file));
}

TEST(ProbeCache, ConcurrentProbesAgree) {
  TempDir dir;
  constexpr int kClips = 4;
  for (int i = 0; i < kClips; ++i) {
    write_tone(dir / ("c" + std::to_string(i) + ".wav"), 0.5 + i * 0.25, 48000);
  }
  ProbeCache cache(dir / "probes.tsv");
  constexpr int kThreads = 4;
  constexpr int kRounds = 5;
  std::vector<std::thread> threads;
  std::vector<int> wrong(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        for (int i = 0; i < kClips; ++i) {
          const auto result = cache.probe(dir / ("c" + std::to_string(i) + ".wav"));
          const auto* info = std::get_if<ClipInfo>(&result);
          if (info == nullptr || info->frames != 24'000 + i * 12'000) ++wrong[t];
        }
        cache.save();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
  EXPECT_EQ(cache.hits() + cache.misses(), std::size_t{kThreads * kRounds * kClips});
  EXPECT_GE(cache.misses(), std::size_t{kClips});
  ProbeCache reloaded(dir / "probes.tsv");
  for (int i = 0; i < kClips; ++i) reloaded.probe(dir / ("c" + std::to_string(i) + ".wav"));
  EXPECT_EQ(reloaded.hits(), std::size_t{kClips});
}

}  // namespace
}  // namespace loa
