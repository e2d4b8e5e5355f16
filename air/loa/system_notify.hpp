#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace loa {

// Tells systemd how the service is doing (sd_notify(3)), for Type=notify and WatchdogSec=.
// Every function is a no-op when not started by systemd (NOTIFY_SOCKET unset), never throws and
// never blocks for long (one datagram on a local socket). Any thread may call them.
namespace system_notify {

// Start-up is complete: systemd considers the service started.
void ready() noexcept;
// A one-line status shown by `systemctl status`.
void status(std::string_view text) noexcept;
// The service is alive; send it at least every watchdog_interval() / 2.
void watchdog() noexcept;
// Shutdown has begun.
void stopping() noexcept;

// The watchdog timeout systemd expects pings within (WatchdogSec=), or nullopt when there is no
// watchdog for this process. Ping at half of it.
std::optional<std::chrono::microseconds> watchdog_interval() noexcept;

}  // namespace system_notify
}  // namespace loa
