// `loa live`: speaking live through a running loa run (POST, GET and DELETE /api/live).
#include <signal.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "command_client.hpp"
#include "commands.hpp"

namespace loa {

namespace {

using namespace std::chrono_literals;

// A level line this often while speaking.
constexpr auto kLevelEvery = 5s;
// The station ends the broadcast at its max; the client gives it this long before ending it.
constexpr auto kGrace = 30s;

std::string clock_of(const nlohmann::json& iso) {
  const std::string t = iso.is_string() ? iso.get<std::string>() : std::string();
  return t.size() >= 19 ? t.substr(11, 8) : t;
}

std::string joined(const nlohmann::json& list) {
  std::string out;
  for (const auto& z : list) out += (out.empty() ? "" : ", ") + z.get<std::string>();
  return out;
}

// The level on air after levelling, then the input as it arrives (too quiet? clipping?).
std::string level_line(const nlohmann::json& live) {
  const auto& air = live["level"];
  const auto& input = live["input_level"];
  if (!air.is_object()) return "level: measuring";
  char text[96];
  std::snprintf(text, sizeof text, "level on air: peak %.1f dBFS, rms %.1f dBFS",
                air["peak_dbfs"].get<double>(), air["rms_dbfs"].get<double>());
  std::string out = text;
  if (!input.is_object()) return out + "; input: no sound arrives (is it plugged in?)";
  std::snprintf(text, sizeof text, "; input: peak %.1f dBFS, rms %.1f dBFS",
                input["peak_dbfs"].get<double>(), input["rms_dbfs"].get<double>());
  return out + text;
}

// Waits up to `timeout` for SIGINT or SIGTERM (blocked, so they are taken here); which came, or 0.
int wait_signal(const sigset_t& set, std::chrono::milliseconds timeout) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  ts.tv_nsec = static_cast<long>(timeout.count() % 1000) * 1'000'000;
  const int got = sigtimedwait(&set, nullptr, &ts);
  return got > 0 ? got : 0;
}

int end_live(const ClientArgs& args, const std::string& why) {
  const auto a = ask_loa_run(args, "loa live", "DELETE", "/api/live", {});
  if (!a) return kExitInvalid;
  std::cout << "live ended (" << why << ")" << std::endl;
  return kExitOk;
}

}  // namespace

int run_live(const ClientArgs& args) {
  // Ctrl-C and SIGTERM end the broadcast before this ends: taken by sigtimedwait, not by default.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  nlohmann::json body = {
      {"zones", args.zones.empty() ? nlohmann::json("all") : nlohmann::json(args.zones)}};
  body["priority"] = args.priority.empty() ? std::string("normal") : args.priority;
  if (!args.input.empty()) body["input"] = args.input;
  if (!args.max.empty()) body["max"] = args.max;
  const auto started = ask_loa_run(args, "loa live", "POST", "/api/live", body);
  if (!started) return kExitInvalid;
  const nlohmann::json& s = started->body;
  const std::string scheduled = s["scheduled"].get<std::string>();
  const auto max = std::chrono::duration<double>(s["max_seconds"].get<double>());
  std::cout << "live (" << s["priority"].get<std::string>() << ") on " << joined(s["zones"])
            << " from input " << s["input"].get<std::string>() << ", at most "
            << static_cast<long long>(max.count()) << " s; Ctrl-C ends it" << std::endl;

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(max) +
                        kGrace;
  bool speaking = false;
  auto next_level = std::chrono::steady_clock::now();
  for (;;) {
    if (const int sig = wait_signal(set, 250ms)) {
      return end_live(args, sig == SIGINT ? "Ctrl-C" : "SIGTERM");
    }
    if (std::chrono::steady_clock::now() > deadline) return end_live(args, "--max");
    const auto now = ask_loa_run(args, "loa live", "GET", "/api/live", {});
    if (!now) return kExitInvalid;
    const nlohmann::json& live = now->body["live"];
    if (live.is_null() || live["scheduled"] != scheduled) {
      std::cout << "live ended" << (speaking ? "" : " before it went on air")
                << " (its max, or someone stopped it)" << std::endl;
      return kExitOk;
    }
    if (!speaking && live["speaking"].get<bool>()) {
      speaking = true;
      std::cout << "on air: speak now (until " << clock_of(live["ends"]) << ")" << std::endl;
      next_level = std::chrono::steady_clock::now() + 1s;
    }
    if (speaking && std::chrono::steady_clock::now() >= next_level) {
      std::cout << level_line(live) << std::endl;
      next_level += kLevelEvery;
    }
  }
}

}  // namespace loa
