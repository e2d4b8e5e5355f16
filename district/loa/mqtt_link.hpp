#pragma once
// A connection to the district's MQTT broker (Mosquitto), over libmosquitto: TLS with the
// district's CA, a user and password, a persistent session (clean_session false) under a fixed
// client id, a last will, QoS 1 publishing with a callback when the broker acknowledges
// (PUBACK), subscriptions renewed at every connect, and reconnection with backoff (1 s doubling
// to 60 s, each wait a random part of that, so stations that lost a restarting broker together do
// not all come back in the same second) for as long as the link lives, whatever the failure
// (network, DNS, TLS, refused login).
//
// Threads: the link runs one network thread of its own. Every callback in MqttOptions runs on that
// thread, one at a time; a callback must not block for long and must not call stop(). publish(),
// subscribe(), connected() and last_error() may be called from any thread.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loa {

// A broker URL that cannot be used; what() says why and what to write instead.
struct MqttUrlError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct MqttEndpoint {
  std::string host;
  int port = 8883;
  bool tls = true;
};

// `mqtts://HOST[:PORT]` (TLS, port 8883 by default). Plain `mqtt://` is accepted only for a
// loopback host (127.0.0.1, ::1, localhost), where nothing travels over a network. Throws
// MqttUrlError.
MqttEndpoint parse_mqtt_url(std::string_view url);

struct MqttMessage {
  std::string topic;
  std::string payload;
  bool retain = false;
  int qos = 1;
};

struct MqttOptions {
  MqttEndpoint endpoint;
  std::string client_id;
  std::string user;
  std::string password;
  std::filesystem::path ca;  // PEM file of the CA that signed the broker's certificate
  bool clean_session = false;
  std::optional<MqttMessage> will;
  std::chrono::seconds keepalive{60};
  std::chrono::seconds max_backoff{60};
  // Subscribed (QoS 1) at every connect, in this order.
  std::vector<std::string> subscriptions;
  // The largest payload taken on `topic`; a longer message is dropped before on_message and
  // reported through on_refused.
  std::function<std::size_t(std::string_view topic)> max_payload;

  // All on the link's network thread (see above).
  std::function<void()> on_connected;
  std::function<void(const std::string& why)> on_disconnected;  // also each failed attempt
  // Handed over by value (moved): a clip chunk is 256 KiB, not copied again on its way.
  std::function<void(MqttMessage)> on_message;
  std::function<void(int mid)> on_acknowledged;  // the broker took message `mid` (PUBACK)
  std::function<void(const std::string& topic, const std::string& why)> on_refused;
};

class MqttLink {
 public:
  // Checks the options (throws std::invalid_argument naming what is wrong: a missing CA file, an
  // empty client id). Does not connect: start() does.
  explicit MqttLink(MqttOptions options);
  ~MqttLink();  // stop()
  MqttLink(const MqttLink&) = delete;
  MqttLink& operator=(const MqttLink&) = delete;

  // Starts the network thread, which connects and keeps connecting. Never blocks on the network.
  void start();
  // Disconnects cleanly (the will is not sent) and joins the network thread. noexcept; waits at
  // most about a second.
  void stop() noexcept;

  // Sends a message (QoS 1: libmosquitto sends it again after a reconnect until the broker
  // acknowledges it). Returns its message id, or nullopt when it cannot be sent: not connected
  // (the caller keeps what must survive; libmosquitto 2.0 may still send such a message after it
  // reconnects, so treat it as "maybe sent": a duplicate, never a loss), too large.
  std::optional<int> publish(const MqttMessage& m);
  // Subscribes now (when connected) and at every later connect.
  void subscribe(const std::string& pattern);
  void unsubscribe(const std::string& pattern);

  bool connected() const;
  std::string last_error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loa
