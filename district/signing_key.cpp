#include "loa/signing_key.hpp"

#include <openssl/evp.h>
#include <sodium.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace loa {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPublicTag = "loa-ed25519-public";
constexpr std::string_view kSecretTag = "loa-ed25519-secret";

// sodium_init may be called from any thread, any number of times (libsodium's documentation).
void start_sodium() {
  if (sodium_init() < 0) throw KeyError("libsodium could not be started");
}

std::string read_small_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw KeyError(file.string() + ": cannot read the key file: " + std::strerror(errno));
  std::string text(4096, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// "TAG NAME BASE64" into `out` (exactly `size` bytes); returns the name.
std::string read_key_line(const fs::path& file, std::string_view tag, unsigned char* out,
                          std::size_t size) {
  const std::string text = read_small_file(file);
  std::istringstream line(text);
  std::string got_tag, name, base64, extra;
  line >> got_tag >> name >> base64;
  const bool more = static_cast<bool>(line >> extra);
  if (got_tag != tag || !is_key_name(name) || more || !from_base64(base64, out, size)) {
    const std::string_view other = tag == kPublicTag ? kSecretTag : kPublicTag;
    if (got_tag == other) {
      throw KeyError(file.string() + ": this is a " +
                     std::string(tag == kPublicTag ? "secret" : "public") + " key; give the " +
                     std::string(tag == kPublicTag ? ".pub" : ".key") +
                     " file made by 'loa key new'");
    }
    throw KeyError(file.string() + ": not a key file made by 'loa key new' (expected \"" +
                   std::string(tag) + " NAME KEY\" on one line)");
  }
  return name;
}

}  // namespace

SecretKey::~SecretKey() {
  sodium_memzero(bytes.data(), bytes.size());
}

bool is_key_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

void make_key_pair(std::string_view name, const fs::path& dir) {
  start_sodium();
  if (!is_key_name(name)) {
    throw KeyError("'" + std::string(name) +
                   "' cannot name a key: use lowercase letters, digits, '-', '_' and '.', "
                   "for example district-lap-vo");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw KeyError(dir.string() + ": cannot make the folder: " + ec.message());
  const fs::path secret_file = dir / (std::string(name) + ".key");
  const fs::path public_file = dir / (std::string(name) + ".pub");
  for (const auto& f : {secret_file, public_file}) {
    if (fs::exists(f)) {
      throw KeyError(f.string() +
                     " already exists: a key is never overwritten; choose another "
                     "name or move the old files away first");
    }
  }
  SecretKey secret;
  std::array<unsigned char, 32> pub{};
  crypto_sign_keypair(pub.data(), secret.bytes.data());

  // The secret key is created 0600 before a byte is written, so it is never readable by others.
  const mode_t old_mask = ::umask(077);
  {
    std::ofstream out(secret_file, std::ios::binary | std::ios::trunc);
    out << kSecretTag << ' ' << name << ' ' << to_base64(secret.bytes.data(), secret.bytes.size())
        << '\n';
    if (!out.flush()) {
      ::umask(old_mask);
      throw KeyError(secret_file.string() + ": cannot write: " + std::strerror(errno));
    }
  }
  ::umask(old_mask);
  std::ofstream out(public_file, std::ios::binary | std::ios::trunc);
  out << kPublicTag << ' ' << name << ' ' << to_base64(pub.data(), pub.size()) << '\n';
  if (!out.flush())
    throw KeyError(public_file.string() + ": cannot write: " + std::strerror(errno));
}

PublicKey read_public_key(const fs::path& file) {
  PublicKey key;
  key.name = read_key_line(file, kPublicTag, key.bytes.data(), key.bytes.size());
  key.file = file;
  return key;
}

void read_secret_key(const fs::path& file, SecretKey& out) {
  out.name = read_key_line(file, kSecretTag, out.bytes.data(), out.bytes.size());
}

std::array<unsigned char, 64> sign_bytes(const SecretKey& key, std::string_view message) {
  start_sodium();
  std::array<unsigned char, 64> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), key.bytes.data());
  return sig;
}

bool signature_matches(const PublicKey& key, std::string_view message,
                       const std::array<unsigned char, 64>& signature) {
  start_sodium();
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.bytes.data()) == 0;
}

std::string to_base64(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

bool from_base64(std::string_view text, unsigned char* out, std::size_t size) {
  std::size_t got = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out, size, text.data(), text.size(), nullptr, &got, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  return got == size && end == text.data() + text.size();
}

namespace {
std::string hex_of(const unsigned char* digest) {
  std::string hex(2 * crypto_hash_sha256_BYTES + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest, crypto_hash_sha256_BYTES);
  hex.pop_back();
  return hex;
}

// SHA-256 by OpenSSL's libcrypto, not libsodium's portable C: it uses the CPU's SHA extensions
// (about 1.7 GB/s against 0.27 GB/s here), and a station hashes each received clip three times
// (on receipt, at verification, after copying it into the store): docs/performance.md, section 10.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
      EVP_MD_CTX_free(ctx_);
      throw std::runtime_error("OpenSSL could not start a SHA-256");
    }
  }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size) {
    if (EVP_DigestUpdate(ctx_, data, size) != 1) throw std::runtime_error("SHA-256 failed");
  }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx_, digest, &size) != 1 || size != crypto_hash_sha256_BYTES) {
      throw std::runtime_error("SHA-256 failed");
    }
    return hex_of(digest);
  }

 private:
  EVP_MD_CTX* ctx_;
};
}  // namespace

std::string file_sha256(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read: " + std::strerror(errno));
  Sha256 sha;
  std::vector<char> block(1 << 16);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    sha.update(block.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw std::runtime_error(file.string() + ": read error");
  return sha.hex();
}

std::string text_sha256(std::string_view text) {
  Sha256 sha;
  sha.update(text.data(), text.size());
  return sha.hex();
}

}  // namespace loa
