#include "loa/checked_station.hpp"

#include <cstdlib>
#include <map>
#include <set>

#include "loa/clash_warnings.hpp"
#include "loa/clip_files.hpp"
#include "loa/command_lookup.hpp"
#include "loa/planner.hpp"
#include "loa/probe_cache.hpp"
#include "loa/speech.hpp"
#include "loa/station_loader.hpp"

namespace loa {

namespace {

SpeechParams speech_params(const SpeechVoice& v) {
  return {v.voice, v.rate, v.pitch, v.volume};
}

// Gives every say item its clip: STATE/speech/HASH.wav, spoken now if it is not cached yet (once
// per distinct text and voice), in this thread. From then on it is a clip like any other. What
// stops it being spoken (a voice espeak-ng does not have, a full disk) is an error at the item.
void speak_items(CheckedStation& c) {
  std::map<std::filesystem::path, std::string> done;  // file -> what went wrong, "" if spoken
  bool any = false;
  for_each_clip(c.station, [&](PlayItem& item) {
    if (item.say.empty()) return;
    any = true;
    const SpeechParams p = speech_params(item.voice);
    item.file = speech_clip_file(c.station.settings.state, item.say, p);
    auto [it, fresh] = done.try_emplace(item.file);
    if (fresh) {
      bool synthesized = false;
      it->second = ensure_speech_clip(item.file, item.say, p, synthesized);
      if (synthesized && it->second.empty()) ++c.speech_synthesized;
    }
    if (!it->second.empty()) {
      c.diags.error(item.pos, {"say.cannot_speak", {{"item", item.ref}, {"reason", it->second}}});
    }
  });
  if (any) index_clips(c.station);
}

void probe_clips(CheckedStation& c, bool as_errors) {
  ProbeCache cache(c.station.settings.state / "clip-probes.tsv");
  // Every clip once, on all cores; then the diagnostics, in the order the clips are used.
  std::vector<std::filesystem::path> files;
  for_each_clip(c.station, [&](const PlayItem& use) {
    if (c.clips.try_emplace(use.file, ClipError{}).second) files.push_back(use.file);
  });
  auto probed = cache.probe_all(files);
  for (std::size_t i = 0; i < files.size(); ++i) c.clips[files[i]] = std::move(probed[i]);
  for_each_clip(c.station, [&](const PlayItem& use) {
    const auto it = c.clips.find(use.file);
    if (const auto* err = std::get_if<ClipError>(&it->second)) {
      std::error_code unspoken;
      if (!use.say.empty() && !std::filesystem::exists(use.file, unspoken)) return;  // reported
      MessageParam hint{"suggestion", ""};
      std::error_code ec;
      if (!std::filesystem::exists(use.file, ec)) {
        if (std::string meant = suggest_clip(use.file, use.ref); !meant.empty())
          hint = {"suggestion", Message{"hint.clip_did_you_mean", {{"meant", std::move(meant)}}}};
      }
      std::vector<MessageParam> params{
          {"clip", use.ref}, {"reason", err->reason}, {"file", use.file.string()}, hint};
      if (as_errors) {
        c.diags.error(use.pos, {"clip.cannot_play", std::move(params)});
      } else {
        c.diags.warning(use.pos, {"clip.cannot_play.skipped", std::move(params)});
      }
    }
  });
  cache.save();
}

// Each amplifier's on and off programs, looked up as they will be started (PATH, or the path).
void check_commands(CheckedStation& c, bool as_errors) {
  const char* path = std::getenv("PATH");
  for (const Amplifier& amp : c.station.settings.amplifiers) {
    for (const bool on : {true, false}) {
      const std::vector<std::string>& argv = on ? amp.on : amp.off;
      if (argv.empty()) continue;
      const std::string why = command_problem(argv.front(), path);
      if (why.empty()) continue;
      std::vector<MessageParam> params{{"amplifier", amp.id},
                                       {"switch", on ? "on" : "off"},
                                       {"command", argv.front()},
                                       {"reason", why}};
      if (as_errors) {
        c.diags.error(on ? amp.on_pos : amp.off_pos, {"amplifier.command.problem", params});
      } else {
        c.diags.warning(on ? amp.on_pos : amp.off_pos,
                        {"amplifier.command.problem.warning", params});
      }
    }
  }
}

}  // namespace

ClipLengths CheckedStation::lengths() const {
  return [this](const std::filesystem::path& f) -> std::optional<Micros> {
    auto it = clips.find(f);
    if (it == clips.end()) return std::nullopt;
    if (const auto* info = std::get_if<ClipInfo>(&it->second)) return info->duration();
    return std::nullopt;
  };
}

std::string CheckedStation::clip_problem(const std::filesystem::path& file) const {
  auto it = clips.find(file);
  if (it == clips.end()) return "not probed";
  if (const auto* err = std::get_if<ClipError>(&it->second)) return err->reason;
  return {};
}

CheckedStation check_station(const std::filesystem::path& file, const CheckOptions& options) {
  CheckedStation c;
  c.station = load_station(file, c.diags, options.overlay);
  speak_items(c);
  if (options.probe_clips) probe_clips(c, options.clip_problems_are_errors);
  check_commands(c, options.command_problems_are_errors);
  const date::time_zone* zone = c.station.settings.zone;
  if (options.date_warnings && zone != nullptr) {
    const Date today = options.today.value_or(
        local_date(std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now()), zone));
    warn_expired(c.station, today, c.diags);
    if (c.ok()) {
      warn_clashes(c.station, today, c.diags);
      warn_always_blocked(c, today, 28);
    }
  }
  return c;
}

namespace {

// Whether a delayed broadcast waited for one of equal or higher priority on its zones. Waiting
// for the item of a lower one to end is a soft insertion, as documented: no reason to warn.
bool held_by_equal_or_higher(const PlannedBroadcast& delayed,
                             const std::vector<PlannedBroadcast>& all) {
  const Broadcast& b = delayed.broadcast;
  const UtcTime waited_from = b.scheduled;
  const UtcTime waited_to = delayed.outcome.start.value_or(waited_from);
  for (const auto& other : all) {
    if (&other == &delayed || (other.broadcast.zones & b.zones) == 0 ||
        other.broadcast.priority < b.priority || !other.outcome.start || !other.outcome.end) {
      continue;
    }
    if (*other.outcome.start<waited_to&& * other.outcome.end> waited_from) return true;
  }
  return false;
}

}  // namespace

void warn_always_blocked(CheckedStation& c, const Date& today, int days) {
  const date::time_zone* zone = c.station.settings.zone;
  if (zone == nullptr) return;
  const auto from = resolve_local(date::local_days{today}, zone);
  const auto to = resolve_local(date::local_days{today} + date::days{days}, zone);
  struct Tally {
    int total = 0;
    int blocked = 0;
  };
  std::map<const Slot*, Tally> tally;
  const auto broadcasts = plan(c.station, c.lengths(), from, to);
  for (const auto& pb : broadcasts) {
    Tally& t = tally[pb.broadcast.slot];
    ++t.total;
    const auto s = pb.outcome.status;
    if (s == BroadcastStatus::missed ||
        (s == BroadcastStatus::delayed && held_by_equal_or_higher(pb, broadcasts))) {
      ++t.blocked;
    }
  }
  for (const auto& p : c.station.programmes) {
    for (const auto& s : p.slots) {
      auto it = tally.find(&s);
      if (it == tally.end() || it->second.blocked < it->second.total) continue;
      c.diags.warning(s.pos,
                      {"slot.always_blocked", {{"days", days}, {"total", it->second.total}}});
    }
  }
}

}  // namespace loa
