// district.yaml: read whole, every mistake at its line and column, in English and Vietnamese.
#include "loa/district_config.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

std::string printed(const Diagnostics& d, Language lang = Language::en) {
  std::ostringstream out;
  d.print(out, lang);
  return out.str();
}

TEST(DistrictConfig, ReadsTheExample) {
  test::TempDir dir;
  const auto file = dir.write("district.yaml", R"(district:
  id: lap-vo
  name: "Huyện Lấp Vò"
  broker: mqtts://mqtt.lap-vo.example:8884
  credentials: district-credentials.yaml
  database: state/district.db
  key: keys/district-lap-vo.key
communes:
  - {id: xa-my-an, name: "Xã Mỹ An"}
  - {id: xa-binh-thanh}
)");
  Diagnostics d;
  const DistrictConfig c = load_district_config(file, d);
  EXPECT_FALSE(d.has_errors()) << printed(d);
  EXPECT_EQ(c.id, "lap-vo");
  EXPECT_EQ(c.name, "Huyện Lấp Vò");
  EXPECT_EQ(c.broker_host, "mqtt.lap-vo.example");
  EXPECT_EQ(c.broker_port, 8884);
  EXPECT_EQ(c.database, dir / "state/district.db");
  EXPECT_EQ(c.key, dir / "keys/district-lap-vo.key");
  ASSERT_EQ(c.communes.size(), 2u);
  EXPECT_EQ(c.communes[0].name, "Xã Mỹ An");
  EXPECT_EQ(c.communes[1].name, "xa-binh-thanh");
  ASSERT_NE(c.zone, nullptr);
  EXPECT_EQ(c.zone->name(), "Asia/Ho_Chi_Minh");
}

TEST(DistrictConfig, EveryMistakeAtItsPlace) {
  test::TempDir dir;
  const auto file = dir.write("district.yaml", R"(district:
  id: Lap Vo
  broker: mqtt://mqtt.lap-vo.example
  credentials: c.yaml
  databse: d.db
  key: k.key
  timezone: Asia/Hanoy
communes:
  - {id: xa-my-an, name: "Xã Mỹ An"}
  - {id: "Xã Mỹ An"}
  - {id: xa-my-an}
)");
  Diagnostics d;
  load_district_config(file, d);
  const std::string en = printed(d);
  const std::string f = file.string();
  EXPECT_NE(en.find(f + ":2:7: error: district id 'Lap Vo' is not valid"), std::string::npos) << en;
  EXPECT_NE(
      en.find(f + ":3:11: error: broker 'mqtt://mqtt.lap-vo.example' is not an MQTT over TLS"),
      std::string::npos)
      << en;
  EXPECT_NE(
      en.find(f + ":5:3: error: unknown key 'databse' in district (did you mean 'database'?)"),
      std::string::npos)
      << en;
  EXPECT_NE(en.find("the district needs 'database'"), std::string::npos) << en;
  EXPECT_NE(en.find(f + ":7:13: error: unknown time zone 'Asia/Hanoy'"), std::string::npos) << en;
  EXPECT_NE(en.find(f + ":10:10: error: commune id 'Xã Mỹ An' is not a station's MQTT user name"),
            std::string::npos)
      << en;
  EXPECT_NE(en.find(f + ":11:10: error: duplicate commune id 'xa-my-an' (first at line 9)"),
            std::string::npos)
      << en;
  const std::string vi = printed(d, Language::vi);
  EXPECT_NE(vi.find(f + ":11:10: lỗi: mã xã 'xa-my-an' bị trùng (đã có ở dòng 9)"),
            std::string::npos)
      << vi;
}

TEST(DistrictConfig, ThePageIsOffUnlessControlSaysWhere) {
  test::TempDir dir;
  const std::string head = R"(district:
  id: lap-vo
  broker: mqtts://mqtt.lap-vo.example
  credentials: c.yaml
  database: state/district.db
  key: k.key
communes:
  - {id: xa-my-an}
)";
  Diagnostics d;
  EXPECT_EQ(load_district_config(dir.write("a.yaml", head), d).control_listen, "off");
  DistrictConfig c = load_district_config(dir.write("b.yaml", head + "control: {}\n"), d);
  EXPECT_EQ(c.control_listen, "127.0.0.1:8687");
  c = load_district_config(
      dir.write("c.yaml", head + "control:\n  listen: 0.0.0.0:9000\n  tls_cert: tls/c.pem\n"
                                 "  tls_key: tls/k.pem\n"),
      d);
  EXPECT_FALSE(d.has_errors()) << printed(d);
  EXPECT_EQ(c.control_listen, "0.0.0.0:9000");
  EXPECT_EQ(c.control_tls_cert, dir / "tls/c.pem");
  EXPECT_EQ(c.control_tls_key, dir / "tls/k.pem");
  Diagnostics bad;
  load_district_config(dir.write("d.yaml", head + "control:\n  lisen: 0.0.0.0:9000\n"), bad);
  EXPECT_NE(printed(bad).find(":10:3: error: unknown key 'lisen' in control (did you mean "
                              "'listen'?)"),
            std::string::npos)
      << printed(bad);
}

TEST(DistrictConfig, EmptyOrMissing) {
  test::TempDir dir;
  Diagnostics d;
  load_district_config(dir.write("district.yaml", ""), d);
  EXPECT_NE(printed(d).find("the district file is empty"), std::string::npos) << printed(d);
  Diagnostics missing;
  load_district_config(dir / "nowhere.yaml", missing);
  EXPECT_TRUE(missing.has_errors());
}

}  // namespace
}  // namespace loa
