#include "loa/station_link.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <utility>
#include <variant>

#include "loa/as_run_receipt.hpp"
#include "loa/campaign_install.hpp"
#include "loa/campaign_receiver.hpp"
#include "loa/campaign_store.hpp"
#include "loa/journal.hpp"
#include "loa/journal_outbox.hpp"
#include "loa/log.hpp"
#include "loa/station_loader.hpp"
#include "loa/trust_list.hpp"

namespace loa {

namespace {

using Clock = std::chrono::steady_clock;

// A batch not acknowledged within this long is sent again (a duplicate, never a loss).
constexpr std::chrono::seconds kAckPatience{120};
// Rows the broker took this long ago are deleted from the outbox (once a day): the journal keeps
// every broadcast's state anyway, and a month is ample to look into what the district got.
constexpr std::chrono::days kKeepSentFor{30};
// Refusals journaled per run: a flood of bad messages is counted and logged, not journaled whole.
constexpr std::size_t kMaxJournaledRefusals = 200;

UtcTime wall_now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

struct Connected {};
struct Acked {
  int mid;
};
struct Received {
  MqttMessage message;
};
struct Refused {
  std::string topic;
  std::string why;
};
using Event = std::variant<Connected, Acked, Received, Refused>;

}  // namespace

struct StationLink::Impl {
  StationLinkOptions o;
  std::string station;
  std::unique_ptr<MqttLink> link;
  std::thread worker;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Event> events;  // under mutex
  bool stopping = false;     // under mutex
  StationLinkCounts counts;  // under mutex

  // The worker's own.
  struct InFlight {
    int mid = 0;
    std::vector<std::int64_t> seqs;
    Clock::time_point sent;
  };
  std::optional<InFlight> in_flight;
  bool health_due = false;  // a campaign was installed: send a heartbeat now (link thread)
  std::set<std::string> journaled;

  void push(Event e) {
    {
      const std::lock_guard lock(mutex);
      events.push_back(std::move(e));
    }
    wake.notify_one();
  }

  std::string topic_root() const { return "loa/" + o.district + "/"; }

  // A refusal: logged always; journaled the first time it is seen (up to a cap).
  void refuse(Journal& journal, const std::string& from, const std::string& what) {
    {
      const std::lock_guard lock(mutex);
      ++counts.messages_refused;
    }
    log_warning("district: " + from + ": " + what);
    if (journaled.size() >= kMaxJournaledRefusals || !journaled.insert(from + what).second) return;
    try {
      journal.record_action(wall_now(), "district", from, what);
    } catch (const std::exception& e) {
      log_error(std::string("district: cannot journal a refusal: ") + e.what());
    }
  }

  void publish_health() {
    StationHealth h;
    try {
      if (o.health) h = o.health();
      std::error_code ec;
      const auto space = std::filesystem::space(o.state, ec);
      if (!ec) h.free_disk_bytes = space.available;
      for (const auto& c : held_campaigns(o.state)) {
        h.campaigns.emplace_back(c.manifest.campaign, c.manifest.version);
      }
    } catch (const std::exception& e) {
      h.last_error = e.what();
    }
    link->publish({health_topic(o.district, station),
                   health_message(station, o.version, h, wall_now()), true, 1});
  }

  void send_outbox(JournalOutbox& outbox) {
    if (in_flight && Clock::now() - in_flight->sent > kAckPatience) in_flight.reset();
    if (in_flight || !link->connected()) return;
    auto rows = outbox.unsent(kMaxAsRunRows);
    if (rows.empty()) rows = outbox.rows_to_resend(wall_now() - o.resend_after, kMaxAsRunRows);
    if (rows.empty()) return;
    const auto mid =
        link->publish({as_run_topic(o.district, station), as_run_message(station, rows), false, 1});
    if (!mid) return;
    in_flight = InFlight{*mid, {}, Clock::now()};
    for (const auto& r : rows) in_flight->seqs.push_back(r.seq);
  }

  void acknowledged(JournalOutbox& outbox, int mid) {
    if (!in_flight || in_flight->mid != mid) return;  // a heartbeat
    outbox.mark_sent(in_flight->seqs, wall_now());
    {
      const std::lock_guard lock(mutex);
      counts.rows_sent += in_flight->seqs.size();
    }
    in_flight.reset();
    send_outbox(outbox);
  }

