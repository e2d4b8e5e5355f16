#include "loa/district_store.hpp"

#include <limits>
#include <nlohmann/json.hpp>

#include "district_store_schema.hpp"
#include "loa/district_config.hpp"

namespace loa {

namespace {

using nlohmann::json;

// Sizes a message may have before it is even parsed (docs/district.md, "Wire"): 200 rows of a
// few hundred bytes fit easily in 1 MiB; a heartbeat is well under 1 KiB.
constexpr std::size_t kMaxAsRunBytes = 1 << 20;
constexpr std::size_t kMaxHealthBytes = 64 << 10;
constexpr std::size_t kMaxTopicBytes = 256;
constexpr std::size_t kMaxRows = 200;
constexpr std::size_t kMaxZones = 64;
constexpr std::size_t kMaxProgrammeBytes = 256;
constexpr std::size_t kMaxTitleBytes = 1024;
constexpr std::size_t kMaxReasonBytes = 4096;

std::int64_t to_us(UtcTime t) {
  return t.time_since_epoch().count();
}
UtcTime from_us(std::int64_t us) {
  return UtcTime{Micros{us}};
}

[[noreturn]] void refuse(const std::string& why) {
  throw DistrictMessageRefused(why);
}

struct Topic {
  std::string district;
  std::string station;
  std::string kind;  // "as-run" or "health"
};

Topic parse_topic(std::string_view topic, const std::string& district) {
  if (topic.size() > kMaxTopicBytes) refuse("topic longer than 256 bytes");
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  while (true) {
    const auto slash = topic.find('/', from);
    parts.push_back(topic.substr(from, slash == std::string_view::npos ? slash : slash - from));
    if (slash == std::string_view::npos) break;
    from = slash + 1;
  }
  if (parts.size() != 5 || parts[0] != "loa" || parts[2] != "stations") {
    refuse("topic '" + std::string(topic) +
           "' is not loa/DISTRICT/stations/STATION/as-run or .../health");
  }
  Topic t{std::string(parts[1]), std::string(parts[3]), std::string(parts[4])};
  if (!is_wire_name(t.district)) refuse("district name in the topic is not [a-z0-9-]{1,64}");
  if (!district.empty() && t.district != district) {
    refuse("topic is for district '" + t.district + "', not this district ('" + district + "')");
  }
  if (!is_wire_name(t.station)) refuse("station name in the topic is not [a-z0-9-]{1,64}");
  if (t.kind != "as-run" && t.kind != "health") {
    refuse("unknown message kind '" + t.kind + "' (expected as-run or health)");
  }
  return t;
}

// The parsed payload, an object with schema 1 and the topic's station.
json parse_payload(std::string_view payload, const Topic& topic) {
  json j = json::parse(payload, nullptr, false);
  if (j.is_discarded()) refuse("payload is not valid JSON (UTF-8)");
  if (!j.is_object()) refuse("payload is not a JSON object");
  const auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_number_integer()) refuse("payload has no integer 'schema'");
  if (*schema != 1) refuse("unknown schema " + schema->dump() + " (this loa reads schema 1)");
  const auto station = j.find("station");
  if (station == j.end() || !station->is_string()) refuse("payload has no 'station'");
  const auto& name = station->get_ref<const std::string&>();
  if (name != topic.station) {
    refuse("payload says station '" + (is_wire_name(name) ? name : std::string("(invalid)")) +
           "' but the topic is station '" + topic.station + "'");
  }
  return j;
}

// Field readers for one row: each throws the reason, named by field.
const json& field(const json& o, const char* name) {
  const auto it = o.find(name);
  if (it == o.end()) refuse(std::string("no '") + name + "'");
  return *it;
}

std::int64_t integer_field(const json& o, const char* name, std::int64_t min, std::int64_t max) {
  const json& v = field(o, name);
  std::int64_t n = 0;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) refuse(std::string("'") + name + "' is out of range");
    n = static_cast<std::int64_t>(u);
  } else if (v.is_number_integer()) {
    n = v.get<std::int64_t>();
  } else {
    refuse(std::string("'") + name + "' is not a whole number");
  }
  if (n < min || n > max) refuse(std::string("'") + name + "' is out of range");
  return n;
}

std::string text_field(const json& o, const char* name, std::size_t max_bytes, bool required) {
  const auto it = o.find(name);
  if (it == o.end() || (!required && it->is_null())) {
    if (required) refuse(std::string("no '") + name + "'");
    return {};
  }
  if (!it->is_string()) refuse(std::string("'") + name + "' is not text");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    refuse(std::string("'") + name + "' is longer than " + std::to_string(max_bytes) + " bytes");
  }
  return s;
}

