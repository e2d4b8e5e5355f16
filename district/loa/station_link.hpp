#pragma once
// The station's side of the district link (`loa run --district mqtts://HOST:8883`): publishes the
// journal's as-run outbox (batches of at most 200 rows, marked sent only when the broker
// acknowledges them), a retained heartbeat every 60 s and at each connect, a last will, and
// receives campaigns (campaign_receiver), installing them as `loa campaign install` does.
//
// Threads: one worker thread of its own, which owns its journal connections and does every file
// and database operation; MQTT callbacks (on the link's network thread) only queue events for it.
// The engine never waits for it: with the broker down the station airs on, the outbox grows, and
// everything is sent once the broker is back. `health` is called on the worker thread.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "loa/district_credentials.hpp"
#include "loa/district_wire.hpp"
#include "loa/mqtt_link.hpp"

namespace loa {

struct StationLinkOptions {
  std::filesystem::path config;  // the station file: read again for every campaign install
  std::filesystem::path state;   // station.state
  std::string district;          // station.district
  MqttEndpoint endpoint;
  DistrictCredentials credentials;
  std::string version;  // loa's, for the heartbeat
  // What the engine has on air and next, and its last error (the rest is filled in here).
  std::function<StationHealth()> health;
  std::chrono::seconds heartbeat{60};
  // How often the journal is asked for new as-run rows (and right after each acknowledgement).
  std::chrono::milliseconds outbox_poll{5000};
  std::chrono::seconds max_backoff{60};
  // Rows the broker took this long ago that the district has not receipted are sent again (once
  // the district is known to send receipts): a broker that lost its saved state lost them.
  std::chrono::seconds resend_after{600};
};

struct StationLinkCounts {
  std::uint64_t rows_sent = 0;       // acknowledged by the broker (a row sent again counts again)
  std::uint64_t rows_receipted = 0;  // in the district's receipts
  std::uint64_t messages_refused = 0;
  std::uint64_t campaigns_installed = 0;
};

class StationLink {
 public:
  // Throws std::invalid_argument for unusable options (a district or station name that is not
  // 1..64 of a-z, 0-9 and '-', a CA file libmosquitto cannot use).
  explicit StationLink(StationLinkOptions options);
  ~StationLink();  // stop()
  StationLink(const StationLink&) = delete;
  StationLink& operator=(const StationLink&) = delete;

  // Starts the worker and the network threads; returns at once.
  void start();
  // Stops both (a clean disconnect: no will). noexcept; waits at most a few seconds.
  void stop() noexcept;

  StationLinkCounts counts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loa
