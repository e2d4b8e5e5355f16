#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace loa {

enum class UserAction { add, remove, list };

struct UserArgs {
  UserAction action = UserAction::list;
  std::filesystem::path config;           // the station file: its state folder's accounts
  std::filesystem::path district_config;  // or district.yaml: the district page's accounts
  std::string name;                // add, remove
  std::string role;                // add: viewer, operator or admin
  std::vector<std::string> zones;  // add: zone ids of the station; empty: every zone
  bool replace = false;            // add: change an existing user
};

// `loa user add|remove|list`: the people who may log in to the control page, in the station's
// state folder (users.db), or with --district-config to the district's page (users.db beside the
// district's database; no zones there). add reads the password from standard input: asked twice without echo
// on a terminal, else one line. Exit 0 done, 1 refused (unknown zone, user exists or is missing,
// bad name or password, unreadable station), 2 wrong usage.
int run_user(const UserArgs& args);

}  // namespace loa
