#include "loa/mqtt_link.hpp"

#include <mosquitto.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

namespace loa {

namespace {

std::once_flag library_ready;
constexpr std::chrono::seconds kConnectTimeout{5};
// While connected, the network thread sleeps in libmosquitto until something arrives, a publish
// or stop() wakes it, or this passes (for the keepalive's PINGREQ): an idle station's link wakes
// about twice a minute, not every second.
constexpr int kIdleLoopMs = 25'000;

bool is_loopback(std::string_view host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

std::string describe(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

}  // namespace

MqttEndpoint parse_mqtt_url(std::string_view url) {
  MqttEndpoint e;
  std::string_view rest;
  if (url.starts_with("mqtts://")) {
    rest = url.substr(8);
  } else if (url.starts_with("mqtt://")) {
    rest = url.substr(7);
    e.tls = false;
    e.port = 1883;
  } else {
    throw MqttUrlError("'" + std::string(url) +
                       "' is not a broker address: write mqtts://HOST:8883 (MQTT over TLS)");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view host = rest;
  if (rest.starts_with('[')) {  // [::1]:8883
    const auto close = rest.find(']');
    if (close == std::string_view::npos) throw MqttUrlError("'" + std::string(url) + "': no ']'");
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      throw MqttUrlError("'" + std::string(url) + "': expected :PORT after the host");
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    rest = rest.substr(colon);
  } else {
    rest = {};
  }
  if (rest.starts_with(':')) {
    const std::string_view digits = rest.substr(1);
    int port = 0;
    bool ok = !digits.empty() && digits.size() <= 5;
    for (const char c : digits) {
      if (c < '0' || c > '9') ok = false;
      port = port * 10 + (c - '0');
    }
    if (!ok || port < 1 || port > 65535) {
      throw MqttUrlError("'" + std::string(url) + "': the port must be a number from 1 to 65535");
    }
    e.port = port;
  }
  if (host.empty() || host.find_first_of("/?#@ ") != std::string_view::npos) {
    throw MqttUrlError("'" + std::string(url) + "': no host name (write mqtts://HOST:8883)");
  }
  e.host = std::string(host);
  if (!e.tls && !is_loopback(e.host)) {
    throw MqttUrlError("'" + std::string(url) +
                       "': plain mqtt:// would send the station's password and its journal "
                       "unencrypted; use mqtts://" +
                       e.host + ":8883");
  }
  return e;
}

struct MqttLink::Impl {
  MqttOptions o;
  mosquitto* m = nullptr;
  std::thread thread;
  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::vector<std::string> subscriptions;  // under mutex
  std::string error;                       // under mutex
  std::atomic<bool> up{false};
  bool accepted = false;  // a CONNACK accepted this attempt (network thread only)
  std::minstd_rand jitter{std::random_device{}()};

  // The wait before the next attempt: a random time from a tenth of `backoff` to all of it
  // ("full jitter"). When a broker restarts, every station loses it at the same instant; waiting
  // exactly 1, 2, 4 s would bring them all back in the same second, a storm of TLS handshakes the
  // broker cannot answer within kConnectTimeout, so they would fail together again.
  std::chrono::milliseconds next_wait(std::chrono::seconds backoff) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count();
    std::uniform_int_distribution<long long> d(ms / 10, ms);
    return std::chrono::milliseconds{d(jitter)};
  }

  void note(std::string why) {
    const std::lock_guard lock(mutex);
    error = std::move(why);
  }

  static void connected(mosquitto* m, void* self, int rc) {
    auto* i = static_cast<Impl*>(self);
    if (rc != 0) {
      i->note(std::string("the broker refused the connection: ") + mosquitto_connack_string(rc));
      return;
    }
    i->accepted = true;
    std::vector<std::string> subs;
    {
      const std::lock_guard lock(i->mutex);
      subs = i->subscriptions;
      i->error.clear();
    }
    for (const auto& s : subs) mosquitto_subscribe(m, nullptr, s.c_str(), 1);
    i->up = true;
    if (i->o.on_connected) i->o.on_connected();
  }

  static void disconnected(mosquitto*, void* self, int) { static_cast<Impl*>(self)->up = false; }

  static void published(mosquitto*, void* self, int mid) {
    auto* i = static_cast<Impl*>(self);
    if (i->o.on_acknowledged) i->o.on_acknowledged(mid);
  }

  static void received(mosquitto*, void* self, const mosquitto_message* msg) {
    auto* i = static_cast<Impl*>(self);
    const std::string topic = msg->topic != nullptr ? msg->topic : "";
    const auto size = static_cast<std::size_t>(msg->payloadlen);
    if (i->o.max_payload && size > i->o.max_payload(topic)) {
      if (i->o.on_refused) {
        i->o.on_refused(topic, "a message of " + std::to_string(size) + " bytes, more than the " +
                                   std::to_string(i->o.max_payload(topic)) +
                                   " this topic takes, is dropped unread");
      }
      return;
    }
    if (!i->o.on_message) return;
    MqttMessage m;
    m.topic = topic;
    m.payload.assign(static_cast<const char*>(msg->payload), size);
    m.retain = msg->retain;
    m.qos = msg->qos;
    i->o.on_message(std::move(m));
  }

  int keepalive_ms() const {
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(o.keepalive).count());
  }

  // The network thread: connect, run the loop until it fails, wait, reconnect.
  void run() {
    std::chrono::seconds backoff{1};
    bool first = true;
    for (;;) {
      {
        const std::lock_guard lock(mutex);
        if (stopping) break;
      }
      accepted = false;
      int rc = first ? mosquitto_connect_async(m, o.endpoint.host.c_str(), o.endpoint.port,
                                               static_cast<int>(o.keepalive.count()))
                     : mosquitto_reconnect_async(m);
      first = false;
      // libmosquitto 2.0.11 does not always notice that an asynchronous connect failed (it waits
      // on the socket for ever), so an attempt without a CONNACK in time is given up.
      const auto give_up = std::chrono::steady_clock::now() + kConnectTimeout;
      if (rc == MOSQ_ERR_SUCCESS) {
        for (;;) {
          // Woken at once by a publish or stop() (threaded mode: libmosquitto's socket pair).
          rc = mosquitto_loop(
              m, accepted ? std::clamp(keepalive_ms() / 2, 1000, kIdleLoopMs) : 1000, 1);
          if (rc != MOSQ_ERR_SUCCESS) break;
          if (!accepted && std::chrono::steady_clock::now() > give_up) {
            note("no answer from the district's broker " + o.endpoint.host + ":" +
                 std::to_string(o.endpoint.port) + " within " +
                 std::to_string(kConnectTimeout.count()) + " s");
            rc = MOSQ_ERR_CONN_REFUSED;  // keeps that reason
            break;
          }
          const std::lock_guard lock(mutex);
          if (stopping) break;
        }
      }
      {
        std::unique_lock lock(mutex);
        if (stopping) break;
        up = false;
        if (rc != MOSQ_ERR_CONN_REFUSED || error.empty()) {
          error = "cannot reach the district's broker " + o.endpoint.host + ":" +
                  std::to_string(o.endpoint.port) + ": " + describe(rc);
        }
        const std::string why = error;
        lock.unlock();
        if (o.on_disconnected) o.on_disconnected(why);
        if (accepted) backoff = std::chrono::seconds{1};
        lock.lock();
        wake.wait_for(lock, next_wait(backoff), [&] { return stopping; });
        if (stopping) break;
      }
      backoff = std::min(backoff * 2, o.max_backoff);
    }
    if (up) {
      mosquitto_disconnect(m);
      mosquitto_loop(m, 100, 1);  // writes the DISCONNECT, so the broker keeps the will to itself
    }
    up = false;
  }
};

MqttLink::MqttLink(MqttOptions options) : impl_(std::make_unique<Impl>()) {
  std::call_once(library_ready, [] { mosquitto_lib_init(); });
  auto& i = *impl_;
  i.o = std::move(options);
  if (i.o.client_id.empty()) throw std::invalid_argument("the MQTT link needs a client id");
  i.subscriptions = i.o.subscriptions;
  i.m = mosquitto_new(i.o.client_id.c_str(), i.o.clean_session, &i);
  if (i.m == nullptr)
    throw std::runtime_error("cannot make an MQTT client: " + describe(MOSQ_ERR_ERRNO));
  mosquitto_threaded_set(i.m, true);
  mosquitto_connect_callback_set(i.m, &Impl::connected);
  mosquitto_disconnect_callback_set(i.m, &Impl::disconnected);
  mosquitto_publish_callback_set(i.m, &Impl::published);
  mosquitto_message_callback_set(i.m, &Impl::received);
  if (!i.o.user.empty()) {
    mosquitto_username_pw_set(i.m, i.o.user.c_str(), i.o.password.c_str());
  }
  if (i.o.endpoint.tls) {
    if (i.o.ca.empty()) throw std::invalid_argument("MQTT over TLS needs the district's CA file");
    const int rc = mosquitto_tls_set(i.m, i.o.ca.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      throw std::invalid_argument("cannot use the CA file " + i.o.ca.string() + ": " +
                                  describe(rc) + " (is it a PEM certificate loa may read?)");
    }
    mosquitto_tls_opts_set(i.m, 1, "tlsv1.2", nullptr);
  }
  if (i.o.will) {
    const auto& w = *i.o.will;
    mosquitto_will_set(i.m, w.topic.c_str(), static_cast<int>(w.payload.size()), w.payload.data(),
                       w.qos, w.retain);
  }
}

MqttLink::~MqttLink() {
  stop();
  mosquitto_destroy(impl_->m);
}

void MqttLink::start() {
  if (impl_->thread.joinable()) return;
  impl_->thread = std::thread([i = impl_.get()] {
    ::pthread_setname_np(::pthread_self(), "loa-mqtt");  // so `top -H` says which thread it is
    i->run();
  });
}

void MqttLink::stop() noexcept {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  // Sends DISCONNECT (so the broker keeps the will to itself) and wakes the network thread out of
  // its idle wait. libmosquitto is built for this call from another thread (threaded mode).
  if (impl_->up) mosquitto_disconnect(impl_->m);
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::optional<int> MqttLink::publish(const MqttMessage& msg) {
  int mid = 0;
  const int rc =
      mosquitto_publish(impl_->m, &mid, msg.topic.c_str(), static_cast<int>(msg.payload.size()),
                        msg.payload.data(), msg.qos, msg.retain);
  if (rc != MOSQ_ERR_SUCCESS) return std::nullopt;
  return mid;
}

void MqttLink::subscribe(const std::string& pattern) {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->subscriptions.push_back(pattern);
  }
  if (impl_->up) mosquitto_subscribe(impl_->m, nullptr, pattern.c_str(), 1);
}

void MqttLink::unsubscribe(const std::string& pattern) {
  {
    const std::lock_guard lock(impl_->mutex);
    std::erase(impl_->subscriptions, pattern);
  }
  if (impl_->up) mosquitto_unsubscribe(impl_->m, nullptr, pattern.c_str());
}

bool MqttLink::connected() const {
  return impl_->up;
}

std::string MqttLink::last_error() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->error;
}

}  // namespace loa
