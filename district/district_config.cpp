#include "loa/district_config.hpp"

#include <charconv>

#include "loa/campaign_manifest.hpp"
#include "loa/yaml_read.hpp"
#include "loa/yaml_tree.hpp"

namespace loa {

bool is_wire_name(std::string_view name) {
  return is_campaign_id(name);
}

const Commune* DistrictConfig::commune(std::string_view station) const {
  for (const auto& c : communes) {
    if (c.id == station) return &c;
  }
  return nullptr;
}

namespace {

std::filesystem::path relative_to(const std::filesystem::path& file, const std::string& p) {
  std::filesystem::path path(p);
  return path.is_absolute() ? path : file.parent_path() / path;
}

// "mqtts://HOST:PORT" (TLS only: station passwords and campaigns never travel in clear).
bool parse_broker(const std::string& text, std::string& host, int& port) {
  constexpr std::string_view scheme = "mqtts://";
  if (!text.starts_with(scheme)) return false;
  std::string_view rest = std::string_view(text).substr(scheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  const auto colon = rest.rfind(':');
  std::string_view h = rest;
  port = 8883;
  if (colon != std::string_view::npos) {
    h = rest.substr(0, colon);
    const std::string_view p = rest.substr(colon + 1);
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc{} || end != p.data() + p.size() || port < 1 || port > 65535) return false;
  }
  if (h.empty() || h.find_first_of("/@ ?#") != std::string_view::npos) return false;
  host = std::string(h);
  return true;
}

void read_district(const YamlNode& n, DistrictConfig& c, Diagnostics& d) {
  MapReader r(n, "district", {"id", "name", "timezone", "broker", "credentials", "database", "key"},
              d);
  if (!r.ok()) return;
  if (const auto* v = r.require("id")) {
    if (auto id = read_text(*v, "district id", d)) {
      c.id = *id;
      if (!is_wire_name(*id)) d.error(v->pos, {"district.bad_id", {{"id", *id}}});
    }
  }
  if (const auto* v = r.get("name")) c.name = read_text(*v, "district name", d).value_or("");
  if (const auto* v = r.get("timezone")) {
    if (auto name = read_text(*v, "timezone", d)) {
      c.timezone = *name;
      c.zone = nullptr;
      try {
        c.zone = date::locate_zone(*name);
      } catch (const std::exception&) {
        d.error(v->pos, {"station.time_zone.unknown", {{"name", *name}, {"suggestion", ""}}});
      }
    }
  }
  if (const auto* v = r.require("broker")) {
    if (auto b = read_text(*v, "broker", d)) {
      c.broker = *b;
      if (!parse_broker(*b, c.broker_host, c.broker_port)) {
        d.error(v->pos, {"district_file.bad_broker", {{"text", *b}}});
      }
    }
  }
  const auto path = [&](std::string_view key, std::string_view what, std::filesystem::path& into) {
    if (const auto* v = r.require(key)) {
      if (auto p = read_text(*v, what, d)) into = relative_to(c.file, *p);
    }
  };
  path("credentials", "credentials file", c.credentials);
  path("database", "database file", c.database);
  path("key", "signing key file", c.key);
}

void read_communes(const YamlNode& n, DistrictConfig& c, Diagnostics& d) {
  for (const YamlNode* item : read_list(n, "communes", false, d)) {
    MapReader r(*item, "commune", {"id", "name"}, d);
    if (!r.ok()) continue;
    const auto* id = r.require("id");
    if (id == nullptr) continue;
    auto text = read_text(*id, "commune id", d);
    if (!text) continue;
    if (!is_wire_name(*text)) {
      d.error(id->pos, {"commune.bad_id", {{"id", *text}}});
      continue;
    }
    if (const Commune* first = c.commune(*text)) {
      d.error(id->pos, {"commune.duplicate", {{"id", *text}, {"line", first->pos.line}}});
      continue;
    }
    Commune commune{*text, *text, item->pos};
    if (const auto* v = r.get("name"))
      commune.name = read_text(*v, "commune name", d).value_or(*text);
    c.communes.push_back(std::move(commune));
  }
}

// control: {listen: "127.0.0.1:8687", tls_cert: ..., tls_key: ...}: the district's page.
void read_control(const YamlNode& n, DistrictConfig& c, Diagnostics& d) {
  MapReader r(n, "control", {"listen", "tls_cert", "tls_key"}, d);
  if (!r.ok()) return;
  c.control_listen = "127.0.0.1:8687";
  if (const auto* v = r.get("listen")) {
    c.control_listen = read_text(*v, "control listen address", d).value_or(c.control_listen);
  }
  if (const auto* v = r.get("tls_cert")) {
    if (auto p = read_text(*v, "TLS certificate file", d))
      c.control_tls_cert = relative_to(c.file, *p);
  }
  if (const auto* v = r.get("tls_key")) {
    if (auto p = read_text(*v, "TLS key file", d)) c.control_tls_key = relative_to(c.file, *p);
  }
}

}  // namespace

DistrictConfig load_district_config(const std::filesystem::path& file, Diagnostics& d) {
  DistrictConfig c;
  c.file = file;
  try {
    c.zone = date::locate_zone(c.timezone);
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): reported if it is ever used
  }
  auto root = load_yaml_file(file, file.string(), d);
  if (!root) return c;
  if (root->is_null()) {
    d.error(root->pos, "district_file.empty");
    return c;
  }
  MapReader r(*root, "district file", {"district", "communes", "control"}, d);
  if (!r.ok()) return c;
  if (const auto* v = r.require("district")) read_district(*v, c, d);
  if (const auto* v = r.get("communes")) {
    read_communes(*v, c, d);
  }
  if (const auto* v = r.get("control")) read_control(*v, c, d);
  if (c.communes.empty() && !d.has_errors()) d.warning(root->pos, "district_file.no_communes");
  return c;
}

}  // namespace loa
