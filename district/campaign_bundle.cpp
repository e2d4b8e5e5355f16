#include "loa/campaign_bundle.hpp"

#include <fstream>
#include <sstream>

namespace loa {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSignatureTag = "loa-ed25519-signature";

std::string read_limited(const fs::path& file, std::uint64_t limit, std::string_view what) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) throw BundleRefused("the bundle has no " + std::string(what));
  if (size > limit) throw BundleRefused("the bundle's " + std::string(what) + " is too large");
  std::ifstream in(file, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (static_cast<std::uint64_t>(in.gcount()) != size) {
    throw BundleRefused("the bundle's " + std::string(what) + " cannot be read");
  }
  return text;
}

void write_text(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out.flush()) throw std::runtime_error(file.string() + ": cannot write");
}

BundleFile describe(const fs::path& file, std::string name) {
  std::error_code ec;
  const auto bytes = fs::file_size(file, ec);
  if (ec || !fs::is_regular_file(file)) {
    throw BundleRefused(file.string() + ": no such clip file");
  }
  return BundleFile{std::move(name), file_sha256(file), bytes};
}

}  // namespace

void check_bundle_file(const fs::path& file, const BundleFile& expected, const std::string& what) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec || !fs::is_regular_file(file)) throw BundleRefused("the bundle is missing " + what);
  if (size != expected.bytes || file_sha256(file) != expected.sha256) {
    throw BundleRefused(what +
                        " is not the file that was signed (its size or SHA-256 differs): "
                        "the bundle was changed or arrived incomplete");
  }
}

CampaignManifest write_bundle(const BundleSource& source, const SecretKey& key,
                              const fs::path& out) {
  CampaignManifest m;
  m.district = source.district;
  m.campaign = source.campaign;
  m.version = source.version;
  m.valid_from = source.valid_from;
  m.valid_until = source.valid_until;
  if (!is_campaign_id(m.district) || !is_campaign_id(m.campaign)) {
    throw BundleRefused("district and campaign ids are lowercase letters, digits and '-'");
  }
  if (m.version == 0) throw BundleRefused("the version counts from 1");
  if (m.valid_until < m.valid_from) throw BundleRefused("--valid-until is before --valid-from");
  m.programme = describe(source.programme, "");
  if (m.programme.bytes > kMaxProgrammeBytes)
    throw BundleRefused("the programme file is over 1 MiB");
  for (const auto& name : source.clips) {
    if (!is_safe_clip_name(name)) {
      throw BundleRefused("\"" + name + "\": name clips relative to --clips, without '..'");
    }
    m.clips.push_back(describe(source.clips_dir / name, name));
  }
  const std::string manifest = manifest_to_json(m);
  manifest_from_json(manifest);  // the same rules a station applies, before anything is signed

  if (fs::exists(out))
    throw std::runtime_error(out.string() + " already exists: choose a new folder");
  fs::create_directories(out / "clips");
  fs::copy_file(source.programme, out / "programme.yaml");
  for (std::size_t i = 0; i < m.clips.size(); ++i) {
    const fs::path to = out / "clips" / m.clips[i].sha256;
    if (!fs::exists(to)) fs::copy_file(source.clips_dir / source.clips[i], to);
  }
  write_text(out / "manifest.json", manifest);
  const auto sig = sign_bytes(key, manifest);
  write_text(out / "manifest.sig", std::string(kSignatureTag) + " " + key.name + " " +
                                       to_base64(sig.data(), sig.size()) + "\n");
  return m;
}

SignedManifest read_signed_manifest(const fs::path& dir, const std::vector<PublicKey>& trusted) {
  SignedManifest out;
  out.text = read_limited(dir / "manifest.json", kMaxManifestBytes, "manifest");
  const std::string sig_text =
      read_limited(dir / "manifest.sig", 1024, "signature: it is unsigned");
  std::istringstream line(sig_text);
  std::string tag, base64;
  line >> tag >> out.signed_by >> base64;
  std::array<unsigned char, 64> sig{};
  if (tag != kSignatureTag || !from_base64(base64, sig.data(), sig.size())) {
    throw BundleRefused("the bundle's signature file is malformed");
  }
  const PublicKey* key = nullptr;
  for (const auto& k : trusted) {
    if (k.name == out.signed_by) key = &k;
  }
  if (key == nullptr) {
    throw BundleRefused("signed by '" + out.signed_by +
                        "', a key this station does not trust (station.trust)");
  }
  if (!signature_matches(*key, out.text, sig)) {
    throw BundleRefused(
        "the signature does not match: the bundle was changed after it was signed, "
        "or signed by another key named '" +
        out.signed_by + "'");
  }
  out.manifest = manifest_from_json(out.text);
  return out;
}

void check_district(const CampaignManifest& m, std::string_view district) {
  if (m.district != district) {
    throw BundleRefused("the bundle is for district '" + m.district + "', this station is in '" +
                        std::string(district) + "' (station.district)");
  }
}

VerifiedBundle verify_bundle(const fs::path& dir, const BundleCheck& check) {
  SignedManifest signed_manifest = read_signed_manifest(dir, *check.trusted);
  VerifiedBundle v{std::move(signed_manifest.manifest), signed_manifest.signed_by, dir};
  check_district(v.manifest, check.district);
  const CampaignManifest& m = v.manifest;
  if (m.valid_until < check.today) {
    throw BundleRefused("the bundle expired on " + format_date(m.valid_until));
  }
  check_bundle_file(dir / "programme.yaml", m.programme, "the programme file");
  for (const auto& c : m.clips)
    check_bundle_file(dir / "clips" / c.sha256, c, "clip \"" + c.name + "\"");
  return v;
}

}  // namespace loa