  void receipted(JournalOutbox& outbox, const MqttMessage& m) {
    const auto seqs = parse_receipt(m.payload, station);
    outbox.mark_received(seqs, wall_now());
    const std::lock_guard lock(mutex);
    counts.rows_receipted += seqs.size();
  }

  void received(CampaignReceiver& receiver, Journal& journal, JournalOutbox& outbox,
                const MqttMessage& m) {
    const std::string root = topic_root();
    try {
      if (!m.topic.starts_with(root)) throw WireRefused("a message for another district");
      const std::string_view rest = std::string_view(m.topic).substr(root.size());
      if (m.topic == receipt_topic(o.district, station)) {
        receipted(outbox, m);
      } else if (rest.starts_with("campaigns/")) {
        const std::string_view campaign = rest.substr(10);
        receiver.campaign(campaign, m.payload);
      } else if (rest.starts_with("clips/")) {
        const std::string_view path = rest.substr(6);
        const auto slash = path.find('/');
        if (slash == std::string_view::npos) throw WireRefused("a clip chunk without its number");
        receiver.chunk(path.substr(0, slash), path.substr(slash + 1), m.payload);
      } else {
        throw WireRefused("a topic a station does not read");
      }
    } catch (const BundleRefused& e) {
      refuse(journal, m.topic, std::string("campaign bundle refused: ") + e.what());
    } catch (const WireRefused& e) {
      refuse(journal, m.topic, std::string("district message refused: ") + e.what());
    } catch (const std::exception& e) {
      log_error("district: " + m.topic + ": " + e.what());
    }
  }

  // Installs a received campaign; false when refused (journaled by install_campaign_bundle).
  bool install(Journal& journal, const std::filesystem::path& bundle, const std::string& from) {
    std::ostringstream diagnostics;
    try {
      const auto done = install_campaign_bundle(
          o.config, bundle, wall_now(),
          [&](const std::string& what) {
            journal.record_action(wall_now(), "district", from, what);
          },
          diagnostics, /*own_files=*/true);
      log_info("district: " + done.what);
      // The district hears at once what the station now holds, not at the next heartbeat.
      if (done.done.outcome != InstallOutcome::already_held) health_due = true;
      const std::lock_guard lock(mutex);
      if (done.done.outcome != InstallOutcome::already_held) ++counts.campaigns_installed;
      return true;
    } catch (const BundleRefused& e) {
      if (!diagnostics.str().empty()) log_warning(diagnostics.str());
      log_warning("district: " + from + ": campaign bundle refused: " + e.what() +
                  "; the station keeps what it had");
      const std::lock_guard lock(mutex);
      ++counts.messages_refused;
      return false;
    }
  }

