#include "loa/clip_library.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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
using test::TempDir;
using test::write_tone;

// A plain message for the operator that includes `part`.
::testing::AssertionResult mentions(const std::string& message, const std::string& part) {
  if (message.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the message \"" << message << "\" does not say \"" << part << "\"";
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The bytes of a clip of `seconds`, made outside the clips folder.
std::string tone_bytes(const TempDir& dir, double seconds) {
  const auto file = dir / ("source-" + std::to_string(seconds) + ".wav");
  write_tone(file, seconds, 48000);
  return read_bytes(file);
}

// Every name in `folder`, hidden ones included, sorted.
std::vector<std::string> entries(const fs::path& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::ranges::sort(names);
  return names;
}

std::vector<std::string> names_of(const std::vector<LibraryClip>& clips) {
  std::vector<std::string> names;
  for (const auto& clip : clips) names.push_back(clip.name);
  return names;
}

// --- clean_clip_name ---

std::optional<std::string> clean(std::string_view name) {
  std::string why = "stale";
  auto cleaned = clean_clip_name(name, why);
  if (cleaned) {
    EXPECT_EQ(why, "") << name;
  }
  return cleaned;
}

struct Refused {
  std::string name;
  std::string says;  // part of the message
};

TEST(CleanClipName, KeepsAPlainName) {
  EXPECT_EQ(clean("canh-bao-lu.mp3"), "canh-bao-lu.mp3");
  EXPECT_EQ(clean("Lich_tiem 12.2026.flac"), "Lich_tiem 12.2026.flac");
}

TEST(CleanClipName, KeepsVietnameseAndLowersTheExtension) {
  EXPECT_EQ(clean("Cảnh báo lũ.MP3"), "Cảnh báo lũ.mp3");
  EXPECT_EQ(clean("Thông báo tiêm chủng Ấp 1 - Đợt 2.Wav"),
            "Thông báo tiêm chủng Ấp 1 - Đợt 2.wav");
  EXPECT_EQ(clean("ưu tiên.opus"), "ưu tiên.opus");
}

TEST(CleanClipName, KeepsLettersWithCombiningMarksOfOtherScripts) {
  EXPECT_EQ(clean("ข่าว.ogg"), "ข่าว.ogg");  // Thai, with a tone mark
  EXPECT_EQ(clean("ព្រះ.wav"), "ព្រះ.wav");  // Khmer, with a subscript consonant (coeng)
  EXPECT_EQ(clean("通知.mp3"), "通知.mp3");
}

// A Mac writes accents as separate marks (NFD); the saved name is the one programmes are typed as.
TEST(CleanClipName, ComposesNamesWrittenWithSeparateAccents) {
  EXPECT_EQ(clean("Ca\u0309nh ba\u0301o lu\u0303.MP3"), "Cảnh báo lũ.mp3");
  EXPECT_EQ(clean("Tho\u0302ng ba\u0301o \u00C2\u0301p 1.wav"), "Thông báo Ấp 1.wav");
}

TEST(CleanClipName, TrimsSpaces) {
  EXPECT_EQ(clean("  canh bao.wav  "), "canh bao.wav");
}

TEST(CleanClipName, TakesUpTo120Bytes) {
  const std::string stem(116, 'a');
  EXPECT_EQ(clean(stem + ".wav"), stem + ".wav");
  std::string why;
  EXPECT_EQ(clean_clip_name(stem + "a.wav", why), std::nullopt);
  EXPECT_TRUE(mentions(why, "120"));
}

TEST(CleanClipName, RefusesWithAPlainMessage) {
  const std::vector<Refused> refused = {
      {"../x.wav", "may not contain '/'"},
      {"/etc/passwd", "may not contain '/'"},
      {"a/../../x.wav", "may not contain '/'"},
      {"sub/x.wav", "may not contain '/'"},
      {"..\\x.wav", "may not contain '\\'"},
      {"C:\\clips\\x.wav", "may not contain '\\'"},
      {std::string("a\0b.wav", 7), "NUL"},
      {std::string("a.wav\0.txt", 10), "NUL"},
      {"a\tb.wav", "control characters"},
      {"a\nb.wav", "control characters"},
      {"a\rb.wav", "control characters"},
      {"a\x1b[31m.wav", "control characters"},
      {"a\x7f.wav", "control characters"},
      {".", "start with '.'"},
      {"..", "start with '.'"},
      {".hidden.wav", "start with '.'"},
      {".wav", "start with '.'"},
      {" .wav", "start with '.'"},
      {"", "needs a name"},
      {"   ", "needs a name"},
      {"clip", "must end in .wav, .flac, .ogg, .opus, .mp3, .m4a or .aac"},
      {"clip.txt", "must end in"},
      {"clip.wav.txt", "must end in"},
      {"clip.wav.", "must end in"},
      {"clip.mp4", "must end in"},
      {"clipwav", "must end in"},
      {"a(1).wav", "may not contain '('"},
      {"a,b.wav", "may not contain ','"},
      {"a:b.wav", "may not contain ':'"},
      {"a*.wav", "may not contain '*'"},
      {"a'b.wav", "may not contain '''"},
      {"a\"b.wav", "may not contain '\"'"},
      {"a$(id).wav", "may not contain '$'"},
      {"\u202E"
       "vaw.exe.wav",
       "U+202E"},                  // right-to-left override
      {"a\u200Bb.wav", "U+200B"},  // zero-width space
      {"a\u00A0b.wav", "U+00A0"},  // no-break space
      {"a\uFF0Fb.wav", "U+FF0F"},  // fullwidth solidus
      {"\u0E48x.wav", "U+0E48"},   // a combining mark with no letter to carry it
      {"a\uFE0Fb.wav", "U+FE0F"},  // variation selector
      {"x\u0301.wav", "U+0301"},   // an accent no letter x takes, so it stays a separate mark
  };
  for (const auto& [name, says] : refused) {
    std::string why;
    EXPECT_EQ(clean_clip_name(name, why), std::nullopt) << name;
    EXPECT_TRUE(mentions(why, says)) << name;
  }
}

TEST(CleanClipName, TheSlashMessageSaysWhatToDo) {
  std::string why;
  clean_clip_name("../x.wav", why);
  EXPECT_EQ(why, "a clip name may not contain '/'; use a plain file name such as canh-bao-lu.mp3");
}

TEST(CleanClipName, RefusesInvalidUtf8) {
  for (const std::string name : {
           "\xC3.wav",              // a lead byte without its continuation
           "\xC3(.wav",             // a lead byte followed by ASCII
           "\xA9t\xE9.wav",         // Latin-1 "©té"
           "\xC0\xAF.wav",          // overlong '/'
           "\xE0\x80\xAF.wav",      // overlong '/', three bytes
           "\xED\xA0\x80.wav",      // a UTF-16 surrogate
           "\xF4\x90\x80\x80.wav",  // past U+10FFFF
           "\xFF.wav",
           "C\xe1\xba.wav",  // "ả" cut short
       }) {
    std::string why;
    EXPECT_EQ(clean_clip_name(name, why), std::nullopt) << name;
    EXPECT_TRUE(mentions(why, "not valid UTF-8")) << name;
  }
}

// --- clip_content_type ---

TEST(ClipContentType, ByExtension) {
  EXPECT_EQ(clip_content_type("a.wav"), "audio/wav");
  EXPECT_EQ(clip_content_type("sub/a.WAV"), "audio/wav");
  EXPECT_EQ(clip_content_type("a.flac"), "audio/flac");
  EXPECT_EQ(clip_content_type("a.ogg"), "audio/ogg");
  EXPECT_EQ(clip_content_type("a.opus"), "audio/ogg");
  EXPECT_EQ(clip_content_type("Cảnh báo.Mp3"), "audio/mpeg");
  EXPECT_EQ(clip_content_type("ghi âm.m4a"), "audio/mp4");
  EXPECT_EQ(clip_content_type("a.AAC"), "audio/aac");
  EXPECT_EQ(clip_content_type("a.txt"), "application/octet-stream");
}

// --- clip_file ---

// clips/ with a.wav, sub/b.mp3, notes.txt; secret.wav beside clips/ and clips2/c.wav.
struct Library {
  TempDir dir;
  fs::path clips = dir / "clips";

  Library() {
    fs::create_directories(clips / "sub");
    write_tone(clips / "a.wav", 0.2);
    write_tone(clips / "sub" / "b.mp3", 0.2);
    dir.write("clips/notes.txt", "not a clip");
    write_tone(dir / "secret.wav", 0.2);
    fs::create_directories(dir / "clips2");
    write_tone(dir / "clips2" / "c.wav", 0.2);
  }
};

TEST(ClipFile, FindsClipsInTheFolderAndItsSubfolders) {
  Library library;
  EXPECT_EQ(clip_file(library.clips, "a.wav"), fs::canonical(library.clips / "a.wav"));
  EXPECT_EQ(clip_file(library.clips, "sub/b.mp3"), fs::canonical(library.clips / "sub/b.mp3"));
  // A relative folder works as well.
  const auto relative = library.clips.lexically_relative(fs::current_path());
  EXPECT_EQ(clip_file(relative, "a.wav"), fs::canonical(library.clips / "a.wav"));
}

// A file copied in from a Mac is named with separate accents (NFD); people type names composed.
TEST(ClipFile, FindsANameWhicheverWayItsAccentsAreWritten) {
  Library library;
  write_tone(library.clips / "ba\u0301o ba\u0303o.wav", 0.2);
  write_tone(library.clips / "Th\u00F4ng b\u00E1o.wav", 0.2);
  EXPECT_EQ(clip_file(library.clips, "b\u00E1o b\u00E3o.wav"),
            fs::canonical(library.clips / "ba\u0301o ba\u0303o.wav"));
  EXPECT_EQ(clip_file(library.clips, "Tho\u0302ng ba\u0301o.wav"),
            fs::canonical(library.clips / "Th\u00F4ng b\u00E1o.wav"));
}

TEST(ClipFile, RefusesNamesThatLeaveTheFolder) {
  Library library;
  const std::vector<std::string> names = {
      "../secret.wav",
      "sub/../../secret.wav",
      "a/../../secret.wav",
      "sub/../a.wav",  // stays inside, but ".." is refused outright
      "./a.wav",
      (library.dir / "secret.wav").string(),
      "/etc/passwd",
      "..\\secret.wav",
      "../clips2/c.wav",
      "",
      "/",
      "sub/",
      "sub//b.mp3",
  };
  for (const auto& name : names) EXPECT_EQ(clip_file(library.clips, name), std::nullopt) << name;
}

TEST(ClipFile, RefusesNul) {
  Library library;
  EXPECT_EQ(clip_file(library.clips, std::string("a.wav\0.txt", 10)), std::nullopt);
  EXPECT_EQ(clip_file(library.clips, std::string("a.wav\0", 6)), std::nullopt);
}

TEST(ClipFile, RefusesWhatIsNotAnExistingClipFile) {
  Library library;
  fs::create_directories(library.clips / "folder.wav");
  EXPECT_EQ(clip_file(library.clips, "notes.txt"), std::nullopt);
  EXPECT_EQ(clip_file(library.clips, "missing.wav"), std::nullopt);
  EXPECT_EQ(clip_file(library.clips, "folder.wav"), std::nullopt);
  EXPECT_EQ(clip_file(library.clips, "sub"), std::nullopt);
  EXPECT_EQ(clip_file(library.dir / "nowhere", "a.wav"), std::nullopt);
}

TEST(ClipFile, RefusesSymlinksOutOfTheFolder) {
  Library library;
  fs::create_symlink(library.dir / "secret.wav", library.clips / "link.wav");
  fs::create_symlink("../secret.wav", library.clips / "relative-link.wav");
  fs::create_symlink("/etc/passwd", library.clips / "passwd.wav");
  // clips2 starts with "clips" but is not inside it.
  fs::create_symlink(library.dir / "clips2" / "c.wav", library.clips / "sibling.wav");
  fs::create_directory_symlink(library.dir.path(), library.clips / "out");
  for (const std::string name :
       {"link.wav", "relative-link.wav", "passwd.wav", "sibling.wav", "out/secret.wav"}) {
    EXPECT_EQ(clip_file(library.clips, name), std::nullopt) << name;
  }
}

TEST(ClipFile, FollowsSymlinksThatStayInside) {
  Library library;
  fs::create_symlink("sub/b.mp3", library.clips / "alias.mp3");
  fs::create_symlink("notes.txt", library.clips / "notes.wav");  // would serve text as audio
  EXPECT_EQ(clip_file(library.clips, "alias.mp3"), fs::canonical(library.clips / "sub/b.mp3"));
  EXPECT_EQ(clip_file(library.clips, "notes.wav"), std::nullopt);
}

// --- list_clips ---

TEST(ListClips, AMissingFolderIsEmpty) {
  TempDir dir;
  EXPECT_TRUE(list_clips(dir / "nowhere", nullptr).empty());
  EXPECT_TRUE(list_clips(dir.write("file", "x"), nullptr).empty());
}

TEST(ListClips, ListsGoodAndBadClipsSortedByName) {
  TempDir dir;
  const auto clips = dir / "clips";
  write_tone(clips / "good.wav", 1.0, 48000);
  write_tone(clips / "cut.wav", 1.0, 48000);
  test::truncate_file(clips / "cut.wav", fs::file_size(clips / "cut.wav") / 2);
  dir.write("clips/notes.mp3", "these are the notes for the meeting, not audio");
  dir.write("clips/readme.txt", "not a clip");
  write_tone(clips / ".hidden.wav", 0.2);
  write_tone(clips / ".upload-abc123.wav", 0.2);
  write_tone(clips / ".trash" / "old.wav", 0.2);
  write_tone(clips / "Ấp 1" / "Thông báo.FLAC", 0.5, 48000, 1, test::AudioFormat::flac);
  write_tone(dir / "outside" / "far.wav", 0.2);
  fs::create_directory_symlink(dir / "outside", clips / "linked");
  fs::create_symlink(dir / "outside" / "far.wav", clips / "far.wav");

  const auto listed = list_clips(clips, nullptr);
  ASSERT_EQ(names_of(listed),
            (std::vector<std::string>{"cut.wav", "good.wav", "notes.mp3", "Ấp 1/Thông báo.FLAC"}));

  const auto& cut = listed[0];
  EXPECT_EQ(cut.size, fs::file_size(clips / "cut.wav"));
  EXPECT_EQ(cut.duration, std::nullopt);
  EXPECT_TRUE(mentions(cut.problem, "truncated"));

  const auto& good = listed[1];
  EXPECT_EQ(good.size, fs::file_size(clips / "good.wav"));
  ASSERT_TRUE(good.duration.has_value());
  EXPECT_DOUBLE_EQ(*good.duration, 1.0);
  EXPECT_EQ(good.problem, "");

  const auto& notes = listed[2];
  EXPECT_EQ(notes.duration, std::nullopt);
  EXPECT_TRUE(mentions(notes.problem, "not an audio file"));

  const auto& flac = listed[3];
  ASSERT_TRUE(flac.duration.has_value());
  EXPECT_DOUBLE_EQ(*flac.duration, 0.5);
}

TEST(ListClips, EveryListedNameCanBeFetched) {
  TempDir dir;
  write_tone(dir / "a.wav", 0.2);
  write_tone(dir / "x" / "y" / "b.ogg", 0.2, 48000, 1, test::AudioFormat::ogg_vorbis);
  const auto listed = list_clips(dir.path(), nullptr);
  ASSERT_EQ(names_of(listed), (std::vector<std::string>{"a.wav", "x/y/b.ogg"}));
  for (const auto& clip : listed) EXPECT_TRUE(clip_file(dir.path(), clip.name)) << clip.name;
  // A folder given with a trailing separator lists the same names.
  EXPECT_EQ(names_of(list_clips(dir.path().string() + "/", nullptr)), names_of(listed));
}

TEST(ListClips, AnInvalidUtf8NameIsListedWithAProblem) {
  TempDir dir;
  write_tone(dir / "Th\xf4ng b\xe1o.wav", 0.2);  // Latin-1, copied from an old computer
  const auto listed = list_clips(dir.path(), nullptr);
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].duration, std::nullopt);
  EXPECT_TRUE(mentions(listed[0].problem, "not valid UTF-8"));
}

