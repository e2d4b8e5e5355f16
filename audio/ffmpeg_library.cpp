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

#define LOA_FFMPEG_LOAD(library, function)                                          \
  l.function = reinterpret_cast<decltype(l.function)>(::dlsym(library, #function)); \
  if (l.function == nullptr) {                                                      \
    failure = "FFmpeg's libraries lack " #function;                                 \
    return;                                                                         \
  }

// libavutil, libswresample and libavcodec.
void load_codecs(Loaded& loaded) {
  std::string missing;
  void* avutil = open_library(LOA_SONAME("avutil", LIBAVUTIL_VERSION_MAJOR), missing);
  void* swresample = open_library(LOA_SONAME("swresample", LIBSWRESAMPLE_VERSION_MAJOR), missing);
  void* avcodec = open_library(LOA_SONAME("avcodec", LIBAVCODEC_VERSION_MAJOR), missing);
  if (!missing.empty()) {
    loaded.why = "FFmpeg's libraries are not installed (" + missing + " is missing)";
    return;
  }
  FfmpegLibrary& l = loaded.library;
  std::string& failure = loaded.why;
  LOA_FFMPEG_CODEC_FUNCTIONS(LOA_FFMPEG_LOAD)
  loaded.ok = true;
}

// libavformat's functions into `l`, whose codecs are loaded; `failure` says why not.
void load_formats(FfmpegLibrary& l, std::string& failure) {
  std::string missing;
  void* avformat = open_library(LOA_SONAME("avformat", LIBAVFORMAT_VERSION_MAJOR), missing);
  if (!missing.empty()) {
    failure = "FFmpeg's libraries are not installed (" + missing + " is missing)";
    return;
  }
  LOA_FFMPEG_FORMAT_FUNCTIONS(LOA_FFMPEG_LOAD)
}

#undef LOA_FFMPEG_LOAD

}  // namespace

const FfmpegLibrary* ffmpeg_library(std::string* why, bool formats) {
  static std::once_flag codecs_once;
  static std::once_flag formats_once;
  static Loaded codecs;
  static std::string formats_why;
  std::call_once(codecs_once, [] { load_codecs(codecs); });
  if (!codecs.ok) {
    if (why != nullptr) *why = codecs.why;
    return nullptr;
  }
  if (!formats) return &codecs.library;
  // libavformat's pointers are written only inside this once, before any caller that asked for
  // them goes on.
  std::call_once(formats_once, [] { load_formats(codecs.library, formats_why); });
  if (why != nullptr) *why = formats_why;
  return formats_why.empty() ? &codecs.library : nullptr;
}

}  // namespace loa::detail