  void run() {
    std::unique_ptr<Journal> journal;
    std::unique_ptr<JournalOutbox> outbox;
    try {
      journal = std::make_unique<Journal>(o.state / "journal.db");
      outbox = std::make_unique<JournalOutbox>(o.state / "journal.db");
    } catch (const std::exception& e) {
      log_error(std::string("district: the link stops: ") + e.what());
      return;
    }
    ReceiverHooks hooks;
    hooks.want_clip = [&](const std::string& sha) {
      link->subscribe(clip_chunks_topic(o.district, sha));
    };
    hooks.drop_clip = [&](const std::string& sha) {
      link->unsubscribe(clip_chunks_topic(o.district, sha));
    };
    hooks.trusted = [&] {
      Diagnostics d;
      const Station st = load_station(o.config, d);
      Diagnostics keys_d;
      return read_trust_list(st.settings, keys_d);
    };
    hooks.install = [&](const std::filesystem::path& bundle) {
      // The bundle folder is incoming/bundle-CAMPAIGN: journaled as from the campaign's topic.
      const std::string campaign = bundle.filename().string().substr(7);
      return install(*journal, bundle, topic_root() + "campaigns/" + campaign);
    };
    CampaignReceiver receiver(o.state, o.district, hooks);

    link->start();
    auto next_heartbeat = Clock::now() + o.heartbeat;
    auto next_poll = Clock::now();
    auto next_forget = Clock::now();
    for (;;) {
      std::deque<Event> batch;
      {
        std::unique_lock lock(mutex);
        wake.wait_until(lock, std::min(next_heartbeat, next_poll),
                        [&] { return stopping || !events.empty(); });
        if (stopping) break;
        batch.swap(events);
      }
      try {
        for (auto& e : batch) {
          if (std::holds_alternative<Connected>(e)) {
            log_info("district: connected to " + o.endpoint.host + ":" +
                     std::to_string(o.endpoint.port));
            in_flight.reset();  // what was in flight is sent again from the outbox
            publish_health();
            next_heartbeat = Clock::now() + o.heartbeat;
            send_outbox(*outbox);
          } else if (auto* a = std::get_if<Acked>(&e)) {
            acknowledged(*outbox, a->mid);
          } else if (auto* r = std::get_if<Received>(&e)) {
            received(receiver, *journal, *outbox, r->message);
          } else if (auto* f = std::get_if<Refused>(&e)) {
            refuse(*journal, f->topic, "district message refused: " + f->why);
          }
        }
        const auto now = Clock::now();
        if (now >= next_poll) {
          send_outbox(*outbox);
          next_poll = now + o.outbox_poll;
        }
        if (now >= next_forget) {
          next_forget = now + std::chrono::days{1};
          if (const auto n = outbox->forget_sent(wall_now() - kKeepSentFor); n > 0) {
            log_info("district: forgot " + std::to_string(n) +
                     " as-run row(s) the district has had for over " +
                     std::to_string(kKeepSentFor.count()) + " days");
          }
        }
        if (now >= next_heartbeat || (health_due && link->connected())) {
          health_due = false;
          if (link->connected()) publish_health();
          next_heartbeat = now + o.heartbeat;
        }
      } catch (const std::exception& e) {
        log_error(std::string("district: ") + e.what() + "; the link goes on");
      }
    }
    link->stop();
  }
};

StationLink::StationLink(StationLinkOptions options) : impl_(std::make_unique<Impl>()) {
  auto& i = *impl_;
  i.o = std::move(options);
  i.station = i.o.credentials.user;
  if (!is_campaign_id(i.o.district)) {
    throw std::invalid_argument("station.district '" + i.o.district +
                                "' is not a district name (1 to 64 of a-z, 0-9 and '-'); set it "
                                "to join the district");
  }
  if (!is_campaign_id(i.station)) {
    throw std::invalid_argument("'" + i.station + "' is not a station name on the broker");
  }
  MqttOptions m;
  m.endpoint = i.o.endpoint;
  m.client_id = i.station;
  m.user = i.station;
  m.password = i.o.credentials.password;
  m.ca = i.o.credentials.ca;
  m.clean_session = false;
  m.max_backoff = i.o.max_backoff;
  m.will = MqttMessage{health_topic(i.o.district, i.station), will_message(i.station), true, 1};
  m.subscriptions = {campaigns_topic(i.o.district), receipt_topic(i.o.district, i.station)};
  const std::string clips = "loa/" + i.o.district + "/clips/";
  m.max_payload = [clips](std::string_view topic) {
    return topic.starts_with(clips) ? kClipChunkBytes : kMaxCampaignMessage;
  };
  Impl* self = &i;
  m.on_connected = [self] { self->push(Connected{}); };
  m.on_disconnected = [](const std::string& why) {
    log_warning("district: " + why + "; trying again");
  };
  m.on_acknowledged = [self](int mid) { self->push(Acked{mid}); };
  m.on_message = [self](MqttMessage msg) { self->push(Received{std::move(msg)}); };
  m.on_refused = [self](const std::string& topic, const std::string& why) {
    self->push(Refused{topic, why});
  };
  i.link = std::make_unique<MqttLink>(std::move(m));
}

StationLink::~StationLink() {
  stop();
}

void StationLink::start() {
  if (impl_->worker.joinable()) return;
  impl_->worker = std::thread([i = impl_.get()] { i->run(); });
}

void StationLink::stop() noexcept {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->worker.joinable()) impl_->worker.join();
  impl_->link->stop();
}

StationLinkCounts StationLink::counts() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->counts;
}

}  // namespace loa
