#include "loa/station_loader.hpp"

#include <fnmatch.h>
#include <glob.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "loa/campaign_programmes.hpp"
#include "loa/clip_files.hpp"
#include "loa/did_you_mean.hpp"
#include "loa/programme_approval.hpp"
#include "loa/programme_reader.hpp"
#include "loa/spoken_items.hpp"
#include "loa/trust_list.hpp"
#include "loa/yaml_read.hpp"

namespace loa {

namespace {

// Files matching a pattern, sorted (glob sorts), or an empty list.
std::vector<std::string> expand_glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  return out;
}

void read_content(const YamlNode* programmes, const YamlNode* playlists, Station& st,
                  Diagnostics& d) {
  if (programmes != nullptr) read_programmes(*programmes, st.settings, st.programmes, d);
  if (playlists != nullptr) read_playlists(*playlists, st.settings, st.playlists, d);
}

// The bytes of an included file as it would be loaded (the overlay's, when it is the one being
// saved), or nullopt if the file cannot be read (load_yaml_file then says why).
std::optional<std::string> included_text(const std::string& shown, const FileOverlay* overlay) {
  if (overlay != nullptr && overlay->file == shown) return overlay->text;
  std::ifstream in(shown, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return std::nullopt;
  return text.str();
}

void load_include(const std::string& shown, Station& st, const FileOverlay* overlay,
                  const std::vector<PublicKey>& trusted, Diagnostics& d) {
  std::optional<YamlNode> root;
  if (st.settings.approval_required) {
    // The very bytes whose signature is checked are the ones read: an edit in between cannot
    // slip through.
    if (const auto text = included_text(shown, overlay)) {
      if (auto problem = approval_problem(shown, *text, trusted)) {
        d.warning(SourcePos{std::make_shared<const std::string>(shown), 0, 0}, std::move(*problem));
        st.unapproved.emplace_back(shown);
        return;
      }
      root = load_yaml_text(*text, shown, d);
    } else {
      root = load_yaml_file(shown, shown, d);
    }
  } else {
    root = overlay != nullptr && overlay->file == shown ? load_yaml_text(overlay->text, shown, d)
                                                        : load_yaml_file(shown, shown, d);
  }
  if (!root || root->is_null()) return;
  MapReader r(*root, "included file (only programmes and playlists may be here)",
              {"programmes", "playlists"}, d);
  if (!r.ok()) return;
  read_content(r.get("programmes"), r.get("playlists"), st, d);
}

void load_includes(Station& st, const FileOverlay* overlay, const std::vector<PublicKey>& trusted,
                   Diagnostics& d) {
  std::set<std::filesystem::path> seen;
  std::error_code ec;
  seen.insert(std::filesystem::weakly_canonical(st.settings.file, ec));
  for (const auto& [pattern, pos] : st.settings.include) {
    const std::filesystem::path full = std::filesystem::path(pattern).is_absolute()
                                           ? std::filesystem::path(pattern)
                                           : st.settings.file.parent_path() / pattern;
    auto files = expand_glob(full.string());
    // A file about to be written (overlay) is included as if it were there already.
    if (overlay != nullptr && ::fnmatch(full.c_str(), overlay->file.c_str(), FNM_PATHNAME) == 0 &&
        std::find(files.begin(), files.end(), overlay->file.string()) == files.end()) {
      files.push_back(overlay->file.string());
      std::sort(files.begin(), files.end());
    }
    if (files.empty()) d.warning(pos, {"include.no_match", {{"pattern", pattern}}});
    for (const auto& f : files) {
      if (!seen.insert(std::filesystem::weakly_canonical(f, ec)).second) continue;
      st.files.emplace_back(f);
      load_include(f, st, overlay, trusted, d);
    }
  }
}

template <typename T>
void check_unique_ids(const std::vector<T>& things, MessageCode duplicate, Diagnostics& d) {
  std::unordered_map<std::string_view, const T*> seen;
  for (const auto& t : things) {
    if (t.id.empty()) continue;  // its missing id is reported already
    auto [it, fresh] = seen.emplace(t.id, &t);
    if (!fresh) {
      d.error(t.pos, {duplicate, {{"id", t.id}, {"first", it->second->pos.str()}}});
    }
  }
}

void check_references(const Station& st, Diagnostics& d) {
  std::vector<std::string> names;
  names.reserve(st.playlists.size());
  for (const auto& p : st.playlists) names.push_back(p.id);
  std::set<std::string_view> used;
  const auto check = [&](const Slot& slot) {
    const auto look_up = [&](const std::string& id, const SourcePos& pos) {
      used.insert(id);
      if (st.playlist(id) == nullptr) {
        d.error(pos, {"playlist.unknown", {{"playlist", id}, suggestion(id, names)}});
      }
    };
    for (const auto& item : slot.play) {
      if (item.kind == PlayItem::Kind::playlist) look_up(item.ref, item.pos);
      if (!item.live.fallback_playlist.empty()) {
        look_up(item.live.fallback_playlist, item.live.fallback_pos);
      }
    }
  };
  for (const auto& prog : st.programmes) {
    for (const auto& slot : prog.slots) check(slot);
    if (prog.on_demand) check(*prog.on_demand);
  }
  for (const auto& p : st.playlists) {
    if (used.count(p.id) == 0) d.warning(p.pos, {"playlist.unused", {{"playlist", p.id}}});
  }
}

}  // namespace

// Gives every distinct clip file one index, so lengths are looked up once per file. Each file is
// first spelt as it is on disk (file_on_disk), once, so that probing, loudness, render and air all
// open the real file, and two spellings of one name are one clip.
void index_clips(Station& st) {
  st.clips.clear();
  const auto& audio = st.settings.audio;
  if (!audio.chime_path.empty()) {
    PlayItem chime;
    chime.ref = audio.chime;
    chime.file = audio.chime_path;
    chime.pos = audio.chime_pos;
    st.chime = std::move(chime);
  }
  std::map<std::filesystem::path, std::filesystem::path> on_disk;
  std::map<std::filesystem::path, std::uint32_t> index;
  for_each_clip(st, [&](PlayItem& item) {
    if (item.say.empty()) {
      auto [found, unseen] = on_disk.try_emplace(item.file);
      if (unseen) found->second = file_on_disk(item.file);
      item.file = found->second;
    }
    auto [it, fresh] = index.try_emplace(item.file, static_cast<std::uint32_t>(st.clips.size()));
    if (fresh) st.clips.push_back(item.file);
    item.clip = it->second;
  });
}

namespace {

Station finish(const YamlNode& root, const std::filesystem::path& file, bool read_includes,
               const FileOverlay* overlay, Diagnostics& d) {
  Station st;
  st.files.push_back(file);
  MapReader r(root, "station file",
              {"station", "audio", "zones", "amplifiers", "programmes", "playlists"}, d);
  if (!r.ok()) {
    st.settings.file = file;
    return st;
  }
  st.settings = read_station_settings(file, r.get("station"), r.get("audio"), r.get("zones"),
                                      r.get("amplifiers"), d);
  read_content(r.get("programmes"), r.get("playlists"), st, d);
  if (read_includes) {
    const std::vector<PublicKey> trusted = read_trust_list(st.settings, d);
    if (st.settings.approval_required && st.settings.trust.empty()) {
      d.error(st.settings.approval_pos, "approval.no_trust");
    }
    load_includes(st, overlay, trusted, d);
    load_campaigns(st, trusted, d);
  }
  check_unique_ids(st.programmes, "programme.duplicate", d);
  check_unique_ids(st.playlists, "playlist.duplicate", d);
  check_references(st, d);
  for_each_clip(st, [&](const PlayItem& item) {
    if (!item.say.empty()) check_speakable(item, d);
  });
  index_clips(st);
  if (st.programmes.empty()) {
    d.warning(root.pos, "station.no_programmes");
  }
  return st;
}

}  // namespace

Station load_station(const std::filesystem::path& file, Diagnostics& diags,
                     const FileOverlay* overlay) {
  auto root = load_yaml_file(file, file.string(), diags);
  if (!root) {
    Station st;
    st.settings.file = file;
    return st;
  }
  if (root->is_null()) {
    diags.error(root->pos, "station.file_empty");
    Station st;
    st.settings.file = file;
    return st;
  }
  return finish(*root, file, true, overlay, diags);
}

Station load_station_text(std::string_view text, const std::filesystem::path& file,
                          Diagnostics& diags) {
  auto root = load_yaml_text(text, file.string(), diags);
  if (!root || root->is_null()) {
    Station st;
    st.settings.file = file;
    return st;
  }
  return finish(*root, file, false, nullptr, diags);
}

void warn_expired(const Station& station, const Date& today, Diagnostics& diags) {
  for (const auto& p : station.programmes) {
    if (p.valid_until && *p.valid_until < today) {
      diags.warning(p.pos, {"programme.expired",
                            {{"programme", p.id}, {"until", format_date(*p.valid_until)}}});
    }
  }
}

}  // namespace loa
