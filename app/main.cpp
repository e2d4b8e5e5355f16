// loa: a broadcast scheduler for loudspeaker radio stations.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "loa: plays a loudspeaker station's programmes on time.\n"
      "Run 'loa COMMAND --help' for a command's options."};
  app.set_version_flag("--version", std::string("loa ") + LOA_VERSION);
  app.require_subcommand(1);

  loa::CheckArgs check;
  auto* c = app.add_subcommand("check",
                               "Check a station file and everything it uses; print every problem");
  c->add_option("--config", check.config, "The station file (YAML)")->required();
  c->add_option("--today", check.today, "Check as if today were this date (YYYY-MM-DD)");

  loa::PlanArgs plan;
  auto* p = app.add_subcommand("plan", "Show what airs when, after conflicts are resolved");
  p->add_option("--config", plan.config, "The station file (YAML)")->required();
  p->add_option("--from", plan.from,
                "Start: 2026-12-01 or 2026-12-01T06:00 (local), or with +07:00 (default: today)");
  p->add_option("--to", plan.to, "End, exclusive (default: a day after --from)");
  p->add_flag("--json", plan.json, "One JSON object per line per broadcast");
  p->add_flag("--items", plan.items, "Also list each item of each broadcast");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return loa::kExitUsage;
  }
  try {
    if (*c) return loa::run_check(check);
    if (*p) return loa::run_plan(plan);
  } catch (const std::exception& e) {
    std::cerr << "loa: " << e.what() << '\n';
    return loa::kExitInvalid;
  }
  return loa::kExitUsage;
}
