#include "loa/clip_library.hpp"

#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <system_error>
#include <utility>

#include "loa/clip_files.hpp"
#include "loa/unicode_text.hpp"
#include "loa/write_advice.hpp"

namespace loa {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxNameBytes = 120;
constexpr std::array<std::string_view, 7> kExtensions = {".wav", ".flac", ".ogg", ".opus",
                                                         ".mp3", ".m4a",  ".aac"};
constexpr std::string_view kExample = "canh-bao-lu.mp3";

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// The clip extension `file_name` ends in, lower case, matched in any case.
std::optional<std::string_view> clip_extension(std::string_view file_name) {
  for (const std::string_view extension : kExtensions) {
    if (file_name.size() <= extension.size()) continue;
    const auto tail = file_name.substr(file_name.size() - extension.size());
    if (std::ranges::equal(tail, extension, {}, ascii_lower)) return extension;
  }
  return std::nullopt;
}

// The extension a file of the probed `format` should have (ClipInfo::format), for the message, or
// "" when `extension` already fits it. Ogg Opus may also be .ogg: it is an Ogg file.
std::string_view extension_for(std::string_view format, std::string_view extension) {
  struct Fit {
    std::string_view format;
    std::string_view extension;
    std::string_view also;
  };
  static constexpr Fit kFits[] = {{"WAV", ".wav", ".wav"},        {"FLAC", ".flac", ".flac"},
                                  {"Ogg Vorbis", ".ogg", ".ogg"}, {"Ogg Opus", ".opus", ".ogg"},
                                  {"MP3", ".mp3", ".mp3"},        {"M4A", ".m4a", ".m4a"},
                                  {"AAC", ".aac", ".aac"}};
  for (const Fit& fit : kFits) {
    if (fit.format != format) continue;
    return extension == fit.extension || extension == fit.also ? "" : fit.extension;
  }
  return ".wav";  // AIFF and other formats libsndfile reads: not one a station should keep
}

// Decodes one UTF-8 sequence at the start of `text` strictly (no overlong forms, no surrogates,
// nothing past U+10FFFF). Returns the code point and its length in bytes, or nullopt.
std::optional<std::pair<char32_t, std::size_t>> decode_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return std::pair{char32_t{lead}, std::size_t{1}};
  std::size_t length = 0;
  char32_t code = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1F;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0F;
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07;
    minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() < length) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return std::nullopt;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return std::nullopt;
  return std::pair{code, length};
}

bool valid_utf8(std::string_view text) {
  while (!text.empty()) {
    const auto decoded = decode_utf8(text);
    if (!decoded) return false;
    text.remove_prefix(decoded->second);
  }
  return true;
}

// glibc's C.UTF-8 (built in since 2.35) classifies every Unicode code point; a locale object of our
// own leaves the process's locale alone and is safe to share between threads.
struct UnicodeClasses {
  locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  wctype_t combining = locale != locale_t{} ? wctype_l("combining", locale) : wctype_t{};

  bool letter(char32_t code) const {
    return locale != locale_t{} && iswalpha_l(static_cast<wint_t>(code), locale) != 0;
  }
  bool mark(char32_t code) const {
    return combining != wctype_t{} && iswctype_l(static_cast<wint_t>(code), combining, locale) != 0;
  }
  bool graphic(char32_t code) const {
    return locale != locale_t{} && iswgraph_l(static_cast<wint_t>(code), locale) != 0;
  }
};

const UnicodeClasses& unicode() {
  static const UnicodeClasses classes;
  return classes;
}

bool latin_combining_accent(char32_t code) {
  return code >= 0x0300 && code <= 0x036F;
}

// Invisible marks that only make look-alike names.
bool variation_selector(char32_t code) {
  return (code >= 0xFE00 && code <= 0xFE0F) || (code >= 0xE0100 && code <= 0xE01EF);
}

std::string code_point_text(char32_t code) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "U+%04X", static_cast<unsigned>(code));
  return text.data();
}

// The messages name kAllowed and kExample in their templates (clip.name.*).
Message refused_character(std::string_view bytes, char32_t code) {
  std::string shown = code_point_text(code);
  if (unicode().graphic(code)) shown = "'" + std::string(bytes) + "' (" + shown + ")";
  return Message{"clip.name.character", {{"shown", shown}}};
}