TEST(ListClips, ProbesThroughTheCache) {
  TempDir dir;
  write_tone(dir / "clips" / "a.wav", 0.5, 48000);
  dir.write("clips/b.wav", "not audio");
  ProbeCache cache({});
  const auto first = list_clips(dir / "clips", &cache);
  EXPECT_EQ(cache.misses(), 2U);
  EXPECT_EQ(cache.hits(), 0U);
  const auto second = list_clips(dir / "clips", &cache);
  EXPECT_EQ(cache.hits(), 2U);
  ASSERT_EQ(second.size(), 2U);
  EXPECT_EQ(second[0].duration, first[0].duration);
  EXPECT_EQ(second[1].problem, first[1].problem);
  EXPECT_NE(second[1].problem, "");
}

// --- install_clip ---

constexpr std::uintmax_t kMax = 100 * 1024 * 1024;

TEST(InstallClip, AddsAByteIdenticalClipAndCreatesTheFolder) {
  TempDir dir;
  const auto clips = dir / "clips";
  const std::string bytes = tone_bytes(dir, 1.0);
  const auto result = install_clip(clips, "  Cảnh báo lũ.WAV ", bytes, false, kMax);
  EXPECT_EQ(result.outcome, UploadOutcome::added) << result.message;
  EXPECT_EQ(result.name, "Cảnh báo lũ.wav");
  ASSERT_TRUE(result.duration.has_value());
  EXPECT_DOUBLE_EQ(*result.duration, 1.0);
  EXPECT_EQ(entries(clips), std::vector<std::string>{"Cảnh báo lũ.wav"});
  EXPECT_EQ(read_bytes(clips / "Cảnh báo lũ.wav"), bytes);
  const auto permissions = fs::status(clips / "Cảnh báo lũ.wav").permissions();
  EXPECT_EQ(permissions & fs::perms::all, fs::perms(0644));
}