std::optional<UtcTime> time_field(const json& o, const char* name, bool required) {
  const auto it = o.find(name);
  if (it == o.end() || it->is_null()) {
    if (required) refuse(std::string("no '") + name + "'");
    return std::nullopt;
  }
  if (!it->is_string()) refuse(std::string("'") + name + "' is not a time");
  const auto t = parse_wire_time(it->get_ref<const std::string&>());
  if (!t) refuse(std::string("'") + name + "' is not an RFC 3339 time");
  return t;
}

bool is_status(std::string_view s) {
  return s == "playing" || s == "aired" || s == "interrupted" || s == "failed" || s == "missed" ||
         s == "cut";
}

// "campaign/ID/..." names campaign ID; any other programme no campaign.
std::string campaign_of(const std::string& programme) {
  constexpr std::string_view prefix = "campaign/";
  if (!programme.starts_with(prefix)) return {};
  const auto slash = programme.find('/', prefix.size());
  if (slash == std::string::npos)
    refuse("programme '" + programme + "' names no campaign programme");
  std::string id = programme.substr(prefix.size(), slash - prefix.size());
  if (!is_wire_name(id)) refuse("programme '" + programme + "' names an invalid campaign id");
  return id;
}

CommuneAsRunRow read_row(const json& r, const std::string& station) {
  if (!r.is_object()) refuse("not a JSON object");
  CommuneAsRunRow row;
  row.station = station;
  row.seq = integer_field(r, "seq", 1, std::numeric_limits<std::int64_t>::max());
  row.broadcast = integer_field(r, "broadcast", 1, std::numeric_limits<std::int64_t>::max());
  row.programme = text_field(r, "programme", kMaxProgrammeBytes, true);
  if (row.programme.empty()) refuse("'programme' is empty");
  row.campaign = campaign_of(row.programme);
  row.slot = static_cast<int>(integer_field(r, "slot", -1, 100000));
  row.scheduled = *time_field(r, "scheduled", true);
  row.title = text_field(r, "title", kMaxTitleBytes, false);
  row.reference = text_field(r, "reference", kMaxProgrammeBytes, false);
  if (const auto z = r.find("zones"); z != r.end() && !z->is_null()) {
    if (!z->is_array()) refuse("'zones' is not a list");
    if (z->size() > kMaxZones) refuse("'zones' lists more than 64 zones");
    for (const auto& zone : *z) {
      if (!zone.is_string() || zone.get_ref<const std::string&>().empty() ||
          zone.get_ref<const std::string&>().size() > 64) {
        refuse("'zones' holds something that is not a zone name");
      }
      row.zones.push_back(zone.get<std::string>());
    }
  }
  row.priority = static_cast<int>(integer_field(r, "priority", 0, 100));
  row.start = time_field(r, "start", false);
  row.end = time_field(r, "end", false);
  row.status = text_field(r, "status", 16, true);
  if (!is_status(row.status))
    refuse("'status' is not one of playing, aired, interrupted, failed, missed, cut");
  row.reason = text_field(r, "reason", kMaxReasonBytes, false);
  return row;
}

void check_health(const json& j) {
  const std::string state = text_field(j, "state", 16, true);
  if (state != "up" && state != "gone") refuse("'state' is neither up nor gone");
  if (state == "gone") return;
  time_field(j, "time", true);
  text_field(j, "version", 64, false);
  text_field(j, "last_error", kMaxReasonBytes, false);
  if (const auto a = j.find("on_air"); a != j.end() && !a->is_null()) {
    if (!a->is_array() || a->size() > 64) refuse("'on_air' is not a list of broadcasts");
    for (const auto& b : *a) {
      if (!b.is_object()) refuse("'on_air' holds something that is not a broadcast");
      text_field(b, "programme", kMaxProgrammeBytes, false);
      text_field(b, "title", kMaxTitleBytes, false);
      time_field(b, "since", false);
    }
  }
  if (const auto n = j.find("next"); n != j.end() && !n->is_null()) {
    if (!n->is_object()) refuse("'next' is not a broadcast");
    text_field(*n, "programme", kMaxProgrammeBytes, false);
    text_field(*n, "title", kMaxTitleBytes, false);
    time_field(*n, "at", false);
  }
  if (const auto c = j.find("campaigns"); c != j.end() && !c->is_null()) {
    if (!c->is_array() || c->size() > 1000) refuse("'campaigns' is not a list of campaigns");
    for (const auto& h : *c) {
      if (!h.is_object()) refuse("'campaigns' holds something that is not a campaign");
      if (!is_wire_name(text_field(h, "campaign", 64, true)))
        refuse("'campaigns' names an invalid campaign id");
      integer_field(h, "version", 1, std::numeric_limits<std::int64_t>::max());
    }
  }
}