// Why `name` (already trimmed) holds a character that is not allowed, or a message without code.
Message character_problem(std::string_view name) {
  // The characters with a meaning of their own first: their messages say more.
  if (name.find('\0') != std::string_view::npos) return Message{"clip.name.nul"};
  for (const char c : {'/', '\\'}) {
    if (name.find(c) != std::string_view::npos) {
      return Message{"clip.name.separator", {{"character", std::string(1, c)}}};
    }
  }
  if (std::ranges::any_of(name, [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7F;
      })) {
    return Message{"clip.name.control"};
  }
  if (name.front() == '.') return Message{"clip.name.hidden"};
  if (!valid_utf8(name)) return Message{"clip.name.not_utf8"};
  bool after_letter = false;
  for (std::string_view rest = name; !rest.empty();) {
    const auto [code, length] = *decode_utf8(rest);
    const std::string_view bytes = rest.substr(0, length);
    rest.remove_prefix(length);
    if (code < 0x80) {
      const auto c = static_cast<char>(code);
      after_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (after_letter || (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '-' || c == '_') {
        continue;
      }
      return refused_character(bytes, code);
    }
    if (unicode().letter(code)) {
      after_letter = true;
      continue;
    }
    if (latin_combining_accent(code)) {  // left over after composing: no letter takes it
      return Message{"clip.name.stray_accent", {{"code_point", code_point_text(code)}}};
    }
    if (after_letter && unicode().mark(code) && !variation_selector(code)) continue;
    return refused_character(bytes, code);
  }
  return Message{};
}

std::string size_text(std::uintmax_t bytes) {
  constexpr std::uintmax_t kKilo = 1024;
  constexpr std::uintmax_t kMega = kKilo * kKilo;
  if (bytes < kKilo) return std::to_string(bytes) + " bytes";
  std::array<char, 32> text{};
  const bool mega = bytes >= kMega;
  std::snprintf(text.data(), text.size(), "%.1f %s",
                static_cast<double>(bytes) / static_cast<double>(mega ? kMega : kKilo),
                mega ? "MB" : "KB");
  std::string out = text.data();
  if (const auto point = out.find(".0 "); point != std::string::npos) out.erase(point, 2);
  return out;
}

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

double seconds_of(const ClipInfo& info) {
  return static_cast<double>(info.frames) / static_cast<double>(info.sample_rate);
}

// True if `inner` is `outer` or lies below it, component by component (so /clips2 is not inside
// /clips). Both are canonical.
bool inside(const fs::path& outer, const fs::path& inner) {
  auto o = outer.begin();
  auto i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *o != *i) return false;
  }
  return true;
}

// The hidden temporary file an upload is written to; removed unless released into place.
class UploadFile {
 public:
  UploadFile() = default;
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;
  ~UploadFile() {
    close();
    if (!path_.empty() && !kept_) ::unlink(path_.c_str());
  }

  // Creates ".upload-XXXXXX" + extension in `folder`, mode 0644. The clip's own extension keeps the
  // probe identical to probing the installed clip. Returns errno, or 0.
  int create(const fs::path& folder, std::string_view extension) {
    std::string pattern = (folder / (".upload-XXXXXX" + std::string(extension))).string();
    fd_ = ::mkostemps(pattern.data(), static_cast<int>(extension.size()), O_CLOEXEC);
    if (fd_ < 0) return errno;
    path_ = pattern;
    // mkstemps makes it 0600; a clip is no secret, and others (a backup, `loa play` run as another
    // user) read the clips folder.
    if (::fchmod(fd_, 0644) != 0) return errno;
    return 0;
  }

  // Appends `bytes`. Returns errno, or 0.
  int write(std::string_view bytes) {
    constexpr std::size_t kChunk = std::size_t{1} << 30;
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd_, bytes.data(), std::min(bytes.size(), kChunk));
      if (written < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return 0;
  }

  // Syncs and closes the file: what is in it survives a power cut. Returns errno, or 0.
  int finish_writing() {
    if (::fsync(fd_) != 0) return errno;
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) return errno;
    return 0;
  }

  const std::string& path() const { return path_; }
  // The file now has its name (or a hard link does); nothing to remove.
  void keep() { kept_ = true; }

 private:
  void close() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

  std::string path_;
  int fd_ = -1;
  bool kept_ = false;
};

enum class Moved { added, replaced, exists, failed };

struct MoveResult {
  Moved moved = Moved::failed;
  int error = 0;
};

bool exists_no_follow(const fs::path& file) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(file, ec));
}