TEST(InstallClip, AnExistingNameIsKeptUnlessReplaced) {
  TempDir dir;
  const auto clips = dir / "clips";
  const std::string first = tone_bytes(dir, 1.0);
  const std::string second = tone_bytes(dir, 2.0);
  ASSERT_EQ(install_clip(clips, "a.wav", first, false, kMax).outcome, UploadOutcome::added);

  const auto refused = install_clip(clips, "a.wav", second, false, kMax);
  EXPECT_EQ(refused.outcome, UploadOutcome::exists);
  EXPECT_EQ(refused.name, "a.wav");
  EXPECT_EQ(refused.duration, std::nullopt);
  EXPECT_TRUE(mentions(refused.message, "already exists"));
  EXPECT_EQ(read_bytes(clips / "a.wav"), first);

  const auto replaced = install_clip(clips, "a.wav", second, true, kMax);
  EXPECT_EQ(replaced.outcome, UploadOutcome::replaced) << replaced.message;
  ASSERT_TRUE(replaced.duration.has_value());
  EXPECT_DOUBLE_EQ(*replaced.duration, 2.0);
  EXPECT_EQ(read_bytes(clips / "a.wav"), second);
  EXPECT_EQ(entries(clips), std::vector<std::string>{"a.wav"});
}

TEST(InstallClip, ANameSentDecomposedIsSavedComposedAndMeetsItsTwin) {
  TempDir dir;
  const auto clips = dir / "clips";
  const auto added = install_clip(clips, "ba\u0301o.wav", tone_bytes(dir, 1.0), false, kMax);
  EXPECT_EQ(added.outcome, UploadOutcome::added) << added.message;
  EXPECT_EQ(entries(clips), std::vector<std::string>{"b\u00E1o.wav"});
  // One copied in by hand, decomposed, is the same name to the operator.
  write_tone(clips / "bu\u0301a.wav", 0.2);
  EXPECT_EQ(install_clip(clips, "b\u00FAa.wav", tone_bytes(dir, 1.0), false, kMax).outcome,
            UploadOutcome::exists);
}

