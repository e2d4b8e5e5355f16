#pragma once
// district.yaml: the district office's own settings (the district's side of issue 13), read
// like a station file: every mistake at once, at its file:line:col.
//
//   district:
//     id: lap-vo                      # station.district on every commune station
//     name: "Huyện Lấp Vò"
//     timezone: Asia/Ho_Chi_Minh      # the default; "today" in `loa district status`
//     broker: mqtts://mqtt.lap-vo.example:8883
//     credentials: district-credentials.yaml
//     database: state/district.db
//     key: keys/district-lap-vo.key   # signs what `loa district push` sends
//   communes:
//     - {id: xa-my-an, name: "Xã Mỹ An"}   # id: the station's MQTT user name
//   control:                          # optional: the district's page (docs/district.md)
//     listen: 127.0.0.1:8687          # the default when `control:` is there
//     tls_cert: tls/cert.pem          # optional, with tls_key: HTTPS
//     tls_key: tls/key.pem

#include <date/tz.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "loa/diagnostics.hpp"
#include "loa/source_pos.hpp"

namespace loa {

struct Commune {
  std::string id;    // the station's MQTT user name, [a-z0-9-]{1,64}
  std::string name;  // as people write it ("Xã Mỹ An"); the id when not given
  SourcePos pos;
};

struct DistrictConfig {
  std::filesystem::path file;
  std::string id;
  std::string name;
  std::string timezone = "Asia/Ho_Chi_Minh";
  const date::time_zone* zone = nullptr;
  std::string broker;  // as written: mqtts://HOST:PORT
  std::string broker_host;
  int broker_port = 8883;
  // Paths are relative to district.yaml's folder.
  std::filesystem::path credentials;
  std::filesystem::path database;
  std::filesystem::path key;  // the secret key (NAME.key); NAME.pub is its public half
  std::vector<Commune> communes;
  // The district's page (`control:`): ADDR:PORT, or "off" (the default without `control:`).
  std::string control_listen = "off";
  std::filesystem::path control_tls_cert;
  std::filesystem::path control_tls_key;

  // The commune with this id, or nullptr.
  const Commune* commune(std::string_view id) const;
};

// Reads district.yaml. Every problem goes to `d` at its position; the result is usable only when
// !d.has_errors(). Never throws for bad input.
DistrictConfig load_district_config(const std::filesystem::path& file, Diagnostics& d);

// A district, station or campaign name on the wire: 1..64 of a-z, 0-9 and '-'.
bool is_wire_name(std::string_view name);

}  // namespace loa