// Gives the upload its name. Without `replace` this never overwrites: a concurrent upload of the
// same name that got there first keeps its clip.
MoveResult move_into_place(UploadFile& upload, const fs::path& target, bool replace) {
  const char* from = upload.path().c_str();
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) {
    upload.keep();
    return {Moved::added};
  }
  int error = errno;
  if (error == EINVAL || error == ENOSYS || error == ENOTSUP) {
    // A file system without RENAME_NOREPLACE: link() does not overwrite either.
    if (::link(from, target.c_str()) == 0) return {Moved::added};  // the temporary name goes
    error = errno;
    if (error != EEXIST) {
      // No hard links either (e.g. FAT on a USB stick): check, then rename. Only here can two
      // uploads of one name at once both succeed, the later one winning.
      if (!replace && exists_no_follow(target)) return {Moved::exists};
      const bool existed = exists_no_follow(target);
      if (::rename(from, target.c_str()) != 0) return {Moved::failed, errno};
      upload.keep();
      return {existed ? Moved::replaced : Moved::added};
    }
  }
  if (error != EEXIST) return {Moved::failed, error};
  if (!replace) return {Moved::exists};
  if (::rename(from, target.c_str()) != 0) return {Moved::failed, errno};
  upload.keep();
  return {Moved::replaced};
}

// A clip's name and directory entry survive a power cut only once the folder is synced too.
void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

UploadResult refuse(UploadResult result, UploadOutcome outcome, Message message) {
  result.outcome = outcome;
  result.message = message.text();
  result.error = std::move(message);
  return result;
}

Message too_large_message(const std::string& quoted, std::uintmax_t bytes,
                          std::uintmax_t max_bytes) {
  if (bytes > max_bytes) {
    return Message{"clip.upload.too_large",
                   {{"name", quoted}, {"size", size_text(bytes)}, {"max", size_text(max_bytes)}}};
  }
  return Message{"clip.upload.too_large_unknown",
                 {{"name", quoted}, {"max", size_text(max_bytes)}}};
}

}  // namespace

struct ClipUpload::Impl {
  fs::path folder;
  bool replace = false;
  std::uintmax_t max_bytes = 0;
  std::uintmax_t written = 0;
  UploadResult result;
  std::string quoted;
  std::string_view extension;
  UploadFile file;
  bool failed = false;

  void fail(UploadOutcome outcome, Message message) {
    failed = true;
    result = refuse(std::move(result), outcome, std::move(message));
  }
  Message exists_message() const { return Message{"clip.upload.exists", {{"name", quoted}}}; }
  void start(std::string_view name);
  void append(std::string_view bytes);
  void finish();
};

void ClipUpload::Impl::start(std::string_view name) {
  Message why;
  auto cleaned = clean_clip_name(name, why);
  if (!cleaned) return fail(UploadOutcome::bad_name, std::move(why));
  result.name = *cleaned;
  quoted = "'" + result.name + "'";
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    return fail(UploadOutcome::failed,
                Message{"clip.upload.cannot_create_folder",
                        {{"advice", cannot_write_message(folder, ec.value())}}});
  }
  // The same name written decomposed by hand (from a Mac) is the same clip to an operator.
  if (!replace && exists_no_follow(file_on_disk(folder / result.name))) {
    return fail(UploadOutcome::exists, exists_message());
  }
  extension = *clip_extension(result.name);
  if (const int error = file.create(folder, extension); error != 0) {
    return fail(UploadOutcome::failed, Message{"clip.upload.cannot_write",
                                               {{"advice", cannot_write_message(folder, error)}}});
  }
}

void ClipUpload::Impl::append(std::string_view bytes) {
  written += bytes.size();
  if (written > max_bytes)
    return fail(UploadOutcome::too_large, too_large_message(quoted, 0, max_bytes));
  if (const int error = file.write(bytes); error != 0) {
    return fail(UploadOutcome::failed,
                Message{"clip.upload.disk", {{"name", quoted}, {"reason", errno_text(error)}}});
  }
}

