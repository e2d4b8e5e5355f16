#pragma once

// Private to audio/: why a relay's stream failed, in an operator's words, from what FFmpeg said.

#include <string>

namespace loa::detail {

// Why opening `url` failed with FFmpeg's `code`, FFmpeg's last logged error `log` ("" if none).
// May look again at the address (one short request, `timeout_ms` at most) to tell a web page or a
// redirect loop from other failures. Runs on the relay's network thread.
std::string relay_open_failure(const std::string& url, int code, const std::string& log,
                               int timeout_ms);

// Why a stream that was playing stopped (av_read_frame's `code`).
std::string relay_read_failure(int code, const std::string& log);

}  // namespace loa::detail