std::string zones_json(const std::vector<std::string>& zones) {
  return json(zones).dump();
}

std::vector<std::string> zones_of(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& z : j) {
      if (z.is_string()) out.push_back(z.get<std::string>());
    }
  }
  return out;
}

// SQLite makes the file but not its folder. A failure here is said when the file cannot open.
void make_folder(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
}

}  // namespace

struct DistrictStore::Impl {
  Impl(const std::filesystem::path& file, std::string d, Access access)
      : db(access == Access::read ? file : (make_folder(file), file),
           access == Access::read
               ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX),
        district(std::move(d)) {
    if (access == Access::read) {
      check_district_db(db);
      return;
    }
    prepare_district_db(db);
    upsert_row = std::make_unique<sqlite::Statement>(db, R"sql(
      INSERT INTO as_run(station, broadcast, seq, programme, campaign, slot, scheduled_us, title,
                         reference, zones, priority, start_us, end_us, status, reason, received_us)
      VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
      ON CONFLICT(station, broadcast) DO UPDATE SET
        seq = excluded.seq, programme = excluded.programme, campaign = excluded.campaign,
        slot = excluded.slot, scheduled_us = excluded.scheduled_us, title = excluded.title,
        reference = excluded.reference, zones = excluded.zones, priority = excluded.priority,
        start_us = excluded.start_us, end_us = excluded.end_us, status = excluded.status,
        reason = excluded.reason, received_us = excluded.received_us
      WHERE excluded.seq > as_run.seq)sql");
    upsert_station = std::make_unique<sqlite::Statement>(db, R"sql(
      INSERT INTO stations(station, max_seq, last_as_run_us) VALUES(?1, ?2, ?3)
      ON CONFLICT(station) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq),
                                         last_as_run_us = excluded.last_as_run_us)sql");
  }

  sqlite::Db db;
  std::string district;
  std::unique_ptr<sqlite::Statement> upsert_row;
  std::unique_ptr<sqlite::Statement> upsert_station;

  void ingest_as_run(const Topic& topic, const json& j, UtcTime received) {
    if (!upsert_row) throw std::runtime_error(db.file().string() + " is open read-only");
    const auto rows = j.find("rows");
    if (rows == j.end() || !rows->is_array()) refuse("as-run payload has no 'rows' list");
    if (rows->size() > kMaxRows) refuse("more than 200 rows in one message");
    std::vector<CommuneAsRunRow> good;
    std::string refused;
    std::size_t refused_count = 0;
    for (std::size_t i = 0; i < rows->size(); ++i) {
      try {
        good.push_back(read_row((*rows)[i], topic.station));
      } catch (const DistrictMessageRefused& e) {
        if (refused_count++ == 0) refused = "row " + std::to_string(i) + ": " + e.what();
      }
    }
    if (!good.empty()) {
      sqlite::Transaction t(db, sqlite::Transaction::Kind::write);
      std::int64_t max_seq = 0;
      for (const CommuneAsRunRow& r : good) {
        max_seq = std::max(max_seq, r.seq);
        upsert_row->exec(r.station, r.broadcast, r.seq, r.programme, r.campaign, r.slot,
                         to_us(r.scheduled), r.title, r.reference, zones_json(r.zones), r.priority,
                         r.start ? std::optional<std::int64_t>(to_us(*r.start)) : std::nullopt,
                         r.end ? std::optional<std::int64_t>(to_us(*r.end)) : std::nullopt,
                         r.status, r.reason, to_us(received));
      }
      upsert_station->exec(topic.station, max_seq, to_us(received));
      t.commit();
    }
    if (refused_count > 0) {
      refuse(std::to_string(refused_count) + " of " + std::to_string(rows->size()) +
             " rows refused (the others are stored); the first, " + refused);
    }
  }

  void ingest_health(const Topic& topic, const json& j, std::string_view payload,
                     UtcTime received) {
    check_health(j);
    const bool up = j.at("state") == "up";
    sqlite::Transaction t(db, sqlite::Transaction::Kind::write);
    // The same bytes again are the broker handing back its retained copy (the daemon
    // reconnected): the station was not heard from now.
    sqlite::Statement same(db, "SELECT payload = ?2 AND state = ?3 FROM health WHERE station = ?1");
    {
      auto r = same.query(topic.station, payload, up ? "up" : "gone");
      if (r.next() && r.integer(0) == 1) return;
    }
    if (up) {
      sqlite::Statement s(db, R"sql(
        INSERT INTO health(station, state, received_us, last_up_us, payload)
        VALUES(?1, 'up', ?2, ?2, ?3)
        ON CONFLICT(station) DO UPDATE SET state = 'up', received_us = ?2, last_up_us = ?2,
                                           payload = ?3)sql");
      s.exec(topic.station, to_us(received), payload);
    } else {
      sqlite::Statement s(db, R"sql(
        INSERT INTO health(station, state, received_us, last_up_us, payload)
        VALUES(?1, 'gone', ?2, NULL, '')
        ON CONFLICT(station) DO UPDATE SET state = 'gone', received_us = ?2)sql");
      s.exec(topic.station, to_us(received));
    }
    t.commit();
  }
};

