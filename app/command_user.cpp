#include "command_user.hpp"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <iostream>

#include "command_support.hpp"
#include "commands.hpp"
#include "loa/accounts.hpp"
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

std::string zones_text(const Account& a) {
  return a.zones.empty() ? "all" : joined(a.zones, ",");
}

int add_user(const UserArgs& args, const StationSettings& settings) {
  const auto role = parse_role(args.role);
  if (!role) {
    std::cerr << kPrefix << "unknown role '" << args.role
              << "'; use --role viewer, operator or admin\n";
    return kExitUsage;
  }
  const auto zones = station_zones(args.zones, settings);
  if (!zones) return kExitInvalid;
  check_account_name(args.name);
  AccountStore store(accounts_path(settings.state));
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
            << "': " << role_name(*role) << ", zones " << zones_text(account)
            << ". They log in on the control page of loa run.\n";
  return kExitOk;
}

int remove_user(const UserArgs& args, const StationSettings& settings) {
  const auto file = accounts_path(settings.state);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec) || !AccountStore(file).remove(args.name)) {
    std::cerr << kPrefix << "there is no user '" << args.name << "'; loa user list --config "
              << args.config.string() << " shows who there is\n";
    return kExitInvalid;
  }
  std::cout << kPrefix << "removed '" << args.name << "'; they can no longer log in.\n";
  return kExitOk;
}

int list_users(const UserArgs& args, const StationSettings& settings) {
  const auto file = accounts_path(settings.state);
  std::error_code ec;
  const auto accounts =
      std::filesystem::exists(file, ec) ? AccountStore(file).list() : std::vector<Account>{};
  if (accounts.empty()) {
    std::cout << kPrefix << "no users yet; add one with: loa user add NAME --role admin --config "
              << args.config.string() << '\n';
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
  const auto station = station_for_journal(args.config, "loa user");
  if (!station) return kExitInvalid;
  try {
    switch (args.action) {
      case UserAction::add:
        return add_user(args, station->settings);
      case UserAction::remove:
        return remove_user(args, station->settings);
      case UserAction::list:
        return list_users(args, station->settings);
    }
  } catch (const std::exception& e) {
    std::cerr << kPrefix << e.what() << '\n';
    return kExitInvalid;
  }
  return kExitUsage;
}

}  // namespace loa