TEST(InstallClip, ReplacingANewNameAdds) {
  TempDir dir;
  const auto result = install_clip(dir / "clips", "a.wav", tone_bytes(dir, 0.5), true, kMax);
  EXPECT_EQ(result.outcome, UploadOutcome::added) << result.message;
}

TEST(InstallClip, RefusesMoreThanTheLimit) {
  TempDir dir;
  const auto clips = dir / "clips";
  const std::string bytes = tone_bytes(dir, 0.5);
  const auto refused = install_clip(clips, "a.wav", bytes, false, bytes.size() - 1);
  EXPECT_EQ(refused.outcome, UploadOutcome::too_large);
  EXPECT_TRUE(mentions(refused.message, "more than"));
  EXPECT_FALSE(fs::exists(clips / "a.wav"));
  EXPECT_TRUE(entries(clips).empty());
  EXPECT_EQ(install_clip(clips, "a.wav", bytes, false, bytes.size()).outcome, UploadOutcome::added);
}

TEST(InstallClip, TheLimitIsSaidInMegabytes) {
  TempDir dir;
  const auto refused =
      install_clip(dir.path(), "a.wav", std::string(3 * 1024 * 1024 / 2, 'x'), false, 1024 * 1024);
  EXPECT_TRUE(mentions(refused.message, "is 1.5 MB, more than the 1 MB allowed"));
}

