#include "loa/district_credentials.hpp"

#include <yaml-cpp/yaml.h>

#include "loa/campaign_manifest.hpp"

namespace loa {

namespace {

[[noreturn]] void refuse(const std::filesystem::path& file, const YAML::Mark& at,
                         const std::string& why) {
  std::string where = file.string();
  if (at.line >= 0)
    where += ":" + std::to_string(at.line + 1) + ":" + std::to_string(at.column + 1);
  throw std::runtime_error(where + ": " + why);
}

}  // namespace

DistrictCredentials read_district_credentials(const std::filesystem::path& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (ec || !fs::is_regular_file(status)) {
    throw std::runtime_error(file.string() +
                             ": no such credentials file (write user, password and ca into it, "
                             "mode 0600: see docs/district.md)");
  }
  if ((status.permissions() & fs::perms::others_read) != fs::perms::none) {
    throw std::runtime_error(file.string() +
                             " holds the station's password but every user on this machine may "
                             "read it; make it private (chmod 600 " +
                             file.string() + ") and start again");
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    throw std::runtime_error(file.string() + ": cannot read it (is it readable by loa's user?)");
  } catch (const YAML::Exception& e) {
    refuse(file, e.mark, e.msg);
  }
  if (!root.IsMap()) refuse(file, root.Mark(), "expected user, password and ca");
  DistrictCredentials c;
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    if (!kv.second.IsScalar()) refuse(file, kv.second.Mark(), key + " must be a text");
    const std::string value = kv.second.Scalar();
    if (key == "user") {
      if (!is_campaign_id(value)) {
        refuse(file, kv.second.Mark(),
               "user '" + value + "' is not a station name (1 to 64 of a-z, 0-9 and '-')");
      }
      c.user = value;
    } else if (key == "password") {
      c.password = value;
    } else if (key == "ca") {
      c.ca = fs::path(value).is_absolute() ? fs::path(value) : file.parent_path() / value;
      if (!fs::is_regular_file(c.ca, ec)) {
        refuse(file, kv.second.Mark(), "ca: no such file " + c.ca.string());
      }
    } else {
      refuse(file, kv.first.Mark(), "unknown key '" + key + "' (expected user, password, ca)");
    }
  }
  if (c.user.empty())
    refuse(file, root.Mark(), "user is missing (the station's name on the broker)");
  if (c.password.empty()) refuse(file, root.Mark(), "password is missing");
  if (c.ca.empty()) refuse(file, root.Mark(), "ca is missing (the district's CA certificate)");
  return c;
}

}  // namespace loa
