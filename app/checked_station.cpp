#include "checked_station.hpp"

#include <map>
#include <set>

#include "loa/planner.hpp"
#include "loa/probe_cache.hpp"
#include "loa/station_loader.hpp"

namespace loa {

namespace {

// Every place a clip is named, with the file it resolves to.
struct ClipUse {
  std::filesystem::path file;
  std::string as_written;
  SourcePos pos;
};

std::vector<ClipUse> clip_uses(const Station& st) {
  std::vector<ClipUse> uses;
  const auto& audio = st.settings.audio;
  if (!audio.chime_path.empty()) uses.push_back({audio.chime_path, audio.chime, audio.chime_pos});
  for (const auto& p : st.programmes) {
    if (p.chime.kind == ChimeChoice::Kind::clip) {
      uses.push_back({p.chime.file, p.chime.ref, p.chime.pos});
    }
    for (const auto& s : p.slots) {
      for (const auto& i : s.play) {
        if (i.kind == PlayItem::Kind::clip) uses.push_back({i.file, i.ref, i.pos});
      }
    }
  }
  for (const auto& pl : st.playlists) {
    for (const auto& c : pl.clips) uses.push_back({c.file, c.ref, c.pos});
  }
  return uses;
}

void probe_clips(CheckedStation& c) {
  ProbeCache cache(c.station.settings.state / "clip-probes.tsv");
  for (const ClipUse& use : clip_uses(c.station)) {
    auto [it, fresh] = c.clips.try_emplace(use.file, ClipError{});
    if (fresh) it->second = cache.probe(use.file);
    if (const auto* err = std::get_if<ClipError>(&it->second)) {
      c.diags.error(use.pos, "clip '" + use.as_written + "' cannot be played: " + err->reason +
                                 " (" + use.file.string() + ")");
    }
  }
  cache.save();
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

CheckedStation check_station(const std::filesystem::path& file, const CheckOptions& options) {
  CheckedStation c;
  c.station = load_station(file, c.diags);
  if (options.probe_clips) probe_clips(c);
  const date::time_zone* zone = c.station.settings.zone;
  if (options.date_warnings && zone != nullptr) {
    const Date today = options.today.value_or(
        local_date(std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now()), zone));
    warn_expired(c.station, today, c.diags);
    if (c.ok()) warn_always_blocked(c, today, 28);
  }
  return c;
}

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
  for (const auto& pb : plan(c.station, c.lengths(), from, to)) {
    Tally& t = tally[pb.broadcast.slot];
    ++t.total;
    const auto s = pb.outcome.status;
    if (s == BroadcastStatus::delayed || s == BroadcastStatus::missed) ++t.blocked;
  }
  for (const auto& p : c.station.programmes) {
    for (const auto& s : p.slots) {
      auto it = tally.find(&s);
      if (it == tally.end() || it->second.blocked < it->second.total) continue;
      c.diags.warning(s.pos, "every broadcast of this slot in the next " + std::to_string(days) +
                                 " days (" + std::to_string(it->second.total) +
                                 ") is delayed or missed because other broadcasts hold its zones; "
                                 "see loa plan");
    }
  }
}

}  // namespace loa
