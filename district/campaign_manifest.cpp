#include "loa/campaign_manifest.hpp"

#include <nlohmann/json.hpp>
#include <set>

namespace loa {
using nlohmann::json;

bool is_campaign_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool is_safe_clip_name(std::string_view name) {
  if (name.empty() || name.size() > 1024 || name.front() == '/') return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    const std::string_view part = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == ".." || part.size() > 255) return false;
    for (unsigned char c : part) {
      if (c < 0x20 || c == 0x7f || c == '\\') return false;
    }
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

namespace {

bool is_sha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

json file_json(const BundleFile& f) {
  json j = {{"sha256", f.sha256}, {"bytes", f.bytes}};
  if (!f.name.empty()) j["name"] = f.name;
  return j;
}

BundleFile file_from(const json& j, bool named, std::string_view what) {
  BundleFile f;
  if (!j.is_object())
    throw BundleRefused("the manifest's " + std::string(what) + " is not an object");
  if (named) {
    f.name = j.value("name", "");
    if (!is_safe_clip_name(f.name)) {
      throw BundleRefused("the manifest names a clip \"" + f.name +
                          "\" outside the campaign's folder (absolute, '..' or empty)");
    }
  }
  f.sha256 = j.value("sha256", "");
  if (!is_sha256(f.sha256)) {
    throw BundleRefused("the manifest's " + std::string(what) + " has no valid sha256");
  }
  if (!j.contains("bytes") || !j["bytes"].is_number_unsigned()) {
    throw BundleRefused("the manifest's " + std::string(what) + " has no size in bytes");
  }
  f.bytes = j["bytes"].get<std::uint64_t>();
  return f;
}

Date date_from(const json& j, const char* key) {
  std::string why;
  const auto d = j.contains(key) && j[key].is_string() ? parse_date(j[key].get<std::string>(), why)
                                                       : std::nullopt;
  if (!d) throw BundleRefused(std::string("the manifest's ") + key + " is not a date (YYYY-MM-DD)");
  return *d;
}

}  // namespace

std::string manifest_to_json(const CampaignManifest& m) {
  json clips = json::array();
  for (const auto& c : m.clips) clips.push_back(file_json(c));
  json j = {{"schema", m.schema},
            {"district", m.district},
            {"campaign", m.campaign},
            {"version", m.version},
            {"valid_from", format_date(m.valid_from)},
            {"valid_until", format_date(m.valid_until)},
            {"programme", file_json(m.programme)},
            {"clips", clips}};
  return j.dump(2) + "\n";
}

namespace {
CampaignManifest read_manifest(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw BundleRefused("the manifest is not valid JSON");
  CampaignManifest m;
  if (!j.contains("schema") || !j["schema"].is_number_integer()) {
    throw BundleRefused("the manifest has no schema number");
  }
  m.schema = j["schema"].get<int>();
  if (m.schema != kBundleSchema) {
    throw BundleRefused("the bundle uses schema " + std::to_string(m.schema) +
                        ", which this loa does not know (it reads schema " +
                        std::to_string(kBundleSchema) + "): update loa on this station");
  }
  m.district = j.value("district", "");
  m.campaign = j.value("campaign", "");
  if (!is_campaign_id(m.district)) throw BundleRefused("the manifest's district id is not valid");
  if (!is_campaign_id(m.campaign)) throw BundleRefused("the manifest's campaign id is not valid");
  if (!j.contains("version") || !j["version"].is_number_unsigned() ||
      j["version"].get<std::uint64_t>() == 0) {
    throw BundleRefused("the manifest's version is not a number from 1 up");
  }
  m.version = j["version"].get<std::uint64_t>();
  m.valid_from = date_from(j, "valid_from");
  m.valid_until = date_from(j, "valid_until");
  if (m.valid_until < m.valid_from)
    throw BundleRefused("the manifest's validity ends before it starts");
  m.programme = file_from(j.value("programme", json()), false, "programme");
  if (m.programme.bytes > kMaxProgrammeBytes)
    throw BundleRefused("the programme file is over 1 MiB");
  const json clips = j.value("clips", json::array());
  if (!clips.is_array()) throw BundleRefused("the manifest's clips are not a list");
  if (clips.size() > kMaxBundleClips) {
    throw BundleRefused("the bundle has " + std::to_string(clips.size()) + " clips, more than " +
                        std::to_string(kMaxBundleClips));
  }
  std::set<std::string> names;
  std::uint64_t total = 0;
  for (const auto& c : clips) {
    m.clips.push_back(file_from(c, true, "clip"));
    if (!names.insert(m.clips.back().name).second) {
      throw BundleRefused("the manifest names the clip \"" + m.clips.back().name + "\" twice");
    }
    total += m.clips.back().bytes;
    if (total > kMaxBundleBytes) throw BundleRefused("the bundle's clips are over 4 GiB in all");
  }
  return m;
}
}  // namespace

CampaignManifest manifest_from_json(std::string_view text) {
  try {
    return read_manifest(text);
  } catch (const nlohmann::json::exception&) {
    throw BundleRefused("the manifest has a field of the wrong type");
  }
}

}  // namespace loa
