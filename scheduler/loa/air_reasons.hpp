#pragma once

#include <string_view>

#include "loa/messages.hpp"

namespace loa {

// Why a broadcast or an item was cut, missed or failed, as the journal keeps it: in English, the
// text `loa log`, `loa report` and other tools have always read. reason_message() recognises
// these texts again when the journal is read, so the page can say them in its own language.
namespace air_reason {
// Cut when loa itself stopped airing it (shutdown, device lost, clock set); such a broadcast
// resumes at the next start if it is still within its `late`. Followed by one of the halts below.
inline constexpr std::string_view kHaltPrefix = "stopped on air: ";
inline constexpr std::string_view kHaltDevice = "the sound device failed";
inline constexpr std::string_view kHaltClock = "the system clock was set";
inline constexpr std::string_view kHaltStopped = "loa was stopped";
inline constexpr std::string_view kCutIn = "a higher priority broadcast cut in";
inline constexpr std::string_view kUnreadable = "the clip could not be read (see loa check)";
inline constexpr std::string_view kCrashed = "cut when loa stopped (crash or power cut)";
inline constexpr std::string_view kNotBack =
    "cut when loa stopped; loa was not back within its late";
inline constexpr std::string_view kNoResume =
    "cut when loa stopped; could not resume within its late";
inline constexpr std::string_view kChanged = "its programme changed before it could resume";
inline constexpr std::string_view kTooLate = "could not start within its late";
inline constexpr std::string_view kResumed = "resumed after an interruption";
inline constexpr std::string_view kRemoved = "its programme was removed";
inline constexpr std::string_view kNothingPlayed = "none of its items could be played";
// Followed by who stopped it: an account's name or "api-token".
inline constexpr std::string_view kStoppedBy = "stopped by ";
}  // namespace air_reason

// The message (journal.reason.*) of a reason the journal holds; a code-less message (empty
// code) for a reason loa did not write itself, such as a decoder's own words.
Message reason_message(std::string_view reason);

}  // namespace loa
