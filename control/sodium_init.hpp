#pragma once
// libsodium set-up and random secrets, private to control/.

#include <sodium.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace loa {

// Must run before any other libsodium call (it seeds the random generator). Thread-safe.
// Throws std::runtime_error if libsodium cannot start.
inline void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  });
}

// `bytes` random bytes from the system's generator, as lowercase hex (2 * bytes chars).
inline std::string random_hex(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(2 * bytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();
  sodium_memzero(raw.data(), raw.size());
  return hex;
}

}  // namespace loa