TEST(InstallClip, UndecodableUploadsLeaveNothingBehind) {
  TempDir dir;
  const auto clips = dir / "clips";
  std::string cut = tone_bytes(dir, 1.0);
  cut.resize(cut.size() / 2);
  const std::vector<std::pair<std::string, std::string>> uploads = {
      {"this is not audio at all, but a text file with a clip's name", "not an audio file"},
      {"", "empty"},
      {cut, "truncated"},
      {std::string(4096, '\0'), "cannot be played"},
  };
  for (const auto& [bytes, says] : uploads) {
    const auto result = install_clip(clips, "canh-bao.mp3", bytes, false, kMax);
    EXPECT_EQ(result.outcome, UploadOutcome::undecodable) << says;
    EXPECT_EQ(result.name, "canh-bao.mp3");
    EXPECT_EQ(result.duration, std::nullopt);
    EXPECT_TRUE(mentions(result.message, says));
    EXPECT_TRUE(entries(clips).empty()) << says;  // neither the clip nor a .upload-* file
  }
}

TEST(InstallClip, AnUndecodableReplacementKeepsTheOldClip) {
  TempDir dir;
  const auto clips = dir / "clips";
  const std::string good = tone_bytes(dir, 0.5);
  ASSERT_EQ(install_clip(clips, "a.wav", good, false, kMax).outcome, UploadOutcome::added);
  EXPECT_EQ(install_clip(clips, "a.wav", "garbage", true, kMax).outcome,
            UploadOutcome::undecodable);
  EXPECT_EQ(read_bytes(clips / "a.wav"), good);
  EXPECT_EQ(entries(clips), std::vector<std::string>{"a.wav"});
}