DistrictStore::DistrictStore(const std::filesystem::path& file, std::string district, Access access)
    : impl_(std::make_unique<Impl>(file, std::move(district), access)) {}

DistrictStore::~DistrictStore() = default;

const std::filesystem::path& DistrictStore::file() const {
  return impl_->db.file();
}

void DistrictStore::ingest(std::string_view topic, std::string_view payload, UtcTime received) {
  const Topic t = parse_topic(topic, impl_->district);
  const std::size_t limit = t.kind == "as-run" ? kMaxAsRunBytes : kMaxHealthBytes;
  if (payload.size() > limit) {
    refuse(t.kind + " payload of " + std::to_string(payload.size()) + " bytes is over the " +
           std::to_string(limit) + " a station may send");
  }
  const json j = parse_payload(payload, t);
  if (t.kind == "as-run") {
    impl_->ingest_as_run(t, j, received);
  } else {
    impl_->ingest_health(t, j, payload, received);
  }
}

std::vector<OutgoingMessage> DistrictStore::pending_pushes(std::int64_t after, std::int64_t limit) {
  sqlite::Statement s(impl_->db,
                      "SELECT id, topic, payload, retained FROM pushes WHERE pushed_us IS NULL "
                      "AND id > ?1 ORDER BY id LIMIT ?2");
  std::vector<OutgoingMessage> out;
  auto r = s.query(after, limit);
  while (r.next()) out.push_back({r.integer(0), r.text(1), r.text(2), r.integer(3) != 0});
  return out;
}

void DistrictStore::mark_pushed(std::int64_t id) {
  sqlite::Statement s(impl_->db, "UPDATE pushes SET pushed_us = ?2 WHERE id = ?1");
  s.exec(id, to_us(std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now())));
}

std::size_t DistrictStore::record_push(const PushedCampaign& c, const std::string& manifest,
                                       const std::vector<OutgoingMessage>& messages) {
  auto& db = impl_->db;
  sqlite::Transaction t(db, sqlite::Transaction::Kind::write);
  {
    sqlite::Statement held(db,
                           "SELECT manifest FROM campaigns WHERE campaign = ?1 AND version = ?2");
    auto r = held.query(c.campaign, static_cast<std::int64_t>(c.version));
    if (r.next() && r.text(0) != manifest) {
      throw std::runtime_error("campaign " + c.campaign + " version " + std::to_string(c.version) +
                               " was already pushed with other contents; stations would refuse "
                               "it: sign it again with a higher version");
    }
  }
  sqlite::Statement campaign(db, R"sql(
    INSERT INTO campaigns(campaign, version, valid_from, valid_until, pushed_us, signed_by, manifest)
    VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
    ON CONFLICT(campaign, version) DO UPDATE SET pushed_us = excluded.pushed_us)sql");
  campaign.exec(c.campaign, static_cast<std::int64_t>(c.version), c.valid_from, c.valid_until,
                to_us(c.pushed), c.signed_by, manifest);
  sqlite::Statement slot(db, R"sql(
    INSERT OR REPLACE INTO campaign_slots(campaign, version, programme, title, slot, rule)
    VALUES(?1, ?2, ?3, ?4, ?5, ?6))sql");
  for (const auto& s : c.slots) {
    slot.exec(c.campaign, static_cast<std::int64_t>(c.version), s.programme, s.title, s.slot,
              s.rule);
  }
  sqlite::Statement seen(db, "SELECT 1 FROM pushes WHERE topic = ?1 LIMIT 1");
  sqlite::Statement push(db, R"sql(
    INSERT INTO pushes(topic, payload, retained, recorded_us) VALUES(?1, CAST(?2 AS BLOB), ?3, ?4))sql");
  std::size_t recorded = 0;
  for (const auto& m : messages) {
    if (m.topic.find("/clips/") != std::string::npos) {
      auto r = seen.query(m.topic);
      if (r.next()) continue;
    }
    push.exec(m.topic, std::string_view(m.payload), m.retained ? 1 : 0, to_us(c.pushed));
    ++recorded;
  }
  t.commit();
  return recorded;
}

