#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace loa {

enum class UserAction { add, remove, list };

struct UserArgs {
  UserAction action = UserAction::list;
  std::filesystem::path config;
  std::string name;                // add, remove
  std::string role;                // add: viewer, operator or admin
  std::vector<std::string> zones;  // add: zone ids of the station; empty: every zone
  bool replace = false;            // add: change an existing user
};

// `loa user add|remove|list`: the people who may log in to the control page, in the station's
// state folder (users.db). add reads the password from standard input: asked twice without echo
// on a terminal, else one line. Exit 0 done, 1 refused (unknown zone, user exists or is missing,
// bad name or password, unreadable station), 2 wrong usage.
int run_user(const UserArgs& args);

}  // namespace loa