TEST(InstallClip, RefusesBadNamesBeforeWriting) {
  TempDir dir;
  const auto clips = dir / "clips";
  const std::string bytes = tone_bytes(dir, 0.2);
  for (const std::string name :
       {"../escape.wav", "/tmp/x.wav", "..\\x.wav", ".hidden.wav", "clip.exe", "a/../../x.wav"}) {
    const auto result = install_clip(clips, name, bytes, true, kMax);
    EXPECT_EQ(result.outcome, UploadOutcome::bad_name) << name;
    EXPECT_NE(result.message, "") << name;
  }
  EXPECT_FALSE(fs::exists(clips));
  EXPECT_FALSE(fs::exists(dir / "escape.wav"));
}

// A WAV named .mp3 would be served to the page as audio/mpeg and mislead whoever copies it on: the
// name must say the format.
TEST(InstallClip, TheNameMustSayTheFormat) {
  TempDir dir;
  const auto clips = dir / "clips";
  const auto wrong = install_clip(clips, "báo bão.mp3", tone_bytes(dir, 0.2), false, kMax);
  EXPECT_EQ(wrong.outcome, UploadOutcome::undecodable);
  EXPECT_TRUE(mentions(wrong.message, "is WAV audio"));
  EXPECT_TRUE(mentions(wrong.message, "name it 'báo bão.wav'"));
  EXPECT_EQ(entries(clips), std::vector<std::string>{});

  write_tone(dir / "tone.ogg", 2.0, 44100, 2, test::AudioFormat::ogg_vorbis);
  const std::string vorbis = read_bytes(dir / "tone.ogg");
  const auto as_opus = install_clip(clips, "x.opus", vorbis, false, kMax);
  EXPECT_EQ(as_opus.outcome, UploadOutcome::undecodable);
  EXPECT_TRUE(mentions(as_opus.message, "is Ogg Vorbis audio"));
  EXPECT_TRUE(mentions(as_opus.message, "name it 'x.ogg'"));
  const auto fits = install_clip(clips, "x.ogg", vorbis, false, kMax);
  EXPECT_EQ(fits.outcome, UploadOutcome::added) << fits.message;
  EXPECT_EQ(entries(clips), std::vector<std::string>{"x.ogg"});
}

