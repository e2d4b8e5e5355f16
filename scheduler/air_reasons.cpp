#include "loa/air_reasons.hpp"

namespace loa {

Message reason_message(std::string_view reason) {
  using namespace air_reason;
  if (reason.starts_with(kHaltPrefix)) {
    const std::string_view why = reason.substr(kHaltPrefix.size());
    if (why == kHaltDevice) return {"journal.reason.halt_device"};
    if (why == kHaltClock) return {"journal.reason.halt_clock"};
    if (why == kHaltStopped) return {"journal.reason.halt_stopped"};
    return {"journal.reason.halt", {{"why", why}}};
  }
  if (reason.starts_with(kStoppedBy)) {
    return {"journal.reason.stopped_by", {{"who", reason.substr(kStoppedBy.size())}}};
  }
  if (reason == kCutIn) return {"journal.reason.cut_in"};
  if (reason == kUnreadable) return {"journal.reason.unreadable"};
  if (reason == kCrashed) return {"journal.reason.crashed"};
  if (reason == kNotBack) return {"journal.reason.not_back"};
  if (reason == kNoResume) return {"journal.reason.no_resume"};
  if (reason == kChanged) return {"journal.reason.changed"};
  if (reason == kTooLate) return {"journal.reason.too_late"};
  if (reason == kResumed) return {"journal.reason.resumed"};
  if (reason == kRemoved) return {"journal.reason.removed"};
  if (reason == kNothingPlayed) return {"journal.reason.nothing_played"};
  return {};
}

}  // namespace loa
