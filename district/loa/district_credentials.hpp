#pragma once
// The station's account on the district's broker (`loa run --district-credentials FILE`):
//   user: xa-my-an                  # the station's name on the broker, also its MQTT client id
//   password: "..."
//   ca: /etc/loa/district-ca.crt    # the CA that signed the broker's certificate (relative: to
//   FILE)

#include <filesystem>
#include <stdexcept>
#include <string>

namespace loa {

struct DistrictCredentials {
  std::string user;
  std::string password;
  std::filesystem::path ca;
};

// Throws std::runtime_error naming the file (and line:col where there is one): missing or
// unreadable, readable by every user on the machine (it holds a password: chmod 600), not YAML,
// an unknown or missing key, a user name that is not 1..64 of a-z, 0-9 and '-'.
DistrictCredentials read_district_credentials(const std::filesystem::path& file);

}  // namespace loa