// Issue 15: a voice memo from a phone or Zalo (AAC in M4A) is taken; one cut off is refused and
// leaves nothing; an M4A named .mp3 is told its name.
TEST(InstallClip, TakesAPhonesM4a) {
  TempDir dir;
  const auto clips = dir / "clips";
  write_tone(dir / "memo.wav", 2.0, 48000, 1);
  test::ffmpeg_encode(dir / "memo.wav", dir / "memo.m4a", "-c:a aac -b:a 64k");
  const std::string memo = read_bytes(dir / "memo.m4a");

  const auto added = install_clip(clips, "Ghi âm họp dân.m4a", memo, false, kMax);
  EXPECT_EQ(added.outcome, UploadOutcome::added) << added.message;
  ASSERT_TRUE(added.duration.has_value());
  EXPECT_NEAR(*added.duration, 2.0, 1e-6);
  EXPECT_EQ(entries(clips), std::vector<std::string>{"Ghi âm họp dân.m4a"});

  const auto cut = install_clip(clips, "cut.m4a", memo.substr(0, memo.size() / 2), false, kMax);
  EXPECT_EQ(cut.outcome, UploadOutcome::undecodable);
  EXPECT_TRUE(mentions(cut.message, "truncated or unfinished")) << cut.message;

  const auto misnamed = install_clip(clips, "memo.mp3", memo, false, kMax);
  EXPECT_EQ(misnamed.outcome, UploadOutcome::undecodable);
  EXPECT_TRUE(mentions(misnamed.message, "name it 'memo.m4a'")) << misnamed.message;
  EXPECT_EQ(entries(clips), std::vector<std::string>{"Ghi âm họp dân.m4a"});
}

// The steps of an upload whose body arrives in pieces: the same clip as install_clip would make;
// a piece past the limit fails it; an upload abandoned half-way (the client went) leaves nothing.
TEST(ClipUpload, TakesTheBodyInPieces) {
  TempDir dir;
  const auto clips = dir / "clips";
  const std::string bytes = tone_bytes(dir, 0.5);
  {
    ClipUpload upload(clips, "từng phần.wav", false, kMax);
    for (std::size_t at = 0; at < bytes.size(); at += 777) {
      ASSERT_TRUE(upload.write(std::string_view(bytes).substr(at, 777)));
    }
    const UploadResult done = upload.finish();
    EXPECT_EQ(done.outcome, UploadOutcome::added) << done.message;
    EXPECT_EQ(read_bytes(clips / "từng phần.wav"), bytes);
  }
  {
    ClipUpload upload(clips, "big.wav", false, 1000);
    EXPECT_TRUE(upload.write(std::string_view(bytes).substr(0, 600)));
    EXPECT_FALSE(upload.write(std::string_view(bytes).substr(600, 600)));
    EXPECT_EQ(upload.result().outcome, UploadOutcome::too_large);
    EXPECT_EQ(upload.finish().outcome, UploadOutcome::too_large);
  }
  {
    ClipUpload upload(clips, "left.wav", false, kMax);
    EXPECT_TRUE(upload.write(std::string_view(bytes).substr(0, 100)));
  }
  ClipUpload bad(clips, "../x.wav", false, kMax);
  EXPECT_TRUE(bad.failed());
  EXPECT_EQ(bad.result().outcome, UploadOutcome::bad_name);
  EXPECT_EQ(entries(clips), std::vector<std::string>{"từng phần.wav"});
}

TEST(InstallClip, FailsWhenTheFolderCannotBeMade) {
  TempDir dir;
  const auto file = dir.write("clips", "a file where the folder should be");
  const auto result = install_clip(file, "a.wav", tone_bytes(dir, 0.2), false, kMax);
  EXPECT_EQ(result.outcome, UploadOutcome::failed);
  EXPECT_TRUE(mentions(result.message, "clips folder"));
}

