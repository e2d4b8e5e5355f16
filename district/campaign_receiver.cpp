#include "loa/campaign_receiver.hpp"

#include <fstream>

#include "loa/campaign_bundle.hpp"
#include "loa/campaign_store.hpp"
#include "loa/district_wire.hpp"

namespace loa {

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& file, std::string_view bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string() + " (is the disk full?)");
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool is_sha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::size_t chunk_count(std::uint64_t bytes) {
  return static_cast<std::size_t>((bytes + kClipChunkBytes - 1) / kClipChunkBytes);
}

}  // namespace

CampaignReceiver::CampaignReceiver(fs::path state, std::string district, ReceiverHooks hooks)
    : state_(std::move(state)), district_(std::move(district)), hooks_(std::move(hooks)) {}

fs::path CampaignReceiver::whole(const std::string& sha) const {
  return incoming() / sha;
}

bool CampaignReceiver::have(const std::string& sha) const {
  std::error_code ec;
  return fs::is_regular_file(whole(sha), ec);
}

std::map<std::string, std::size_t> CampaignReceiver::pending() const {
  std::map<std::string, std::size_t> out;
  for (const auto& [id, p] : pending_) {
    std::size_t missing = 0;
    for (const auto& c : p.manifest.clips) missing += have(c.sha256) ? 0 : 1;
    out[id] = missing;
  }
  return out;
}

void CampaignReceiver::campaign(std::string_view campaign, std::string_view payload) {
  const std::string id(campaign);
  if (!is_campaign_id(id)) throw WireRefused("'" + id + "' is not a campaign id");
  if (payload.empty()) {  // withdrawn from the broker
    forget(id);
    return;
  }
  const std::string fingerprint = text_sha256(payload);
  if (refused_.contains(fingerprint)) return;  // refused and journaled already
  try {
    CampaignMessage m = parse_campaign_message(payload, campaign);
    for (const auto& held : held_campaigns(state_)) {
      if (held.manifest.campaign != id) continue;
      if (held.manifest.version > m.version) {
        throw BundleRefused("version " + std::to_string(m.version) + " is older than version " +
                            std::to_string(held.manifest.version) +
                            " held: a replayed bundle is refused");
      }
      if (held.manifest.version == m.version &&
          read_file(held.dir / "manifest.json") == m.manifest) {
        forget(id);
        return;  // already held (sent again at every connect: it is retained)
      }
    }
    // The signature, the district and the programme file before a single chunk is asked for.
    const fs::path check = incoming() / ("check-" + id);
    fs::remove_all(check);
    write_file(check / "manifest.json", m.manifest);
    write_file(check / "manifest.sig", m.signature);
    write_file(check / "programme.yaml", m.programme);
    SignedManifest sm = read_signed_manifest(check, hooks_.trusted());
    check_district(sm.manifest, district_);
    check_bundle_file(check / "programme.yaml", sm.manifest.programme, "the programme file");
    fs::remove_all(check);
    if (sm.manifest.campaign != id || sm.manifest.version != m.version) {
      throw WireRefused("the message for campaign " + id + " version " + std::to_string(m.version) +
                        " carries the manifest of campaign " + sm.manifest.campaign + " version " +
                        std::to_string(sm.manifest.version));
    }
    forget(id);
    Pending p{std::move(sm.manifest), std::move(m.manifest), std::move(m.signature),
              std::move(m.programme), fingerprint};
    // A clip the station holds already (in an earlier version) is copied, not sent again.
    const auto held = held_campaigns(state_);
    for (const auto& c : p.manifest.clips) {
      if (have(c.sha256) || clips_.contains(c.sha256)) continue;
      bool copied = false;
      for (const auto& h : held) {
        for (const auto& hc : h.manifest.clips) {
          if (copied || hc.sha256 != c.sha256) continue;
          std::error_code ec;
          fs::create_directories(incoming(), ec);
          fs::copy_file(h.clips() / hc.name, whole(c.sha256), fs::copy_options::overwrite_existing,
                        ec);
          copied = !ec && file_sha256(whole(c.sha256)) == c.sha256;
          if (!copied) fs::remove(whole(c.sha256), ec);
        }
      }
      if (copied) continue;
      clips_[c.sha256] = Clip{c.bytes, std::vector<bool>(chunk_count(c.bytes), false)};
      hooks_.want_clip(c.sha256);
    }
    pending_.emplace(id, std::move(p));
    try_install(id);
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const WireRefused*>(&e) != nullptr ||
        dynamic_cast<const BundleRefused*>(&e) != nullptr) {
      refused_.insert(fingerprint);
    }
    throw;
  }
}

