#include "loa/live_items.hpp"

#include <algorithm>
#include <cctype>

#include "loa/did_you_mean.hpp"
#include "loa/yaml_read.hpp"

namespace loa {

namespace {

bool lower_starts_with(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// A host name, an IPv4 address, or an [IPv6] literal (RFC 3986's reg-name, loosely: letters,
// digits, '-', '.', '_' and percent escapes).
bool host_ok(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
    });
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' ||
           c == '%';
  });
}

void read_fallback(const YamlNode& n, PlayItem& item, const StationSettings& s, Diagnostics& d) {
  item.live.fallback_pos = n.pos;
  if (!n.is_scalar() || n.value.empty()) {
    d.error(n.pos, {"live.fallback.bad", {{"found", n.kind_message()}}});
    return;
  }
  if (n.value.starts_with("playlist:")) {
    std::string id = n.value.substr(9);
    while (!id.empty() && id.front() == ' ') id.erase(0, 1);
    if (id.empty()) {
      d.error(n.pos, "play.playlist_needs_id");
      return;
    }
    item.live.fallback_playlist = std::move(id);
    return;
  }
  PlayItem clip;
  clip.kind = PlayItem::Kind::clip;
  clip.ref = n.value;
  clip.file = s.clips / n.value;
  clip.pos = n.pos;
  item.fallback_clip.push_back(std::move(clip));
}

// `for:` or `until:`, exactly one.
void read_length(const MapReader& r, const YamlNode& n, PlayItem& item, Diagnostics& d) {
  const YamlNode* length = r.get("for");
  const YamlNode* until = r.get("until");
  if (length != nullptr && until != nullptr) {
    d.error(n.pos, "live.for_and_until");
    return;
  }
  if (length == nullptr && until == nullptr) {
    d.error(n.pos, {"live.needs_length",
                    {{"kind", item.kind == PlayItem::Kind::relay ? std::string("relay")
                                                                 : std::string("input")}}});
    return;
  }
  if (until != nullptr) {
    item.live.until = read_time_of_day(*until, "until", d);
    return;
  }
  const auto len = read_duration(*length, "for", d);
  if (!len) return;
  if (len->count() <= 0) {
    d.error(length->pos, "live.for.zero");
  } else if (*len > kMaxLiveLength) {
    d.error(length->pos, {"live.for.too_long", {{"text", length->value}}});
  } else {
    item.live.length = *len;
  }
}

}  // namespace

std::optional<Message> relay_url_problem(std::string_view url, bool& scheme_ok) {
  scheme_ok = lower_starts_with(url, "http://") || lower_starts_with(url, "https://");
  if (!scheme_ok) return std::nullopt;
  if (std::any_of(url.begin(), url.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == '\x7f'; })) {
    return Message{"relay.url.bad_char"};
  }
  const std::size_t start = url.find("//") + 2;
  const std::size_t end = url.find_first_of("/?#", start);
  std::string_view authority =
      url.substr(start, end == std::string_view::npos ? url.npos : end - start);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);  // user:password@
  }
  std::string_view host = authority;
  std::string_view port;
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return Message{"relay.url.no_host"};
  if (!host_ok(host)) return Message{"relay.url.bad_host", {{"host", host}}};
  if (colon != std::string_view::npos && host.size() != authority.size()) {
    const bool digits =
        !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        });
    if (!digits || std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return Message{"relay.url.bad_port", {{"port", port}}};
    }
  }
  return std::nullopt;
}

std::optional<PlayItem> read_live_item(const YamlNode& n, const StationSettings& s,
                                       Diagnostics& d) {
  const bool relay = n.find("relay") != nullptr;
  if (relay && n.find("input") != nullptr) {
    d.error(n.pos, "live.relay_and_input");
    return std::nullopt;
  }
  PlayItem item;
  item.pos = n.pos;
  item.kind = relay ? PlayItem::Kind::relay : PlayItem::Kind::input;
  // `preroll` is a relay's only: an input is there at once.
  MapReader r(n, relay ? "relay item" : "input item",
              relay ? std::initializer_list<std::string_view>{"relay", "for", "until", "dead_air",
                                                              "fallback", "return", "preroll"}
                    : std::initializer_list<std::string_view>{"input", "for", "until", "dead_air",
                                                              "fallback", "return"},
              d);
  if (!r.ok()) return std::nullopt;
  bool ok = true;
  if (relay) {
    const YamlNode* url = r.get("relay");
    if (auto text = url != nullptr ? read_text(*url, "relay", d) : std::nullopt) {
      bool scheme_ok = false;
      const auto problem = relay_url_problem(*text, scheme_ok);
      if (!scheme_ok) {
        d.error(url->pos, {"relay.url.scheme", {{"url", *text}}});
        ok = false;
      } else if (problem) {
        d.error(url->pos, {"relay.url.bad", {{"url", *text}, {"why", *problem}}});
        ok = false;
      }
      item.ref = *text;
    } else {
      ok = false;
    }
  } else {
    const YamlNode* id = r.get("input");
    if (auto text = id != nullptr ? read_text(*id, "input", d) : std::nullopt) {
      item.ref = *text;
      if (s.input(*text) == nullptr) {
        std::vector<std::string> ids;
        for (const auto& i : s.audio.inputs) ids.push_back(i.id);
        d.error(id->pos, {"input.unknown", {{"input", *text}, suggestion(*text, ids)}});
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  read_length(r, n, item, d);
  if (const auto* v = r.get("dead_air")) {
    if (auto dead = read_duration(*v, "dead_air", d)) {
      if (dead->count() <= 0) {
        d.error(v->pos, "live.dead_air.zero");
      } else {
        item.live.dead_air = *dead;
      }
    }
  }
  if (const auto* v = r.get("preroll")) {
    if (auto preroll = read_duration(*v, "preroll", d)) {
      if (*preroll > kMaxPreroll) {
        d.error(v->pos, {"live.preroll.too_long", {{"text", v->value}}});
      } else {
        item.live.preroll = *preroll;
      }
    }
  }
  if (const auto* v = r.get("return")) {
    if (auto c = read_choice(*v, "return", {"now", "end"}, d)) item.live.return_now = *c == "now";
  }
  if (const auto* v = r.get("fallback")) read_fallback(*v, item, s, d);
  // Kept with a bad length (its fallback is still checked); a station with errors never airs.
  if (!ok) return std::nullopt;
  if (!item.live.length && !item.live.until) item.live.length = std::chrono::seconds(1);
  return item;
}

}  // namespace loa
