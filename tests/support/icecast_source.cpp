#include "loa_test/icecast_source.hpp"

#include <sstream>
#include <utility>
#include <vector>

#include "loa_test/child_process.hpp"
#include "loa_test/cli.hpp"

namespace loa::test {

IcecastSource::IcecastSource(std::filesystem::path file, std::string codec,
                             std::string content_type, std::string target,
                             std::filesystem::path log)
    : file_(std::move(file)),
      codec_(std::move(codec)),
      content_type_(std::move(content_type)),
      target_(std::move(target)),
      log_(std::move(log)) {}

IcecastSource::~IcecastSource() {
  stop();
}

void IcecastSource::start() {
  stop();
  std::vector<std::string> args{"ffmpeg",  "-nostdin",    "-hide_banner", "-loglevel",
                                "warning", "-re",         "-stream_loop", "-1",
                                "-i",      file_.string()};
  std::istringstream codec(codec_);
  for (std::string word; codec >> word;) args.push_back(word);
  args.insert(args.end(), {"-content_type", content_type_, target_});
  pid_ = spawn_logged(args, log_);
}

void IcecastSource::stop() {
  end_process(pid_, SIGKILL);
  pid_ = -1;
}

std::string IcecastSource::log() const {
  return slurp(log_);
}

}  // namespace loa::test
