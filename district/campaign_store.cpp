#include "loa/campaign_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace loa {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kAside = ".old-";

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void recover(const fs::path& root) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(".incoming-", 0) == 0) {
      fs::remove_all(e.path(), ec);  // never finished: it never aired
    } else if (name.rfind(kAside, 0) == 0) {
      const fs::path held = root / name.substr(kAside.size());
      if (fs::exists(held)) {
        fs::remove_all(e.path(), ec);
      } else {
        fs::rename(e.path(), held, ec);
      }
    }
  }
}

// Puts the bundle's file `from` at `to`, as the manifest's `f`. A folder of loa's own is linked
// (verify_bundle hashed it, and nothing writes it again); another folder is copied and the copy
// hashed, so that a file changed since verify_bundle is refused.
void take_checked(const fs::path& from, const fs::path& to, const BundleFile& f,
                  const std::string& what, bool own_files) {
  fs::create_directories(to.parent_path());
  if (own_files) {
    std::error_code ec;
    fs::create_hard_link(from, to, ec);
    if (!ec) return;  // else another file system: copied
  }
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  if (fs::file_size(to) != f.bytes || file_sha256(to) != f.sha256) {
    throw BundleRefused(what + " changed while it was being installed");
  }
}

// fsync(2) of a file or a folder: its data (a folder's: its entries) are on disk.
void sync_to_disk(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(path.string() + ": cannot open to write it to disk");
  const int result = ::fsync(fd);
  ::close(fd);
  if (result != 0) throw std::runtime_error(path.string() + ": cannot write it to disk");
}

// Every file and folder under `folder`, and the folder itself, on disk.
void sync_tree(const fs::path& folder) {
  for (const auto& e : fs::recursive_directory_iterator(folder)) sync_to_disk(e.path());
  sync_to_disk(folder);
}

}  // namespace

Installed install_campaign(const VerifiedBundle& bundle, const fs::path& state,
                           const std::function<void(const HeldCampaign&)>& accept) {
  const CampaignManifest& m = bundle.manifest;
  const fs::path root = state / "campaigns";
  fs::create_directories(root);
  recover(root);
  const fs::path held = root / m.campaign;
  const std::string manifest_text = read_all(bundle.dir / "manifest.json");

  Installed result{InstallOutcome::installed, 0};
  if (fs::exists(held / "manifest.json")) {
    const std::string held_text = read_all(held / "manifest.json");
    try {
      result.previous_version = manifest_from_json(held_text).version;
    } catch (const BundleRefused&) {
      result.previous_version = 0;  // unreadable: the new bundle replaces it
    }
    if (m.version < result.previous_version) {
      throw BundleRefused("version " + std::to_string(m.version) + " is older than version " +
                          std::to_string(result.previous_version) +
                          " held here: a replayed bundle is refused");
    }
    if (m.version == result.previous_version) {
      if (held_text == manifest_text) return {InstallOutcome::already_held, m.version};
      throw BundleRefused("version " + std::to_string(m.version) +
                          " is already held with other contents: a changed campaign needs a "
                          "higher version");
    }
    result.outcome = InstallOutcome::updated;
  }

  const fs::path incoming = root / (".incoming-" + m.campaign + "-" + std::to_string(::getpid()));
  fs::remove_all(incoming);
  try {
    take_checked(bundle.dir / "programme.yaml", incoming / "programme.yaml", m.programme,
                 "the programme file", /*own_files=*/false);
    for (const auto& c : m.clips) {
      take_checked(bundle.dir / "clips" / c.sha256, incoming / "clips" / fs::path(c.name), c,
                   "clip \"" + c.name + "\"", bundle.own_files);
    }
    fs::copy_file(bundle.dir / "manifest.sig", incoming / "manifest.sig");
    std::ofstream(incoming / "manifest.json", std::ios::binary) << manifest_text;
    if (read_all(incoming / "manifest.json") != manifest_text) {
      throw std::runtime_error((incoming / "manifest.json").string() + ": cannot write");
    }
    accept(HeldCampaign{m, incoming});
    // The files are on disk before the rename makes them the station's, and the renames after.
    // Only this campaign's files: a sync(2) of the whole disk would wait on everything else.
    sync_tree(incoming);
    const fs::path aside = root / (std::string(kAside) + m.campaign);
    if (fs::exists(held)) fs::rename(held, aside);
    fs::rename(incoming, held);
    sync_to_disk(root);
    fs::remove_all(aside);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(incoming, ec);
    throw;
  }
  return result;
}

std::vector<HeldCampaign> held_campaigns(const fs::path& state) {
  const fs::path root = state / "campaigns";
  std::vector<HeldCampaign> out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    std::string name = e.path().filename().string();
    // Left aside by an install cut short between its renames: still the campaign held.
    if (name.rfind(kAside, 0) == 0) {
      name = name.substr(kAside.size());
      if (fs::exists(root / name)) continue;
    }
    if (!is_campaign_id(name)) continue;
    try {
      HeldCampaign c{manifest_from_json(read_all(e.path() / "manifest.json")), e.path()};
      if (c.manifest.campaign == name) out.push_back(std::move(c));
    } catch (const BundleRefused&) {
    }
  }
  std::sort(out.begin(), out.end(), [](const HeldCampaign& a, const HeldCampaign& b) {
    return a.manifest.campaign < b.manifest.campaign;
  });
  return out;
}

}  // namespace loa
