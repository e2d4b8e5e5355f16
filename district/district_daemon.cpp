#include "loa/district_daemon.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "loa/as_run_receipt.hpp"
#include "loa/district_credentials.hpp"
#include "loa/district_store.hpp"
#include "loa/mqtt_link.hpp"

namespace loa {

namespace {

using namespace std::chrono_literals;

// What the link's network thread hands to run()'s thread.
struct Inbox {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<MqttMessage> messages;
  std::vector<int> acknowledged;
  std::vector<std::string> lines;  // for the log
  bool connected = false;          // a (re)connect since run() last looked

  void put(auto&& change) {
    {
      const std::lock_guard lock(mutex);
      change();
    }
    wake.notify_one();
  }
};

bool is_campaign_message(const std::string& topic) {
  return topic.find("/campaigns/") != std::string::npos;
}

UtcTime now_utc() {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

// Tells a station which rows of its as-run message the database has taken (as_run_receipt.hpp).
// Not tracked: a receipt lost on the way makes the station send those rows again, and the
// district receipts them again.
void send_receipt(MqttLink& link, const std::string& district, const MqttMessage& m) {
  const std::string prefix = "loa/" + district + "/stations/";
  constexpr std::string_view suffix = "/as-run";
  if (!m.topic.starts_with(prefix) || !m.topic.ends_with(suffix)) return;
  const std::string station =
      m.topic.substr(prefix.size(), m.topic.size() - prefix.size() - suffix.size());
  const auto seqs = as_run_seqs(m.payload);
  if (seqs.empty() || station.empty() || station.find('/') != std::string::npos) return;
  link.publish({receipt_topic(district, station), receipt_message(station, seqs), false, 1});
}

// The stop flag is set by a signal thread that cannot notify the condition variable, so run()
// looks at it this often while idle.
constexpr auto kStopLatency = 500ms;

}  // namespace

DistrictDaemonCounts run_district_daemon(const DistrictConfig& config,
                                         const std::atomic<bool>& stop, std::ostream& log,
                                         const DistrictDaemonOptions& options) {
  const DistrictCredentials account = read_district_credentials(config.credentials);
  DistrictStore store(config.database, config.id);
  Inbox inbox;

  MqttOptions o;
  o.endpoint = parse_mqtt_url(config.broker);
  o.client_id = o.user = account.user;
  o.password = account.password;
  o.ca = account.ca;
  const std::string stations = "loa/" + config.id + "/stations/+/";
  o.subscriptions = {stations + "as-run", stations + "health"};
  // The store checks each kind's own limit and says why; this only keeps a flood out of memory.
  o.max_payload = [](std::string_view) { return std::size_t{(1 << 20) + 1}; };
  o.on_connected = [&] {
    inbox.put([&] {
      inbox.connected = true;
      inbox.lines.push_back("connected to " + config.broker + " as " + account.user);
    });
  };
  o.on_disconnected = [&](const std::string& why) {
    inbox.put([&] {
      inbox.lines.push_back("not connected to " + config.broker + ": " + why +
                            " (trying again; pushes wait, stations keep their as-run)");
    });
  };
  o.on_message = [&](MqttMessage m) { inbox.put([&] { inbox.messages.push_back(std::move(m)); }); };
  o.on_acknowledged = [&](int mid) { inbox.put([&] { inbox.acknowledged.push_back(mid); }); };
  o.on_refused = [&](const std::string& topic, const std::string& why) {
    inbox.put([&] { inbox.lines.push_back("refused a message on " + topic + ": " + why); });
  };
  MqttLink link(o);

  DistrictDaemonCounts counts;
  std::map<int, OutgoingMessage> in_flight;  // by MQTT message id; payloads dropped
  std::int64_t last_sent = 0;                // the highest push id published since connecting
  auto next_poll = std::chrono::steady_clock::now();

  link.start();
  while (!stop.load()) {
    std::deque<MqttMessage> messages;
    std::vector<int> acknowledged;
    std::vector<std::string> lines;
    bool connected = false;
    {
      std::unique_lock lock(inbox.mutex);
      inbox.wake.wait_for(lock, std::min<std::chrono::milliseconds>(kStopLatency, options.poll),
                          [&] {
                            return !inbox.messages.empty() || !inbox.acknowledged.empty() ||
                                   !inbox.lines.empty() || inbox.connected;
                          });
      messages.swap(inbox.messages);
      acknowledged.swap(inbox.acknowledged);
      lines.swap(inbox.lines);
      connected = std::exchange(inbox.connected, false);
    }
    for (const auto& line : lines) log << "loa district: " << line << '\n';
    if (connected) {
      // Whatever was in flight is published again: a retained message sent twice is the same.
      in_flight.clear();
      last_sent = 0;
      next_poll = {};
    }
    for (const int mid : acknowledged) {
      const auto it = in_flight.find(mid);
      if (it == in_flight.end()) continue;
      store.mark_pushed(it->second.id);
      ++counts.published;
      if (is_campaign_message(it->second.topic)) {
        log << "loa district: published " << it->second.topic << " (the broker holds it)\n";
      }
      in_flight.erase(it);
      next_poll = {};
    }
    for (const auto& m : messages) {
      bool decided = true;  // stored or refused for good: the station need not send it again
      try {
        store.ingest(m.topic, m.payload, now_utc());
        ++counts.stored;
      } catch (const DistrictMessageRefused& e) {
        ++counts.refused;
        log << "loa district: refused a message on " << m.topic << ": " << e.what() << '\n';
      } catch (const std::exception& e) {
        decided = false;
        log << "loa district: could not store a message on " << m.topic << ": " << e.what() << '\n';
      }
      if (decided) send_receipt(link, config.id, m);
    }
    const auto now = std::chrono::steady_clock::now();
    if (now < next_poll || !link.connected() || in_flight.size() >= options.window) continue;
    next_poll = now + options.poll;
    const auto window = static_cast<std::int64_t>(options.window - in_flight.size());
    for (auto& m : store.pending_pushes(last_sent, window)) {
      // A campaign message goes out only after everything recorded before it (its chunks).
      if (is_campaign_message(m.topic) && !in_flight.empty()) break;
      const auto mid = link.publish({m.topic, m.payload, m.retained, 1});
      if (!mid) break;
      last_sent = m.id;
      m.payload.clear();
      in_flight.emplace(*mid, std::move(m));
    }
  }
  link.stop();
  return counts;
}

}  // namespace loa
