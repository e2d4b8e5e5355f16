#pragma once
// A campaign bundle is a folder that travels as a whole (over MQTT, HTTPS or a USB stick):
//   manifest.json   what it holds (CampaignManifest), the bytes that are signed
//   manifest.sig    "loa-ed25519-signature KEYNAME BASE64"
//   programme.yaml  the campaign's programme file
//   clips/SHA256    each clip, named by its hash so a name can never point outside the bundle

#include <filesystem>
#include <string>
#include <vector>

#include "loa/campaign_manifest.hpp"
#include "loa/signing_key.hpp"

namespace loa {

struct BundleSource {
  std::string district;
  std::string campaign;
  std::uint64_t version = 1;
  Date valid_from;
  Date valid_until;
  std::filesystem::path programme;  // the programme file
  std::filesystem::path clips_dir;  // clip names are relative to it
  std::vector<std::string> clips;   // as the programme names them
};

// Writes the bundle into `out` (which must not exist yet), signed with `key`. Throws
// BundleRefused (bad ids, names or dates, a missing clip) or std::runtime_error (I/O).
CampaignManifest write_bundle(const BundleSource& source, const SecretKey& key,
                              const std::filesystem::path& out);

struct BundleCheck {
  const std::vector<PublicKey>* trusted = nullptr;
  std::string district;  // the station's `station.district`
  Date today;            // the station's local date
};

struct VerifiedBundle {
  CampaignManifest manifest;
  std::string signed_by;  // the trusted key's name
  std::filesystem::path dir;
  // The folder is loa's own (a campaign received from the district), whose files nothing writes
  // again: the store links its clips instead of copying and hashing them once more. An operator's
  // folder is copied, so that a later edit there cannot change what airs.
  bool own_files = false;
};

struct SignedManifest {
  CampaignManifest manifest;
  std::string text;       // manifest.json's exact bytes, as signed
  std::string signed_by;  // the trusted key's name
};

// Reads DIR/manifest.json and DIR/manifest.sig and checks the signature against `trusted`.
// Throws BundleRefused: unsigned, a key not trusted, a signature that does not match, a manifest
// that is malformed or too large.
SignedManifest read_signed_manifest(const std::filesystem::path& dir,
                                    const std::vector<PublicKey>& trusted);

// Throw BundleRefused when the manifest is for another district, or the file is not the one the
// manifest names (size and SHA-256).
void check_district(const CampaignManifest& m, std::string_view district);
void check_bundle_file(const std::filesystem::path& file, const BundleFile& expected,
                       const std::string& what);

// Checks the signature against the trusted keys, then the district, the validity window and
// every file's size and hash. Throws BundleRefused with the reason. Reads each file once and
// never writes.
VerifiedBundle verify_bundle(const std::filesystem::path& dir, const BundleCheck& check);

}  // namespace loa
