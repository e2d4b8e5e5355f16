#pragma once
// A station's encoder feeding an Icecast mount: the ffmpeg program, reading `file` in real time
// (-re) and looping it for ever, encoding it with `codec` ("-c:a libmp3lame -b:a 128k -f mp3")
// and sending it as `content_type` to `target` (IcecastServer::source_url). Stopped on
// destruction.

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace loa::test {

class IcecastSource {
 public:
  IcecastSource(std::filesystem::path file, std::string codec, std::string content_type,
                std::string target, std::filesystem::path log);
  ~IcecastSource();
  IcecastSource(const IcecastSource&) = delete;
  IcecastSource& operator=(const IcecastSource&) = delete;

  // Starts ffmpeg (again: after the server died, the old one is stopped first). Returns at once:
  // IcecastServer::mounted says when the mount is live.
  void start();
  void stop();
  std::string log() const;

 private:
  std::filesystem::path file_;
  std::string codec_;
  std::string content_type_;
  std::string target_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

}  // namespace loa::test
