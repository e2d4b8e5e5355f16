#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace loa {

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

struct CheckArgs {
  std::filesystem::path config;
  std::string today;    // YYYY-MM-DD; empty means the station's today
  bool online = false;  // also probe each relay and look up each input's device (check_online)
};
int run_check(const CheckArgs& args);

struct PlanArgs {
  std::filesystem::path config;
  std::string from;  // empty: today 00:00
  std::string to;    // empty: from + `days` days
  int days = 0;      // 0: one day, unless --to is given
  bool json = false;
  bool items = false;
};
int run_plan(const PlanArgs& args);

}  // namespace loa
