#pragma once

// Private to audio/: opening a relay's address with FFmpeg under a deadline, what the relay's
// network thread (relay_reader.cpp) and the probe (relay_probe.cpp) share: the protocols and
// containers a relay may use, the interrupt callback, and the reasons an opening failed.

#include <atomic>
#include <chrono>
#include <string>

#include "ffmpeg_common.hpp"

namespace loa::detail {

// Every FFmpeg call made under it returns once the deadline passes or `stop` is set.
class RelayDeadline {
 public:
  explicit RelayDeadline(const std::atomic<bool>* stop = nullptr) : stop_(stop) {}
  void arm(std::chrono::milliseconds within) {
    at_ = std::chrono::steady_clock::now() + within;
    timed_out_ = false;
  }
  bool timed_out() const { return timed_out_; }
  bool stopping() const { return stop_ != nullptr && stop_->load(std::memory_order_acquire); }
  // For AVIOInterruptCB (opaque: this).
  static int interrupt(void* opaque);

 private:
  const std::atomic<bool>* stop_;
  std::chrono::steady_clock::time_point at_{};
  bool timed_out_ = false;
};

// Opens `url` (armed for `open_timeout`), finding the streams' parameters if the container does
// not say them on opening; reads stall after `stall` without data. With `io` (which must outlive
// the context) the bytes come from it, not from FFmpeg's reading of `url`. On failure, a null
// pointer and `code` (< 0) set. Runs on the caller's thread, never past the deadline but for a
// DNS lookup.
FormatPtr open_relay_input(const std::string& url, RelayDeadline& deadline,
                           std::chrono::milliseconds open_timeout, std::chrono::milliseconds stall,
                           int& code, AVIOContext* io = nullptr);

// Why opening failed, in an operator's words ("" if it was stopped).
std::string relay_open_reason(const std::string& url, int code, const RelayDeadline& deadline,
                              std::chrono::milliseconds open_timeout);

// "2.5 s"
std::string seconds_text(std::chrono::milliseconds ms);

}  // namespace loa::detail
