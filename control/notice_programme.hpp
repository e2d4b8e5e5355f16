#pragma once
// A quick notice (the control page's "Thông báo nhanh") and the one-off programme file that airs
// it at a time (private to the control server's files).

#include <string>

#include "loa/station_settings.hpp"
#include "notice_time.hpp"

namespace loa {

struct Notice {
  std::string text;  // as a say item keeps it (spoken_text_problem)
  SpeechVoice voice;
  bool own_voice = false;  // the request named a voice: the programme gets its own `speech:`
  ZoneSet zones = 0;
  int priority = 50;
};

// "thong-bao-nhanh-20261217-0700": the programme id, and the file name, of a notice at `at`.
std::string notice_programme_id(const NoticeTime& at);

// The programme file that airs `n` once at `at` under `id`: a dated slot whose play list is the
// text as a say item, so that it is checked, spoken, planned, aired and journaled like any
// programme. `who` is named in the file's first line.
std::string notice_programme_yaml(const Notice& n, const std::string& id, const NoticeTime& at,
                                  const StationSettings& s, const std::string& who);

}  // namespace loa
