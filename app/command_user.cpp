#include "command_user.hpp"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <iostream>

#include "command_support.hpp"
#include "commands.hpp"
#include "loa/accounts.hpp"
#include "loa/district_config.hpp"
#include "loa/district_server.hpp"
#include "loa/text_columns.hpp"

namespace loa {

namespace {

constexpr const char* kPrefix = "loa user: ";

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
  return out;
}

// The terminal's settings while a password is typed, so that Ctrl-C does not leave it mute.
termios g_saved_terminal;

extern "C" void restore_terminal_and_stop(int signal) {
  tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

// One line typed on the terminal without echo; nullopt at end of input.
std::optional<std::string> ask_hidden(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios quiet{};
  const bool is_terminal = tcgetattr(STDIN_FILENO, &g_saved_terminal) == 0;
  if (is_terminal) {
    quiet = g_saved_terminal;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    std::signal(SIGINT, restore_terminal_and_stop);
    std::signal(SIGTERM, restore_terminal_and_stop);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (is_terminal) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_terminal);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  std::cerr << '\n';
  if (!got) return std::nullopt;
  return line;
}

// The password from standard input; nullopt (said why) if there is none or the two differ.
std::optional<std::string> read_password(const std::string& name) {
  if (isatty(STDIN_FILENO) == 1) {
    const auto first = ask_hidden("Password for " + name + ": ");
    const auto again = first ? ask_hidden("Again: ") : std::nullopt;
    if (!again) {
      std::cerr << kPrefix << "no password given; nothing was changed\n";
      return std::nullopt;
    }
    if (*first != *again) {
      std::cerr << kPrefix
                << "the two passwords differ; nothing was changed. Run the command "
                   "again.\n";
      return std::nullopt;
    }
    return first;
  }
  std::string line;
  if (!std::getline(std::cin, line) || line.empty() || line == "\r") {
    std::cerr << kPrefix
              << "no password on standard input; type it when asked, or give it as one line "
                 "(printf '%s\\n' PASSWORD | loa user add ...)\n";
    return std::nullopt;
  }
  if (line.back() == '\r') line.pop_back();
  return line;
}

// The account's zones, each a zone of the station, without repeats; nullopt (said why) otherwise.
std::optional<std::vector<std::string>> station_zones(const std::vector<std::string>& wanted,
                                                      const StationSettings& settings) {
  std::vector<std::string> zones;
  for (const auto& z : wanted) {
    if (settings.zone_index(z) < 0) {
      std::cerr << kPrefix << "the station has no zone '" << z
                << "'; its zones are: " << joined(settings.zone_ids(), ", ") << '\n';
      return std::nullopt;
    }
    if (std::ranges::find(zones, z) == zones.end()) zones.push_back(z);
  }
  return zones;
}

// Whose accounts: a station's (its zones) or the district office's (no zones).
struct AccountsPlace {
  std::filesystem::path file;                 // users.db
  const StationSettings* settings = nullptr;  // the station; nullptr for the district
  std::string option;                         // "--config station.yaml", for the next step
  const char* page = "the control page of loa run";
};

std::string zones_text(const Account& a) {
  return a.zones.empty() ? "all" : joined(a.zones, ",");
}

int add_user(const UserArgs& args, const AccountsPlace& place) {
  const auto role = parse_role(args.role);
  if (!role) {
    std::cerr << kPrefix << "unknown role '" << args.role
              << "'; use --role viewer, operator or admin\n";
    return kExitUsage;
  }
  if (place.settings == nullptr && !args.zones.empty()) {
    std::cerr << kPrefix << "the district's page has no zones; leave out --zones\n";
    return kExitUsage;
  }
  const auto zones = place.settings == nullptr ? std::vector<std::string>{}
                                               : station_zones(args.zones, *place.settings);
  if (!zones) return kExitInvalid;
  check_account_name(args.name);
  AccountStore store(place.file);
  const bool exists = store.find(args.name).has_value();
  if (exists && !args.replace) {
    std::cerr << kPrefix << "user '" << args.name
              << "' exists; use --replace to change it (its password, role and zones)\n";
    return kExitInvalid;
  }
  const auto password = read_password(args.name);
  if (!password) return kExitInvalid;
  const Account account{args.name, *role, *zones};
  store.add(account, *password, args.replace);
  std::cout << kPrefix << (exists ? "changed '" : "added '") << args.name
            << "': " << role_name(*role)
            << (place.settings == nullptr ? "" : ", zones " + zones_text(account))
            << ". They log in on " << place.page << ".\n";
  return kExitOk;
}

int remove_user(const UserArgs& args, const AccountsPlace& place) {
  const auto& file = place.file;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec) || !AccountStore(file).remove(args.name)) {
    std::cerr << kPrefix << "there is no user '" << args.name << "'; loa user list " << place.option
              << " shows who there is\n";
    return kExitInvalid;
  }
  std::cout << kPrefix << "removed '" << args.name << "'; they can no longer log in.\n";
  return kExitOk;
}

int list_users(const AccountsPlace& place) {
  const auto& file = place.file;
  std::error_code ec;
  const auto accounts =
      std::filesystem::exists(file, ec) ? AccountStore(file).list() : std::vector<Account>{};
  if (accounts.empty()) {
    std::cout << kPrefix << "no users yet; add one with: loa user add NAME --role admin "
              << place.option << '\n';
    return kExitOk;
  }
  std::size_t name_width = display_width("NAME");
  for (const auto& a : accounts) name_width = std::max(name_width, display_width(a.name));
  std::cout << pad_right("NAME", name_width) << "  " << pad_right("ROLE", 8) << "  ZONES\n";
  for (const auto& a : accounts) {
    std::cout << pad_right(a.name, name_width) << "  " << pad_right(role_name(a.role), 8) << "  "
              << zones_text(a) << '\n';
  }
  return kExitOk;
}

}  // namespace

int run_user(const UserArgs& args) {
  AccountsPlace place;
  std::optional<Station> station;
  if (!args.district_config.empty()) {
    Diagnostics d;
    const DistrictConfig district = load_district_config(args.district_config, d);
    if (d.has_errors()) {
      d.print(std::cerr, language_from_environment());
      std::cerr << kPrefix << "fix " << args.district_config.string() << " and try again\n";
      return kExitInvalid;
    }
    place.file = district_accounts_path(district);
    place.option = "--district-config " + args.district_config.string();
    place.page = "the district's page (loa district --config)";
  } else if (!args.config.empty()) {
    station = station_for_journal(args.config, "loa user");
    if (!station) return kExitInvalid;
    place.file = accounts_path(station->settings.state);
    place.settings = &station->settings;
    place.option = "--config " + args.config.string();
  } else {
    std::cerr << kPrefix
              << "give --config STATION.yaml (a station's accounts) or --district-config "
                 "district.yaml (the district's page)\n";
    return kExitUsage;
  }
  try {
    switch (args.action) {
      case UserAction::add:
        return add_user(args, place);
      case UserAction::remove:
        return remove_user(args, place);
      case UserAction::list:
        return list_users(place);
    }
  } catch (const std::exception& e) {
    std::cerr << kPrefix << e.what() << '\n';
    return kExitInvalid;
  }
  return kExitUsage;
}

}  // namespace loa