void ClipUpload::Impl::finish() {
  if (const int error = file.finish_writing(); error != 0) {
    return fail(UploadOutcome::failed,
                Message{"clip.upload.disk", {{"name", quoted}, {"reason", errno_text(error)}}});
  }
  const ProbeResult probed = probe_clip(file.path());
  if (const auto* error = std::get_if<ClipError>(&probed)) {
    // Our own fresh file unreadable says nothing of the upload: a fault of this computer.
    if (error->reason.starts_with("cannot read")) {
      return fail(UploadOutcome::failed, Message{"clip.upload.cannot_check",
                                                 {{"name", quoted}, {"reason", error->reason}}});
    }
    return fail(UploadOutcome::undecodable,
                Message{"clip.upload.unplayable", {{"name", quoted}, {"reason", error->reason}}});
  }
  const ClipInfo& info = std::get<ClipInfo>(probed);
  // A name that says another format misleads players, the page's preview (served by extension)
  // and whoever copies the file on.
  if (const auto fits = extension_for(info.format, extension); !fits.empty()) {
    const std::string stem = result.name.substr(0, result.name.size() - extension.size());
    return fail(UploadOutcome::undecodable, Message{"clip.upload.wrong_extension",
                                                    {{"name", quoted},
                                                     {"format", info.format},
                                                     {"extension", std::string(extension)},
                                                     {"fits", stem + std::string(fits)}}});
  }
  const double duration = seconds_of(info);

  const MoveResult moved = move_into_place(file, folder / result.name, replace);
  switch (moved.moved) {
    case Moved::exists:
      return fail(UploadOutcome::exists, exists_message());
    case Moved::failed:
      return fail(
          UploadOutcome::failed,
          Message{"clip.upload.cannot_place",
                  {{"name", quoted}, {"advice", cannot_write_message(folder, moved.error)}}});
    case Moved::added:
    case Moved::replaced:
      break;
  }
  sync_folder(folder);
  const bool added = moved.moved == Moved::added;
  result.outcome = added ? UploadOutcome::added : UploadOutcome::replaced;
  result.duration = duration;
  std::array<char, 32> seconds{};
  std::snprintf(seconds.data(), seconds.size(), "%.1f s", duration);
  result.message = (added ? "added " : "replaced ") + quoted + " (" + seconds.data() + ")";
}

ClipUpload::ClipUpload(const fs::path& folder, std::string_view name, bool replace,
                       std::uintmax_t max_bytes)
    : impl_(std::make_unique<Impl>()) {
  impl_->folder = folder;
  impl_->replace = replace;
  impl_->max_bytes = max_bytes;
  guarded([&] { impl_->start(name); });
}

ClipUpload::~ClipUpload() = default;

bool ClipUpload::write(std::string_view bytes) {
  if (!impl_->failed) guarded([&] { impl_->append(bytes); });
  return !impl_->failed;
}

UploadResult ClipUpload::finish() {
  if (!impl_->failed) guarded([&] { impl_->finish(); });
  impl_->failed = true;  // once: the file has its name, or is gone with this object
  return impl_->result;
}

bool ClipUpload::failed() const {
  return impl_->failed;
}

const UploadResult& ClipUpload::result() const {
  return impl_->result;
}

template <class Step>
void ClipUpload::guarded(Step step) noexcept {
  try {
    step();
  } catch (const std::exception& e) {
    impl_->failed = true;
    impl_->result = refuse(std::move(impl_->result), UploadOutcome::failed,
                           Message{"clip.upload.failed", {{"detail", e.what()}}});
  } catch (...) {
    impl_->failed = true;
    impl_->result = refuse(std::move(impl_->result), UploadOutcome::failed,
                           Message{"clip.upload.failed_plain"});
  }
}

namespace {

std::optional<LibraryClip> listed_clip(const fs::path& folder, const fs::path& file,
                                       ProbeCache* cache) {
  LibraryClip clip;
  clip.name = file.lexically_relative(folder).generic_string();
  if (!clip_file(folder, clip.name)) return std::nullopt;
  std::error_code ec;
  clip.size = fs::file_size(file, ec);
  if (ec) clip.size = 0;
  if (!valid_utf8(clip.name)) {
    clip.problem =
        "its name is not valid UTF-8 text, so no programme can name it; rename it, e.g. " +
        std::string(kExample);
    return clip;
  }
  try {
    // Probed by its path in the folder, as the station names it, so the cache entries are shared.
    const ProbeResult probed = cache != nullptr ? cache->probe(file) : probe_clip(file);
    if (const auto* info = std::get_if<ClipInfo>(&probed)) {
      clip.duration = seconds_of(*info);
    } else {
      clip.problem = std::get<ClipError>(probed).reason;
    }
  } catch (const std::exception& e) {
    clip.problem = std::string("cannot read: ") + e.what();
  }
  return clip;
}

}  // namespace

std::optional<std::string> clean_clip_name(std::string_view name, std::string& why) {
  Message message;
  auto cleaned = clean_clip_name(name, message);
  why = cleaned ? std::string() : message.text();
  return cleaned;
}