TEST(InstallClip, AFolderInTheWayFails) {
  TempDir dir;
  fs::create_directories(dir / "clips" / "a.wav");
  const auto result = install_clip(dir / "clips", "a.wav", tone_bytes(dir, 0.2), true, kMax);
  EXPECT_EQ(result.outcome, UploadOutcome::failed);
  EXPECT_EQ(entries(dir / "clips"), std::vector<std::string>{"a.wav"});
  EXPECT_TRUE(fs::is_directory(dir / "clips" / "a.wav"));
}

TEST(InstallClip, OfConcurrentUploadsOfOneNameExactlyOneWins) {
  TempDir dir;
  const auto clips = dir / "clips";
  constexpr int kUploads = 8;
  std::vector<std::string> bytes;
  for (int i = 0; i < kUploads; ++i) bytes.push_back(tone_bytes(dir, 0.1 * (i + 1)));
  for (int round = 0; round < 5; ++round) {
    const std::string name = "race-" + std::to_string(round) + ".wav";
    std::vector<UploadResult> results(kUploads);
    {
      std::vector<std::jthread> threads;
      for (int i = 0; i < kUploads; ++i) {
        threads.emplace_back(
            [&, i] { results[i] = install_clip(clips, name, bytes[i], false, kMax); });
      }
    }
    int added = 0;
    for (int i = 0; i < kUploads; ++i) {
      if (results[i].outcome == UploadOutcome::added) {
        ++added;
        EXPECT_EQ(read_bytes(clips / name), bytes[i]);  // the winner's bytes, nobody else's
      } else {
        EXPECT_EQ(results[i].outcome, UploadOutcome::exists) << results[i].message;
      }
    }
    EXPECT_EQ(added, 1) << name;
  }
  EXPECT_EQ(entries(clips).size(), 5U);  // no .upload-* left over
}

TEST(InstallClip, UploadsOfDifferentNamesRunTogether) {
  TempDir dir;
  const auto clips = dir / "clips";
  const std::string bytes = tone_bytes(dir, 0.3);
  constexpr int kUploads = 6;
  std::vector<UploadResult> results(kUploads);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kUploads; ++i) {
      threads.emplace_back([&, i] {
        results[i] = install_clip(clips, "clip-" + std::to_string(i) + ".wav", bytes, false, kMax);
      });
    }
  }
  for (const auto& result : results) EXPECT_EQ(result.outcome, UploadOutcome::added);
  EXPECT_EQ(entries(clips).size(), static_cast<std::size_t>(kUploads));
}

// A power cut during an upload leaves its hidden temporary file; the next start removes it once it
// is old enough not to be an upload under way, and touches nothing else.
TEST(RemoveAbandonedUploads, RemovesOldUploadFilesOnly) {
  TempDir dir;
  const fs::path clips = dir / "clips";
  fs::create_directories(clips / "sub");
  const auto old_upload = dir.write("clips/.upload-a1b2c3.mp3", "half a clip");
  const auto fresh_upload = dir.write("clips/.upload-d4e5f6.wav", "being written");
  const auto clip = dir.write("clips/tin-bao.mp3", "a clip");
  const auto hidden_other = dir.write("clips/.notes", "keep");
  const auto nested = dir.write("clips/sub/.upload-g7h8i9.mp3", "not where uploads go");
  const auto an_hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(2);
  for (const auto& f : {old_upload, clip, hidden_other, nested})
    fs::last_write_time(f, an_hour_ago);
  fs::create_directory_symlink(clips / "sub", clips / ".upload-link");

  EXPECT_EQ(remove_abandoned_uploads(clips, std::chrono::hours(1)), 1U);
  EXPECT_EQ(entries(clips), (std::vector<std::string>{".notes", ".upload-d4e5f6.wav",
                                                      ".upload-link", "sub", "tin-bao.mp3"}));
  EXPECT_TRUE(fs::exists(nested));
  EXPECT_EQ(remove_abandoned_uploads(clips, std::chrono::hours(1)), 0U);
  EXPECT_EQ(remove_abandoned_uploads(dir / "no-such-folder", std::chrono::hours(1)), 0U);
}

}  // namespace
}  // namespace loa