void CampaignReceiver::chunk(std::string_view sha256, std::string_view index,
                             std::string_view payload) {
  const std::string sha(sha256);
  if (!is_sha256(sha)) throw WireRefused("'" + sha + "' is not a clip's SHA-256");
  const auto found = clips_.find(sha);
  if (found == clips_.end() && done_.contains(sha)) return;  // still in flight when it completed
  if (found == clips_.end()) {
    throw WireRefused("a chunk of clip " + sha + ", which no campaign being received names");
  }
  Clip& clip = found->second;
  std::size_t n = 0;
  bool ok = !index.empty() && index.size() <= 9;
  for (const char c : index) {
    if (c < '0' || c > '9') ok = false;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (!ok || n >= clip.received.size()) {
    throw WireRefused("chunk '" + std::string(index) + "' of clip " + sha + ", which has " +
                      std::to_string(clip.received.size()) + " chunk(s)");
  }
  const std::uint64_t at = static_cast<std::uint64_t>(n) * kClipChunkBytes;
  const std::uint64_t expected = std::min<std::uint64_t>(kClipChunkBytes, clip.bytes - at);
  if (payload.size() != expected) {
    throw WireRefused("chunk " + std::to_string(n) + " of clip " + sha + " has " +
                      std::to_string(payload.size()) + " bytes, not " + std::to_string(expected));
  }
  const fs::path part = incoming() / (sha + ".part");
  fs::create_directories(incoming());
  if (!fs::exists(part)) std::ofstream(part, std::ios::binary);
  {
    std::fstream out(part, std::ios::binary | std::ios::in | std::ios::out);
    out.seekp(static_cast<std::streamoff>(at));
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write " + part.string() + " (is the disk full?)");
  }
  clip.received[n] = true;
  if (std::find(clip.received.begin(), clip.received.end(), false) != clip.received.end()) return;

  const std::uint64_t whole_bytes = clip.bytes;  // `clip` dies with the erase below
  clips_.erase(found);
  hooks_.drop_clip(sha);
  done_.insert(sha);
  std::error_code ec;
  if (fs::file_size(part, ec) != whole_bytes || file_sha256(part) != sha) {
    fs::remove(part, ec);
    std::vector<std::string> waiting;
    for (const auto& [id, p] : pending_) {
      for (const auto& c : p.manifest.clips) {
        if (c.sha256 == sha) waiting.push_back(id);
      }
    }
    for (const auto& id : waiting) forget(id);
    throw WireRefused("clip " + sha +
                      " arrived whole but is not the file that was signed (its SHA-256 "
                      "differs); its campaign is asked for again at the next connection");
  }
  fs::rename(part, whole(sha));
  std::vector<std::string> ready;
  for (const auto& [id, p] : pending_) ready.push_back(id);
  for (const auto& id : ready) try_install(id);
}

void CampaignReceiver::try_install(const std::string& id) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  const Pending& p = it->second;
  for (const auto& c : p.manifest.clips) {
    if (!have(c.sha256)) return;
  }
  const fs::path bundle = incoming() / ("bundle-" + id);
  fs::remove_all(bundle);
  write_file(bundle / "manifest.json", p.manifest_text);
  write_file(bundle / "manifest.sig", p.signature);
  write_file(bundle / "programme.yaml", p.programme);
  fs::create_directories(bundle / "clips");
  for (const auto& c : p.manifest.clips) {
    std::error_code ec;
    fs::create_hard_link(whole(c.sha256), bundle / "clips" / c.sha256, ec);
    if (ec) fs::copy_file(whole(c.sha256), bundle / "clips" / c.sha256);
  }
  const auto clean = [&] {
    std::error_code ec;
    fs::remove_all(bundle, ec);
    forget(id);
  };
  const std::string fingerprint = p.fingerprint;
  bool installed = false;
  try {
    installed = hooks_.install(bundle);
  } catch (...) {
    clean();
    throw;
  }
  if (!installed) refused_.insert(fingerprint);
  clean();
}

void CampaignReceiver::forget(const std::string& id) {
  pending_.erase(id);
  std::set<std::string> needed;
  for (const auto& [other, p] : pending_) {
    for (const auto& c : p.manifest.clips) needed.insert(c.sha256);
  }
  for (auto it = clips_.begin(); it != clips_.end();) {
    if (needed.contains(it->first)) {
      ++it;
      continue;
    }
    hooks_.drop_clip(it->first);
    std::error_code ec;
    fs::remove(incoming() / (it->first + ".part"), ec);
    it = clips_.erase(it);
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(incoming(), ec)) {
    const std::string name = e.path().filename().string();
    if (is_sha256(name) && !needed.contains(name)) fs::remove(e.path(), ec);
  }
}

}  // namespace loa
