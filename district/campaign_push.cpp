#include "loa/campaign_push.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "loa/yaml_tree.hpp"

namespace loa {

namespace {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error("cannot read " + file.string());
  return bytes;
}

std::string base64(const std::string& bytes) {
  return to_base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// A node in one line, as YAML's flow style would write it.
std::string one_line(const YamlNode& n) {
  switch (n.kind) {
    case YamlNode::Kind::null:
      return "~";
    case YamlNode::Kind::scalar:
      return n.plain ? n.value : "\"" + n.value + "\"";
    case YamlNode::Kind::sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        out += (i > 0 ? ", " : "") + one_line(n.items[i]);
      }
      return out + "]";
    }
    case YamlNode::Kind::mapping: {
      std::string out;
      for (std::size_t i = 0; i < n.entries.size(); ++i) {
        out += (i > 0 ? ", " : "") + n.entries[i].key.value + ": " + one_line(n.entries[i].value);
      }
      return out;
    }
  }
  return {};
}

}  // namespace

std::size_t chunk_count(std::uint64_t bytes) {
  return static_cast<std::size_t>((bytes + kClipChunkBytes - 1) / kClipChunkBytes);
}

std::vector<PushedCampaign::Slot> programme_slots(const std::string& programme_yaml) {
  std::vector<PushedCampaign::Slot> out;
  Diagnostics d;
  const auto root = load_yaml_text(programme_yaml, "programme.yaml", d);
  if (!root || !root->is_mapping()) return out;
  const YamlNode* programmes = root->find("programmes");
  if (programmes == nullptr || !programmes->is_sequence()) return out;
  for (const YamlNode& p : programmes->items) {
    if (!p.is_mapping()) continue;
    const YamlNode* id = p.find("id");
    const YamlNode* title = p.find("title");
    const YamlNode* slots = p.find("slots");
    if (id == nullptr || !id->is_scalar() || slots == nullptr || !slots->is_sequence()) continue;
    for (std::size_t i = 0; i < slots->items.size(); ++i) {
      const YamlNode& s = slots->items[i];
      std::string rule;
      if (s.is_mapping()) {
        for (const auto& e : s.entries) {
          if (e.key.value == "play") continue;  // what it plays is in the manifest
          rule += (rule.empty() ? "" : ", ") + e.key.value + ": " + one_line(e.value);
        }
      } else {
        rule = one_line(s);
      }
      out.push_back({id->value, title != nullptr && title->is_scalar() ? title->value : "",
                     static_cast<int>(i), rule});
    }
  }
  return out;
}

CampaignPush campaign_messages(const VerifiedBundle& bundle, const std::string& district,
                               UtcTime now) {
  const CampaignManifest& m = bundle.manifest;
  CampaignPush push;
  push.manifest = read_file(bundle.dir / "manifest.json");
  const std::string signature = read_file(bundle.dir / "manifest.sig");
  const std::string programme = read_file(bundle.dir / "programme.yaml");
  const nlohmann::json message = {{"schema", 1},
                                  {"campaign", m.campaign},
                                  {"version", m.version},
                                  {"manifest", base64(push.manifest)},
                                  {"signature", base64(signature)},
                                  {"programme", base64(programme)}};
  std::string payload = message.dump();
  if (payload.size() > kMaxCampaignMessageBytes) {
    throw BundleRefused("its campaign message would be " + std::to_string(payload.size()) +
                        " bytes, over the 4 MiB a station takes; make the programme smaller");
  }
  const std::string root = "loa/" + district + "/";
  std::vector<std::string> sent;
  for (const BundleFile& clip : m.clips) {
    if (std::find(sent.begin(), sent.end(), clip.sha256) != sent.end()) continue;
    sent.push_back(clip.sha256);
    const std::filesystem::path file = bundle.dir / "clips" / clip.sha256;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    const std::size_t chunks = chunk_count(clip.bytes);
    for (std::size_t n = 0; n < chunks; ++n) {
      std::string chunk(kClipChunkBytes, '\0');
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      chunk.resize(static_cast<std::size_t>(in.gcount()));
      if (in.bad()) throw std::runtime_error("cannot read " + file.string());
      push.clip_bytes += chunk.size();
      push.messages.push_back(
          {0, root + "clips/" + clip.sha256 + "/" + std::to_string(n), std::move(chunk), true});
    }
    push.clip_chunks += chunks;
  }
  // Last: the daemon publishes in this order, and a station that saw the campaign message before
  // the chunks would read older retained chunks under the same names (docs/district.md, Wire).
  push.messages.push_back({0, root + "campaigns/" + m.campaign, std::move(payload), true});
  push.campaign.campaign = m.campaign;
  push.campaign.version = m.version;
  push.campaign.valid_from = format_date(m.valid_from);
  push.campaign.valid_until = format_date(m.valid_until);
  push.campaign.pushed = now;
  push.campaign.signed_by = bundle.signed_by;
  push.campaign.slots = programme_slots(programme);
  return push;
}

}  // namespace loa