std::vector<CommuneHealth> DistrictStore::health() {
  sqlite::Statement s(impl_->db,
                      "SELECT station, state, received_us, last_up_us, payload FROM health "
                      "ORDER BY station");
  std::vector<CommuneHealth> out;
  auto r = s.query();
  while (r.next()) {
    CommuneHealth h;
    h.station = r.text(0);
    h.state = r.text(1);
    h.received = from_us(r.integer(2));
    if (auto up = r.optional_integer(3)) h.last_up = from_us(*up);
    h.payload = r.text(4);
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<PushedCampaign> DistrictStore::campaigns() {
  sqlite::Statement s(impl_->db, R"sql(
    SELECT campaign, version, valid_from, valid_until, pushed_us, signed_by FROM campaigns c
    WHERE version = (SELECT max(version) FROM campaigns WHERE campaign = c.campaign)
    ORDER BY campaign)sql");
  sqlite::Statement slots(impl_->db, R"sql(
    SELECT programme, title, slot, rule FROM campaign_slots WHERE campaign = ?1 AND version = ?2
    ORDER BY programme, slot)sql");
  std::vector<PushedCampaign> out;
  auto r = s.query();
  while (r.next()) {
    PushedCampaign c;
    c.campaign = r.text(0);
    c.version = static_cast<std::uint64_t>(r.integer(1));
    c.valid_from = r.text(2);
    c.valid_until = r.text(3);
    c.pushed = from_us(r.integer(4));
    c.signed_by = r.text(5);
    auto sr = slots.query(c.campaign, r.integer(1));
    while (sr.next()) {
      c.slots.push_back({sr.text(0), sr.text(1), static_cast<int>(sr.integer(2)), sr.text(3)});
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<CommuneAsRunRow> DistrictStore::as_run(std::string_view station, UtcTime from,
                                                   UtcTime to) {
  sqlite::Statement s(impl_->db, R"sql(
    SELECT broadcast, seq, programme, campaign, slot, scheduled_us, title, reference, zones,
           priority, start_us, end_us, status, reason
    FROM as_run WHERE station = ?1 AND scheduled_us >= ?2 AND scheduled_us < ?3
    ORDER BY scheduled_us, broadcast)sql");
  std::vector<CommuneAsRunRow> out;
  auto r = s.query(station, to_us(from), to_us(to));
  while (r.next()) {
    CommuneAsRunRow row;
    row.station = std::string(station);
    row.broadcast = r.integer(0);
    row.seq = r.integer(1);
    row.programme = r.text(2);
    row.campaign = r.text(3);
    row.slot = static_cast<int>(r.integer(4));
    row.scheduled = from_us(r.integer(5));
    row.title = r.text(6);
    row.reference = r.text(7);
    row.zones = zones_of(r.text(8));
    row.priority = static_cast<int>(r.integer(9));
    if (auto v = r.optional_integer(10)) row.start = from_us(*v);
    if (auto v = r.optional_integer(11)) row.end = from_us(*v);
    row.status = r.text(12);
    row.reason = r.text(13);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<AsRunCount> DistrictStore::campaign_counts(UtcTime from, UtcTime to) {
  sqlite::Statement s(impl_->db, R"sql(
    SELECT station, campaign, status, count(*),
           sum(CASE WHEN end_us > start_us THEN end_us - start_us ELSE 0 END)
    FROM as_run INDEXED BY as_run_campaigns
    WHERE campaign != '' AND scheduled_us >= ?1 AND scheduled_us < ?2
    GROUP BY campaign, station, status)sql");
  std::vector<AsRunCount> out;
  auto r = s.query(to_us(from), to_us(to));
  while (r.next()) {
    out.push_back({r.text(0), r.text(1), r.text(2), r.integer(3), Micros{r.integer(4)}});
  }
  return out;
}

std::int64_t DistrictStore::as_run_rows() {
  return impl_->db.query_int("SELECT count(*) FROM as_run");
}

}  // namespace loa
