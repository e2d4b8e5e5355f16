// The reason and the next step that the programme and clip routes give when loa cannot write.
#include "loa/write_advice.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <utility>

namespace loa {
namespace {

::testing::AssertionResult mentions(const std::string& message, const std::string& part) {
  if (message.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the message \"" << message << "\" does not say \"" << part << "\"";
}

std::string this_user() {
  const passwd* p = ::getpwuid(::geteuid());
  return p != nullptr ? p->pw_name : std::to_string(::geteuid());
}

// The service's ProtectSystem=strict makes every folder but its own read-only: say so, say where
// loa may write, and how to let it write elsewhere.
TEST(CannotWriteAdvice, AReadOnlyFolderNamesTheServiceFoldersAndTheOverride) {
  const std::string m = cannot_write_advice("/etc/loa/clips", EROFS);
  EXPECT_TRUE(mentions(m, "Read-only file system"));
  EXPECT_TRUE(mentions(m, "/var/lib/loa and /etc/loa/programmes"));
  EXPECT_TRUE(mentions(m, "systemctl edit loa"));
  EXPECT_TRUE(mentions(m, "ReadWritePaths=/etc/loa/clips"));
}

TEST(CannotWriteAdvice, APermissionProblemNamesTheUserAndTheFix) {
  const std::string user = this_user();
  for (const int error : {EACCES, EPERM}) {
    const std::string m = cannot_write_advice("/srv/loa/programmes", error);
    EXPECT_TRUE(mentions(m, std::error_code(error, std::generic_category()).message()));
    EXPECT_TRUE(mentions(m, "user '" + user + "'"));
    EXPECT_TRUE(mentions(m, "sudo chown -R " + user + ": /srv/loa/programmes"));
  }
}

TEST(CannotWriteAdvice, AFullDiskSaysToMakeRoom) {
  const std::string m = cannot_write_advice("/var/lib/loa/clips", ENOSPC);
  EXPECT_TRUE(mentions(m, "No space left on device"));
  EXPECT_TRUE(mentions(m, "make room on the disk that holds /var/lib/loa/clips"));
}

TEST(CannotWriteAdvice, AMissingFolderSaysToCreateItOrFixThePath) {
  const std::string m = cannot_write_advice("/var/lib/loa/clips", ENOENT);
  EXPECT_TRUE(mentions(m, "No such file or directory"));
  EXPECT_TRUE(mentions(m, "create it, or correct its path in the station file"));
}

// The station file's paths may be relative to the folder loa started in; the command to paste
// must not be.
TEST(CannotWriteAdvice, TheFolderIsNamedInFull) {
  const std::string m = cannot_write_advice("clips/", EACCES);
  const std::string full = (std::filesystem::current_path() / "clips").string();
  EXPECT_TRUE(mentions(m, "may not write in " + full + ";"));
  EXPECT_TRUE(mentions(m, ": " + full)) << "the chown command";
}

TEST(CannotWriteAdvice, AnyOtherErrorStillGivesTheReasonAndTheFolder) {
  const std::string m = cannot_write_advice("/x", EIO);
  EXPECT_TRUE(mentions(m, "Input/output error"));
  EXPECT_TRUE(mentions(m, "/x"));
}

// The control page shows the advice in the operator's language: each kind has its own code, and
// the English text is the advice as above.
TEST(CannotWriteAdvice, EachKindHasItsCodeForThePage) {
  const std::pair<int, const char*> kinds[] = {{EACCES, "write.permission"},
                                               {EROFS, "write.read_only"},
                                               {ENOSPC, "write.disk_full"},
                                               {ENOENT, "write.no_folder"},
                                               {EIO, "write.other"}};
  for (const auto& [error, code] : kinds) {
    const Message m = cannot_write_message("/var/lib/loa/clips", error);
    EXPECT_EQ(m.code, code);
    EXPECT_EQ(m.text(), cannot_write_advice("/var/lib/loa/clips", error));
    EXPECT_TRUE(mentions(m.text(Language::vi), "/var/lib/loa/clips"));
    EXPECT_NE(m.text(Language::vi), m.text());
  }
}

}  // namespace
}  // namespace loa
