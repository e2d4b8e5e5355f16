#include "ffmpeg_library.hpp"

#include <dlfcn.h>

#include <mutex>

namespace loa::detail {

namespace {

#define LOA_STRING(x) #x
#define LOA_SONAME(name, major) "lib" name ".so." LOA_STRING(major)

struct Loaded {
  FfmpegLibrary library;
  bool ok = false;
  std::string why;
};

// Opens one library by soname; its handle, or nullptr with `why` set.
void* open_library(const char* soname, std::string& why) {
  void* handle = ::dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr && why.empty()) why = soname;
  return handle;
}

Loaded load() {
  Loaded loaded;
  std::string missing;
  void* avutil = open_library(LOA_SONAME("avutil", LIBAVUTIL_VERSION_MAJOR), missing);
  void* swresample = open_library(LOA_SONAME("swresample", LIBSWRESAMPLE_VERSION_MAJOR), missing);
  void* avcodec = open_library(LOA_SONAME("avcodec", LIBAVCODEC_VERSION_MAJOR), missing);
  void* avformat = open_library(LOA_SONAME("avformat", LIBAVFORMAT_VERSION_MAJOR), missing);
  if (!missing.empty()) {
    loaded.why = "FFmpeg's libraries are not installed (" + missing + " is missing)";
    return loaded;
  }
  FfmpegLibrary& l = loaded.library;
#define LOA_FFMPEG_LOAD(library, function)                                          \
  l.function = reinterpret_cast<decltype(l.function)>(::dlsym(library, #function)); \
  if (l.function == nullptr) {                                                      \
    loaded.why = "FFmpeg's libraries lack " #function;                              \
    return loaded;                                                                  \
  }
  LOA_FFMPEG_FUNCTIONS(LOA_FFMPEG_LOAD)
#undef LOA_FFMPEG_LOAD
  loaded.ok = true;
  return loaded;
}

}  // namespace

const FfmpegLibrary* ffmpeg_library(std::string* why) {
  static std::once_flag once;
  static Loaded loaded;
  std::call_once(once, [] { loaded = load(); });
  if (why != nullptr) *why = loaded.why;
  return loaded.ok ? &loaded.library : nullptr;
}

}  // namespace loa::detail
