#pragma once
// ed25519 keys that sign campaign bundles (libsodium). A district keeps NAME.key secret; each of
// its stations lists NAME.pub in `station.trust`.
//
// Files are one line of text, so they can be read, mailed and compared by eye:
//   NAME.pub  "loa-ed25519-public NAME BASE64"
//   NAME.key  "loa-ed25519-secret NAME BASE64"   (mode 0600)

#include <array>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace loa {

// A key file that cannot be made or read; what() names the file and what to do.
struct KeyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PublicKey {
  std::string name;
  std::array<unsigned char, 32> bytes{};
  std::filesystem::path file;
};

// Wiped from memory when destroyed.
class SecretKey {
 public:
  SecretKey() = default;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  std::string name;
  std::array<unsigned char, 64> bytes{};
};

// A key name: 1..64 of a-z, 0-9, '-', '_' and '.', not starting with '.'. Names become file names.
bool is_key_name(std::string_view name);

// Writes DIR/NAME.key (0600, never over an existing file) and DIR/NAME.pub. Throws KeyError.
void make_key_pair(std::string_view name, const std::filesystem::path& dir);

// Throw KeyError naming the file for a missing, unreadable or malformed file.
PublicKey read_public_key(const std::filesystem::path& file);
void read_secret_key(const std::filesystem::path& file, SecretKey& out);

// A detached ed25519 signature of `message`, 64 bytes.
std::array<unsigned char, 64> sign_bytes(const SecretKey& key, std::string_view message);
bool signature_matches(const PublicKey& key, std::string_view message,
                       const std::array<unsigned char, 64>& signature);

// Standard base64 (RFC 4648, with padding). decode returns false for anything else.
std::string to_base64(const unsigned char* data, std::size_t size);
bool from_base64(std::string_view text, unsigned char* out, std::size_t size);

// Lowercase hex SHA-256 of a file, read in blocks; throws std::runtime_error naming the file.
std::string file_sha256(const std::filesystem::path& file);
std::string text_sha256(std::string_view text);

}  // namespace loa
