#include "loa/district_status.hpp"

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "loa/station_time.hpp"

namespace loa {

namespace {

using nlohmann::json;

std::string local_text(UtcTime t, const date::time_zone* zone) {
  const auto s = std::chrono::floor<std::chrono::seconds>(t);
  return date::format("%F %T", date::make_zoned(zone, s).get_local_time());
}

std::optional<UtcTime> time_in(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return parse_wire_time(it->get_ref<const std::string&>());
}

std::string text_in(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// What the last heartbeat said (the store checked its shape when it took it).
void read_heartbeat(const std::string& payload, std::optional<UtcTime> received, CommuneStatus& c,
                    std::map<std::string, std::uint64_t>& held) {
  const json j = json::parse(payload, nullptr, false);
  if (!j.is_object()) return;
  if (const auto sent = time_in(j, "time"); sent && received) {
    c.clock_offset_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(*sent - *received).count();
  }
  c.version = text_in(j, "version");
  c.last_error = text_in(j, "last_error");
  if (const auto a = j.find("on_air"); a != j.end() && a->is_array()) {
    for (const auto& b : *a) {
      if (b.is_object())
        c.on_air.push_back({text_in(b, "programme"), text_in(b, "title"), time_in(b, "since")});
    }
  }
  if (const auto n = j.find("next"); n != j.end() && n->is_object()) {
    c.next =
        CommuneStatus::OnAir{text_in(*n, "programme"), text_in(*n, "title"), time_in(*n, "at")};
  }
  if (const auto h = j.find("campaigns"); h != j.end() && h->is_array()) {
    for (const auto& k : *h) {
      const auto v = k.is_object() ? k.find("version") : k.end();
      if (v != k.end() && v->is_number_unsigned())
        held[text_in(k, "campaign")] = v->get<std::uint64_t>();
    }
  }
}

}  // namespace

std::vector<CommuneStatus> district_status(const DistrictConfig& config, DistrictStore& store,
                                           UtcTime now) {
  std::vector<CommuneStatus> out;
  const auto add = [&](const std::string& id, const std::string& name, bool listed) {
    CommuneStatus c;
    c.id = id;
    c.name = name;
    c.listed = listed;
    out.push_back(std::move(c));
  };
  for (const auto& c : config.communes) add(c.id, c.name, true);
  const auto find = [&](const std::string& id) -> CommuneStatus& {
    for (auto& c : out) {
      if (c.id == id) return c;
    }
    add(id, id, false);
    return out.back();
  };
  const auto pushed = store.campaigns();
  std::map<std::string, std::map<std::string, std::uint64_t>> held;
  for (const auto& h : store.health()) {
    CommuneStatus& c = find(h.station);
    c.last_heartbeat = h.last_up;
    if (h.state == "gone") {
      c.state = "gone";
      c.since = h.received;
    } else if (h.last_up && now - *h.last_up <= kSilentAfter) {
      c.state = "up";
      c.since = h.last_up;
    } else {
      c.state = "silent";
      c.since = h.last_up;
    }
    if (!h.payload.empty()) read_heartbeat(h.payload, h.last_up, c, held[h.station]);
    if (c.state != "up") {  // what it said it was airing is no longer known
      c.on_air.clear();
      c.next.reset();
    }
  }
  const date::local_days today{local_date(now, config.zone)};
  const UtcTime day_start = resolve_local(today, config.zone);
  const UtcTime day_end = resolve_local(today + date::days{1}, config.zone);
  for (auto& c : out) {
    for (const auto& row : store.as_run(c.id, day_start, day_end)) {
      if (row.status == "missed") ++c.missed_today;
    }
    const auto& mine = held[c.id];
    for (const auto& p : pushed) {
      const auto h = mine.find(p.campaign);
      c.campaigns.push_back({p.campaign, p.version, h == mine.end() ? 0 : h->second});
    }
    for (const auto& entry : mine) {  // not a structured binding: clang 14 cannot capture one
      const bool known =
          std::ranges::any_of(pushed, [&](const auto& p) { return p.campaign == entry.first; });
      if (!known) c.campaigns.push_back({entry.first, 0, entry.second});
    }
  }
  return out;
}

void print_status_text(std::ostream& out, const DistrictConfig& config,
                       const std::vector<CommuneStatus>& communes, UtcTime now, Language lang) {
  int up = 0;
  for (const auto& c : communes) up += c.state == "up" ? 1 : 0;
  out << (config.name.empty() ? config.id : config.name + " (" + config.id + ")") << '\n'
      << Message{"district_status.heading",
                 {{"time", local_text(now, config.zone)},
                  {"timezone", config.timezone},
                  {"up", up},
                  {"communes", communes.size()}}}
             .text(lang)
      << "\n";
  const auto when = [&](const std::optional<UtcTime>& t) {
    return t ? local_text(*t, config.zone) : std::string("?");
  };
  for (const auto& c : communes) {
    out << '\n' << c.name << " (" << c.id << ")  ";
    if (c.state == "up") {
      out << Message{"district_status.up", {{"time", when(c.last_heartbeat)}}}.text(lang);
    } else if (c.state == "silent") {
      out << Message{"district_status.silent", {{"time", when(c.since)}}}.text(lang);
    } else if (c.state == "gone") {
      out << Message{"district_status.gone", {{"time", when(c.since)}}}.text(lang);
    } else {
      out << Message{"district_status.unknown"}.text(lang);
    }
    if (!c.listed) out << Message{"district_status.not_listed"}.text(lang);
    out << '\n';
    for (const auto& a : c.on_air) {
      out << "  "
          << Message{"district_status.on_air",
                     {{"title", a.title.empty() ? a.programme : a.title},
                      {"programme", a.programme},
                      {"time", when(a.at)}}}
                 .text(lang)
          << '\n';
    }
    if (c.next) {
      out << "  "
          << Message{"district_status.next",
                     {{"title", c.next->title.empty() ? c.next->programme : c.next->title},
                      {"programme", c.next->programme},
                      {"time", when(c.next->at)}}}
                 .text(lang)
          << '\n';
    }
    out << "  " << Message{"district_status.missed_today", {{"missed", c.missed_today}}}.text(lang)
        << '\n';
    for (const auto& k : c.campaigns) {
      Message m;
      if (k.pushed == 0) {
        m = Message{"district_status.campaign.not_pushed",
                    {{"campaign", k.campaign}, {"held", k.held}}};
      } else if (k.held == k.pushed) {
        m = Message{"district_status.campaign.held",
                    {{"campaign", k.campaign}, {"version", k.pushed}}};
      } else if (k.held == 0) {
        m = Message{"district_status.campaign.not_held",
                    {{"campaign", k.campaign}, {"version", k.pushed}}};
      } else {
        m = Message{"district_status.campaign.older",
                    {{"campaign", k.campaign}, {"version", k.pushed}, {"held", k.held}}};
      }
      out << "  " << m.text(lang) << '\n';
    }
    if (c.clock_offset_ms &&
        std::chrono::milliseconds(std::abs(*c.clock_offset_ms)) >= kClockWorthChecking) {
      const std::vector<MessageParam> seconds{
          {"seconds", (std::abs(*c.clock_offset_ms) + 500) / 1000}};
      const Message m = *c.clock_offset_ms > 0 ? Message{"district_status.clock_ahead", seconds}
                                               : Message{"district_status.clock_behind", seconds};
      out << "  " << m.text(lang) << '\n';
    }
    if (!c.last_error.empty()) {
      out << "  " << Message{"district_status.last_error", {{"error", c.last_error}}}.text(lang)
          << '\n';
    }
  }
}

void print_status_json(std::ostream& out, const DistrictConfig& config,
                       const std::vector<CommuneStatus>& communes, UtcTime now) {
  const auto t = [](const std::optional<UtcTime>& v) {
    return v ? json(format_wire_time(*v)) : json(nullptr);
  };
  json list = json::array();
  for (const auto& c : communes) {
    json on_air = json::array();
    for (const auto& a : c.on_air) {
      on_air.push_back({{"programme", a.programme}, {"title", a.title}, {"since", t(a.at)}});
    }
    json campaigns = json::array();
    for (const auto& k : c.campaigns) {
      campaigns.push_back({{"campaign", k.campaign},
                           {"pushed_version", k.pushed == 0 ? json(nullptr) : json(k.pushed)},
                           {"held_version", k.held == 0 ? json(nullptr) : json(k.held)}});
    }
    list.push_back(
        {{"id", c.id},
         {"name", c.name},
         {"listed", c.listed},
         {"state", c.state},
         {"since", t(c.since)},
         {"last_heartbeat", t(c.last_heartbeat)},
         {"version", c.version},
         {"on_air", std::move(on_air)},
         {"next", c.next ? json{{"programme", c.next->programme},
                                {"title", c.next->title},
                                {"at", t(c.next->at)}}
                         : json(nullptr)},
         {"missed_today", c.missed_today},
         {"campaigns", std::move(campaigns)},
         {"last_error", c.last_error},
         {"clock_offset_ms", c.clock_offset_ms ? json(*c.clock_offset_ms) : json(nullptr)}});
  }
  const json j = {{"district", config.id},
                  {"name", config.name},
                  {"timezone", config.timezone},
                  {"time", format_wire_time(now)},
                  {"communes", std::move(list)}};
  out << j.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace loa
