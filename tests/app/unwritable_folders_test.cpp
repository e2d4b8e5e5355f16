// A station whose programmes and clips folders loa may not write (as when a service's sandbox or a
// folder's owner forbids it): saving a programme and uploading a clip through the control API fail
// with the reason and what to do, change nothing, and leave the engine on air.
#include <gtest/gtest.h>
#include <httplib.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loa_test/audio_fixtures.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/loa_process.hpp"
#include "loa_test/temp_dir.hpp"

namespace loa {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kStation = R"(station:
  name: "Test station"
  timezone: Asia/Ho_Chi_Minh
  clips: clips/
  include: [programmes/*.yaml]
  state: state/
audio:
  output: null
  loudness: off
  chime: none
zones:
  - {id: ap-1, name: "Ấp 1", channel: 1}
)";

constexpr const char* kNotices = R"(programmes:
  - id: thong-bao
    zones: all
    slots:
      - at: "12:00"
        play: [tone.wav]
)";

constexpr uid_t kNobody = 65534;

::testing::AssertionResult mentions(const std::string& message, const std::string& part) {
  if (message.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the message \"" << message << "\" does not say \"" << part << "\"";
}

std::string error_of(const httplib::Result& res) {
  if (!res) return "(no answer)";
  try {
    return nlohmann::json::parse(res->body).at("error").get<std::string>();
  } catch (const std::exception&) {
    return res->body;
  }
}

TEST(UnwritableFolders, SavingAndUploadingSayWhyAndWhatToDo) {
  std::signal(SIGPIPE, SIG_IGN);
  test::TempDir dir;
  dir.write("station.yaml", kStation);
  dir.write("programmes/notices.yaml", kNotices);
  test::write_tone(dir / "clips/tone.wav", 1.0);
  fs::create_directories(dir / "state");

  // loa runs as a user who may read the station but not write its programmes and clips folders:
  // root writes anywhere, so as root loa runs as nobody (setpriv); otherwise as this user, with
  // the two folders made read-only.
  const bool root = ::geteuid() == 0;
  std::vector<std::string> args = {"run",  "--config", "station.yaml", "--output",
                                   "null", "--listen", "127.0.0.1:0"};
  std::string binary = LOA_BINARY;
  std::string user;
  if (root) {
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
    ASSERT_EQ(::chown((dir / "state").c_str(), kNobody, kNobody), 0);
    args.insert(args.begin(), {"--reuid=65534", "--regid=65534", "--clear-groups", LOA_BINARY});
    binary = "/usr/bin/setpriv";
    const passwd* p = ::getpwuid(kNobody);
    user = p != nullptr ? p->pw_name : "65534";
  } else {
    fs::permissions(dir / "programmes", fs::perms::owner_write, fs::perm_options::remove);
    fs::permissions(dir / "clips", fs::perms::owner_write, fs::perm_options::remove);
    user = ::getpwuid(::geteuid())->pw_name;
  }
  test::LoaProcess loa(binary, dir, args);
  ASSERT_TRUE(loa.wait_for("control page and API on http://127.0.0.1:", 20s)) << loa.err();
  const std::string err = loa.err();
  const int port = std::stoi(err.substr(err.find("http://127.0.0.1:") + 17));
  std::string token = test::slurp(dir / "state/api-token");
  while (!token.empty() && token.back() == '\n') token.pop_back();
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(30, 0);
  const httplib::Headers bearer = {{"Authorization", "Bearer " + token}};

  const std::string changed = std::string(kNotices) + "        repeat: 2\n";
  const auto saved = c.Put("/api/programmes/notices", bearer, changed, "text/yaml");
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->status, 500);
  const std::string programmes = (dir / "programmes").string();
  EXPECT_TRUE(mentions(error_of(saved), "cannot save notices.yaml: Permission denied"));
  EXPECT_TRUE(mentions(error_of(saved), "loa runs as user '" + user + "'"));
  EXPECT_TRUE(mentions(error_of(saved), "sudo chown -R " + user + ": " + programmes));
  EXPECT_EQ(test::slurp(dir / "programmes/notices.yaml"), kNotices);

  const std::string wav = test::slurp(dir / "clips/tone.wav");
  const auto uploaded = c.Post("/api/clips?name=moi.wav", bearer, wav, "audio/wav");
  ASSERT_TRUE(uploaded);
  EXPECT_EQ(uploaded->status, 500);
  const std::string clips = (dir / "clips").string();
  EXPECT_TRUE(mentions(error_of(uploaded), "cannot write to the clips folder: Permission denied"));
  EXPECT_TRUE(mentions(error_of(uploaded), "sudo chown -R " + user + ": " + clips));
  EXPECT_FALSE(fs::exists(dir / "clips/moi.wav"));

  // Still on air, with the programme as it was.
  const auto status = c.Get("/api/status", bearer);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_TRUE(loa.running());
}

}  // namespace
}  // namespace loa