std::optional<std::string> clean_clip_name(std::string_view name, Message& why) {
  why = Message{};
  const auto first = name.find_first_not_of(' ');
  if (first == std::string_view::npos) {
    why = Message{"clip.name.empty"};
    return std::nullopt;
  }
  // Composed (NFC), as programmes are typed: a Mac sends "Cảnh" as "Ca" + U+0309 + "nh", which
  // looks the same but is other bytes, and two such names would be two files.
  const std::string composed = to_nfc(name.substr(first, name.find_last_not_of(' ') - first + 1));
  name = composed;
  if (name.size() > kMaxNameBytes) {
    why = Message{"clip.name.too_long", {{"bytes", name.size()}}};
    return std::nullopt;
  }
  if (why = character_problem(name); !why.code.empty()) return std::nullopt;
  const auto extension = clip_extension(name);
  if (!extension) {
    why = Message{"clip.name.extension"};
    return std::nullopt;
  }
  std::string cleaned(name.substr(0, name.size() - extension->size()));
  cleaned += *extension;
  return cleaned;
}

std::vector<LibraryClip> list_clips(const std::filesystem::path& folder, ProbeCache* cache) {
  std::vector<LibraryClip> clips;
  try {
    std::error_code ec;
    fs::recursive_directory_iterator entry(folder, fs::directory_options::skip_permission_denied,
                                           ec);
    if (ec) return clips;
    while (entry != fs::recursive_directory_iterator()) {
      const fs::path& path = entry->path();
      if (path.filename().string().starts_with('.')) {
        entry.disable_recursion_pending();
      } else if (clip_extension(path.filename().string()) && !entry->is_directory(ec)) {
        if (auto clip = listed_clip(folder, path, cache)) clips.push_back(std::move(*clip));
      }
      entry.increment(ec);
      if (ec) break;  // an unreadable folder half way: list what was found
    }
  } catch (const std::exception&) {
    // What was listed so far stands; the page shows it rather than an error.
  }
  std::ranges::sort(clips, {}, &LibraryClip::name);
  return clips;
}

std::optional<std::filesystem::path> clip_file(const std::filesystem::path& folder,
                                               std::string_view name) {
  if (name.empty() || name.find('\0') != std::string_view::npos ||
      name.find('\\') != std::string_view::npos) {
    return std::nullopt;
  }
  for (std::string_view rest = name;;) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    // Also refuses absolute names (an empty first part), "." and "..".
    if (part.empty() || part.front() == '.') return std::nullopt;
    if (slash == std::string_view::npos) {
      if (!clip_extension(part)) return std::nullopt;
      break;
    }
    rest.remove_prefix(slash + 1);
  }
  try {
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(folder, ec);
    if (ec) return std::nullopt;
    // A name typed composed finds a file a Mac wrote decomposed, and the other way round.
    const fs::path file =
        fs::weakly_canonical(file_on_disk(folder / fs::path(std::string(name))), ec);
    if (ec || file == base || !inside(base, file)) return std::nullopt;
    // A symlink inside the folder may point to a clip elsewhere in it, but not to another kind of
    // file that would then be served as audio.
    if (!clip_extension(file.filename().string())) return std::nullopt;
    if (!fs::is_regular_file(file, ec) || ec) return std::nullopt;
    return file;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

UploadResult install_clip(const std::filesystem::path& folder, std::string_view name,
                          std::string_view bytes, bool replace, std::uintmax_t max_bytes) {
  if (bytes.size() > max_bytes) {
    // Before anything is written; a bad name is the first thing to say.
    Message why;
    UploadResult result;
    const auto cleaned = clean_clip_name(name, why);
    if (!cleaned) return refuse(std::move(result), UploadOutcome::bad_name, std::move(why));
    result.name = *cleaned;
    return refuse(std::move(result), UploadOutcome::too_large,
                  too_large_message("'" + result.name + "'", bytes.size(), max_bytes));
  }
  ClipUpload upload(folder, name, replace, max_bytes);
  if (!upload.write(bytes)) return upload.result();
  return upload.finish();
}

std::size_t remove_abandoned_uploads(const fs::path& folder, std::chrono::seconds older_than) {
  std::size_t removed = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code entry_ec;
    if (!name.starts_with(".upload-") || !it->is_regular_file(entry_ec) ||
        it->is_symlink(entry_ec)) {
      continue;
    }
    const auto written = fs::last_write_time(it->path(), entry_ec);
    if (entry_ec || now - written < older_than) continue;
    if (fs::remove(it->path(), entry_ec)) ++removed;
  }
  return removed;
}

std::string_view clip_content_type(std::string_view name) {
  const auto extension = clip_extension(name);
  if (!extension) return "application/octet-stream";
  if (*extension == ".wav") return "audio/wav";
  if (*extension == ".flac") return "audio/flac";
  if (*extension == ".mp3") return "audio/mpeg";
  if (*extension == ".m4a") return "audio/mp4";
  if (*extension == ".aac") return "audio/aac";
  return "audio/ogg";  // .ogg and .opus
}

}  // namespace loa
