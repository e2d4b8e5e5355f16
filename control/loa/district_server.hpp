#pragma once
// The district office's page and API (`loa district --config district.yaml` with `control:` in
// district.yaml, or --listen): the communes' state, campaign reach and the report, read-only, for
// the district's own accounts (docs/district.md, "The district's page"; docs/api.md).

#include <filesystem>
#include <memory>
#include <string>

#include "loa/district_config.hpp"

namespace loa {

// Where the district's accounts live (`loa user ... --district-config`): users.db beside the
// district's database.
std::filesystem::path district_accounts_path(const DistrictConfig& config);

// Serves the page (web/, the same files as the station's: it shows the district view when the
// session says `office: "district"`), the login, GET /api/district/status and
// GET /api/district/report on cpp-httplib's threads. Every request opens the district's database
// on its own connection (WAL: it reads while the daemon writes), so nothing here waits for the
// daemon or its broker. Listens on config.control_listen; TLS with control_tls_cert/_key.
class DistrictServer {
 public:
  explicit DistrictServer(DistrictConfig config);
  ~DistrictServer();
  DistrictServer(const DistrictServer&) = delete;
  DistrictServer& operator=(const DistrictServer&) = delete;

  // Binds and starts serving; returns the URL ("" when control_listen is "off"), also written to
  // control-url beside the database. Throws std::runtime_error (plainly worded) if it cannot.
  std::string start();
  // Stops serving and waits for requests under way. Also done by the destructor.
  void stop();

  struct Context;

 private:
  std::unique_ptr<Context> context_;
};

}  // namespace loa
