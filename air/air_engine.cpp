#include "loa/air_engine.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "loa/air_control.hpp"
#include "loa/air_output.hpp"
#include "loa/air_reasons.hpp"
#include "loa/air_snapshot.hpp"
#include "loa/air_station.hpp"
#include "loa/air_timeline.hpp"
#include "loa/amplifiers.hpp"
#include "loa/journal.hpp"
#include "loa/level_meter.hpp"
#include "loa/log.hpp"
#include "loa/on_air.hpp"
#include "loa/play_now.hpp"
#include "loa/system_notify.hpp"

namespace loa {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kBlock = 1024;
// The output opens this long before a broadcast (the sound card settles, the timeline anchors).
constexpr Micros kPrepare = 3s;
// A device closes once nothing is due for this long (an idle loa holds no sound card).
constexpr Micros kKeepOpen = 30s;
// Files and null run this far ahead of the clock.
constexpr Micros kFileLead = 200ms;
// ... and are filled this much at a time: one wake-up per batch rather than per block (a block is
// 21 ms at 48 kHz), so the lead runs between kFileLead - kFileBatch and kFileLead.
constexpr Micros kFileBatch = 100ms;
// Roughly how far ahead of the sound card a device's ring keeps the engine, until the card's own
// clock (PortAudioSink::frame_clock) says exactly.
constexpr Micros kDeviceLead = 300ms;
// The system clock differing from the output's timeline by more than this is a clock change.
constexpr Micros kClockJump = 1s;
// After a file change, wait for the editor to finish writing before reloading.
constexpr auto kReloadSettle = 300ms;
constexpr Micros kRetryFirst = 1s;
constexpr Micros kRetryMax = 30s;

UtcTime wall_now() {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

std::string local(UtcTime t, const Station& s) {
  return format_iso(t, s.settings.zone);
}

// A file descriptor closed on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

}  // namespace

class AirEngine::Impl final : public AirControl {
 public:
  Impl(const AirOptions& options, AirStation air, std::vector<std::filesystem::path> files,
       AirBoard& board, AirControlQueue& control)
      : options_(options),
        board_(board),
        control_(control),
        journal_(journal_path(air.station->settings)),
        onair_(air, journal_, kBlock),
        amps_(air.station->settings.amplifiers),
        output_spec_(options.output.empty() ? air.station->settings.audio.output : options.output),
        files_(std::move(files)),
        signals_(open_signals()),
        timer_(::timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK)),
        inotify_(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK)),
        reloaded_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (timer_.fd < 0 || inotify_.fd < 0 || reloaded_.fd < 0 || signals_.fd < 0) {
      throw std::runtime_error(std::string("cannot set up the engine's event sources: ") +
                               std::strerror(errno));
    }
    watch_files();
    block_.resize(kBlock * static_cast<std::size_t>(onair_.channels()));
    version_ = station_version(files_);
    loaded_at_ = wall_now();
    publish(true);
  }

  ~Impl() override {
    if (reload_thread_.joinable()) reload_thread_.join();
  }

  void run();

  // --- AirControl: the control server's requests, on this thread ---
  UtcTime play_now(AirStation adhoc) override;
  ZoneSet stop(ZoneSet zones, const std::string& reason) override;
  ZoneSet end_live(const std::string& reason) override;
  void reload(LoadedStation loaded) override;
  void record_action(const std::string& who, const std::string& from,
                     const std::string& what) override;

 private:
  static Fd open_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return Fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  }

  void watch_files();
  void go_on_air(UtcTime now);
  bool ensure_output(UtcTime now);
  void close_output();
  void render_block();
  void check_clock(UtcTime now);
  void update_amplifiers(UtcTime now);
  void wait(std::optional<UtcTime> until, bool precise);
  void handle_events();
  void start_reload();
  void take_reload();
  void shut_down();
  void device_failed(const std::string& what);
  void tell_systemd(UtcTime now);
  void take_station(LoadedStation loaded);
  void publish(bool now);
  // The live broadcast among what is on air and coming up; points the meter at it.
  std::optional<LiveBroadcast> live_broadcast(const std::vector<NowPlaying>& on_air,
                                              const std::vector<ComingUp>& next);
  // The level of the input `id` as it arrives; nullopt when it delivers nothing.
  std::optional<AirLevel> input_level(std::string_view id) const;
  // When the amplifiers of `zones` are warm: `now` for those on for their warm-up already.
  UtcTime amplifiers_ready(ZoneSet zones, UtcTime now) const;

  AirOptions options_;
  AirBoard& board_;
  AirControlQueue& control_;
  std::string version_;
  UtcTime loaded_at_;
  std::string output_error_;
  std::chrono::steady_clock::time_point published_at_;
  Journal journal_;
  OnAir onair_;
  Amplifiers amps_;
  std::string output_spec_;
  std::vector<std::filesystem::path> files_;
  Fd signals_;
  Fd timer_;
  Fd inotify_;
  Fd reloaded_;
  std::unique_ptr<AirOutput> output_;
  std::int64_t output_base_ = 0;  // the mixer frame at which the output opened
  bool stopping_ = false;
  bool timeline_started_ = false;
  UtcTime catch_up_until_{};     // a recording's first second, rendered in a burst
  bool resume_pending_ = false;  // go on air again once the output works (after a failure)
  std::optional<UtcTime> retry_at_;
  Micros retry_delay_ = kRetryFirst;
  std::optional<std::chrono::steady_clock::time_point> reload_due_;
  std::thread reload_thread_;
  std::mutex reload_mutex_;
  std::optional<LoadedStation> reload_result_;
  bool reload_again_ = false;
  std::optional<UtcTime> amps_checked_;
  std::optional<UtcTime> amps_next_;
  std::vector<float> block_;
  LevelMeter live_meter_;  // the live broadcast's first zone, while its input is on air
  std::string last_status_;
  std::chrono::steady_clock::time_point last_watchdog_;
};

void AirEngine::Impl::watch_files() {
  std::set<std::filesystem::path> dirs;
  for (const auto& f : files_) dirs.insert(std::filesystem::absolute(f).parent_path());
  // A campaign from the district arrives as a new folder here (loa campaign install).
  const auto campaigns = onair_.station().settings.state / "campaigns";
  std::error_code ec;
  std::filesystem::create_directories(campaigns, ec);
  if (!ec) dirs.insert(std::filesystem::absolute(campaigns));
  for (const auto& d : dirs) {
    // Editors save by writing a new file and renaming it: watch the folders, not the files.
    ::inotify_add_watch(inotify_.fd, d.c_str(),
                        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE);
  }
}

void AirEngine::Impl::go_on_air(UtcTime now) {
  // Frames written now are heard this much later: a device's ring, or the lead files run ahead.
  UtcTime at = now + (output_ && output_->paced_by_device() ? kDeviceLead : kFileLead);
  if (!timeline_started_ && output_spec_.starts_with("wav:")) {
    // Sample 0 of a recording airs at a whole second, so a recording lines up with loa render.
    at = std::chrono::floor<std::chrono::seconds>(now);
    // Up to a second of it is rendered at once to catch up with the clock: not a clock change.
    catch_up_until_ = now + kFileLead;
    log_info("recording the air output to " + output_spec_.substr(4) + "; sample 0 airs at " +
             local(at, onair_.station()));
  }
  timeline_started_ = true;
  onair_.start(now, onair_.position(), at);
}

bool AirEngine::Impl::ensure_output(UtcTime now) {
  if (output_) return true;
  if (retry_at_ && now < *retry_at_) return false;
  try {
    output_ = std::make_unique<AirOutput>(output_spec_, onair_.rate(), onair_.channels());
    output_base_ = onair_.position();
    if (retry_at_) log_info("the air output \"" + output_spec_ + "\" works again");
    output_error_.clear();
    retry_at_.reset();
    retry_delay_ = kRetryFirst;
    // Nothing plays: the timeline starts afresh on the system clock (a device then refines it);
    // a recording keeps the one it started with.
    if (output_->closes_when_idle()) {
      onair_.reanchor(onair_.position(),
                      now + (output_->paced_by_device() ? kDeviceLead : kFileLead));
    }
    return true;
  } catch (const std::exception& e) {
    output_error_ = e.what();
    log_error(std::string(e.what()) + "; retrying in " +
              std::to_string(retry_delay_.count() / 1'000'000) + " s");
    retry_at_ = now + retry_delay_;
    retry_delay_ = std::min(retry_delay_ * 2, kRetryMax);
    return false;
  }
}

void AirEngine::Impl::close_output() {
  if (!output_) return;
  try {
    output_->finish();
  } catch (const std::exception& e) {
    log_warning(e.what());
  }
  output_.reset();
}

void AirEngine::Impl::device_failed(const std::string& what) {
  log_error("the air output failed: " + what + "; what was on air is journaled as cut, and loa " +
            "retries the output");
  onair_.halt(std::string(air_reason::kHaltDevice));
  output_error_ = what;
  output_.reset();
  retry_at_ = wall_now() + retry_delay_;
  retry_delay_ = std::min(retry_delay_ * 2, kRetryMax);
  resume_pending_ = true;
}

void AirEngine::Impl::check_clock(UtcTime now) {
  const UtcTime expected = onair_.time_of(onair_.position());
  Micros drift{0};
  if (output_->paced_by_device()) {
    std::int64_t frame = 0;
    const auto heard = output_->heard_at_frame(frame);
    if (!heard) return;
    const std::int64_t mixer_frame = output_base_ + frame;
    if (onair_.quiet() && onair_.reanchor(mixer_frame, *heard)) return;
    drift = *heard - onair_.time_of(mixer_frame);
  } else {
    // The engine runs kFileLead ahead of the clock (once a recording's start has caught up).
    if (expected < catch_up_until_) return;
    drift = now + kFileLead - expected;
    if (drift > -kClockJump && drift < kClockJump) return;
  }
  if (drift > -kClockJump && drift < kClockJump) return;
  log_warning("the system clock moved by " + std::to_string(drift.count() / 1000) +
              " ms; what was on air is journaled as cut, and broadcasts are reconsidered at " +
              local(now, onair_.station()));
  onair_.halt(std::string(air_reason::kHaltClock));
  go_on_air(now);
}

void AirEngine::Impl::render_block() {
  onair_.render(block_);
  live_meter_.add(block_);
  try {
    output_->write(block_);
  } catch (const std::exception& e) {
    device_failed(e.what());
  }
}

void AirEngine::Impl::update_amplifiers(UtcTime now) {
  amps_.poll();
  if (amps_.size() == 0) return;
  if (amps_checked_ && now - *amps_checked_ < 250ms && (!amps_next_ || now < *amps_next_)) return;
  amps_checked_ = now;
  amps_next_.reset();
  const auto spans = onair_.upcoming(now + std::chrono::hours(24));
  for (std::size_t i = 0; i < amps_.size(); ++i) {
    const Amplifier& a = amps_.amplifier(i);
    std::vector<AirInterval> mine;
    for (const auto& s : spans) {
      if ((s.zones & a.zones) != 0) mine.push_back({s.start, s.end});
    }
    const AmplifierPlan p = amplifier_plan(a.warmup, a.hold, mine, now);
    if (p.on) {
      amps_.switch_on(i);
    } else {
      amps_.switch_off(i);
    }
    if (p.next_change && (!amps_next_ || *p.next_change < *amps_next_)) amps_next_ = p.next_change;
  }
}

void AirEngine::Impl::tell_systemd(UtcTime now) {
  std::string status;
  if (!onair_.quiet()) {
    status = "on air";
  } else if (const auto due = onair_.next_due()) {
    status = "idle; next broadcast at " + local(*due, onair_.station());
  } else {
    status =
        "idle; nothing scheduled in the next " +
        std::to_string(std::chrono::duration_cast<std::chrono::hours>(OnAir::kHorizon).count()) +
        " hours";
  }
  if (retry_at_) status += "; the air output is failing (" + output_spec_ + ")";
  if (status != last_status_) {
    last_status_ = status;
    system_notify::status(status);
    log_debug(status);
  }
  if (const auto interval = system_notify::watchdog_interval()) {
    const auto steady = std::chrono::steady_clock::now();
    if (steady - last_watchdog_ >= *interval / 2) {
      system_notify::watchdog();
      last_watchdog_ = steady;
    }
  }
  (void)now;
}

void AirEngine::Impl::start_reload() {
  if (reload_thread_.joinable()) {
    const std::lock_guard lock(reload_mutex_);
    if (!reload_result_) {
      reload_again_ = true;  // one is under way: check again once it is done
      return;
    }
  }
  if (reload_thread_.joinable()) reload_thread_.join();
  log_info("checking the station files again");
  reload_thread_ = std::thread([this] {
    LoadedStation loaded;
    try {
      loaded = load_air_station(options_.config);
    } catch (const std::exception& e) {
      loaded.diagnostics = e.what();
    }
    {
      const std::lock_guard lock(reload_mutex_);
      reload_result_ = std::move(loaded);
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(reloaded_.fd, &one, sizeof one);
  });
}

void AirEngine::Impl::take_reload() {
  std::uint64_t count = 0;
  [[maybe_unused]] const auto n = ::read(reloaded_.fd, &count, sizeof count);
  std::optional<LoadedStation> loaded;
  {
    const std::lock_guard lock(reload_mutex_);
    loaded.swap(reload_result_);
  }
  if (!loaded) return;
  // That check is over: a later change starts a new one (start_reload).
  if (reload_thread_.joinable()) reload_thread_.join();
  if (loaded->air) {
    take_station(std::move(*loaded));
  } else {
    log_diagnostics(loaded->diagnostics);
    log_error("the changed station files have errors (above); the version on air stays as it was");
  }
  if (reload_again_) {
    reload_again_ = false;
    start_reload();
  }
}

void AirEngine::Impl::take_station(LoadedStation loaded) {
  log_diagnostics(loaded.diagnostics);
  const std::string version = station_version(loaded.files);
  onair_.reload(std::move(*loaded.air));
  files_ = std::move(loaded.files);
  watch_files();
  const bool changed = version != version_;
  version_ = version;
  loaded_at_ = wall_now();
  publish(true);
  log_info("reloaded the station: " + std::to_string(onair_.station().programmes.size()) +
           " programme(s)" + (changed ? "; the new version airs from now on" : "; unchanged"));
}

UtcTime AirEngine::Impl::play_now(AirStation adhoc) {
  const UtcTime now = wall_now();
  const bool device = output_ ? output_->paced_by_device()
                              : !output_spec_.starts_with("wav:") && output_spec_ != "null";
  const UtcTime heard = now + (device ? kDeviceLead : kFileLead);
  // A closed output's timeline stopped when it closed: it starts again from the present.
  if (!output_) onair_.reanchor(onair_.position(), heard);
  // The chime must not play into an amplifier still warming up: an ad-hoc broadcast, even an
  // emergency, starts once the amplifiers of its zones have warmed up (at once if they are on).
  const ZoneSet zones = adhoc.station->programmes.front().zones;
  const UtcTime earliest =
      std::max({heard, onair_.time_of(onair_.position()), amplifiers_ready(zones, now)});
  const UtcTime at = onair_.play_now(std::move(adhoc), earliest);
  amps_checked_.reset();  // switch them on now, not at the next routine check
  publish(true);
  return at;
}

UtcTime AirEngine::Impl::amplifiers_ready(ZoneSet zones, UtcTime now) const {
  UtcTime ready = now;
  const auto steady = CommandRunner::Clock::now();
  for (std::size_t i = 0; i < amps_.size(); ++i) {
    const Amplifier& a = amps_.amplifier(i);
    if ((a.zones & zones) == 0) continue;
    Micros warm = a.warmup;
    if (const auto since = amps_.on_since(i)) {
      warm -= std::chrono::duration_cast<Micros>(steady - *since);
    }
    if (warm > Micros{0}) ready = std::max(ready, now + warm);
  }
  return ready;
}

ZoneSet AirEngine::Impl::stop(ZoneSet zones, const std::string& reason) {
  ZoneSet stopped = 0;
  for (const auto& p : onair_.now_playing()) stopped |= p.zones & zones;
  onair_.stop(zones, reason);
  publish(true);
  return stopped;
}

ZoneSet AirEngine::Impl::end_live(const std::string& reason) {
  const ZoneSet zones = onair_.end_adhoc(kLiveProgramme, reason);
  publish(true);
  return zones;
}

void AirEngine::Impl::reload(LoadedStation loaded) {
  if (!loaded.air) throw std::runtime_error("the station has errors");
  take_station(std::move(loaded));
}

void AirEngine::Impl::record_action(const std::string& who, const std::string& from,
                                    const std::string& what) {
  journal_.record_action(wall_now(), who, from, what);
  log_info("control: " + who + " (" + from + "): " + what);
}

std::optional<AirLevel> AirEngine::Impl::input_level(std::string_view id) const {
  const auto air = onair_.air();
  if (!air || !air->input_levels) return std::nullopt;
  const auto found = air->input_levels->find(id);
  if (found == air->input_levels->end()) return std::nullopt;
  return found->second->latest();
}

std::optional<LiveBroadcast> AirEngine::Impl::live_broadcast(const std::vector<NowPlaying>& on_air,
                                                             const std::vector<ComingUp>& next) {
  const auto live = [](const BroadcastKey& k) {
    return k.slot == -1 && k.programme == kLiveProgramme;
  };
  std::optional<LiveBroadcast> out;
  for (const auto& p : on_air) {
    if (!live(p.key)) continue;
    out.emplace();
    out->key = p.key;
    out->title = p.title;
    out->zones = p.zones;
    out->priority = p.priority;
    out->on_air = true;
    out->speaking = p.kind == "input";
    if (out->speaking) {
      out->ends = p.item_end;
      out->input_level = input_level(p.path);
    }
    break;
  }
  if (!out) {
    for (const auto& n : next) {
      if (!live(n.key)) continue;
      out.emplace();
      out->key = n.key;
      out->title = n.title;
      out->zones = n.zones;
      out->priority = n.priority;
      break;
    }
  }
  // The meter follows the live broadcast's first zone while its input is on air.
  int channel = -1;
  if (out && out->speaking) {
    const auto& zones = onair_.station().settings.zones;
    for (std::size_t i = 0; i < zones.size(); ++i) {
      if (((out->zones >> i) & 1U) != 0) {
        channel = zones[i].channel - 1;
        break;
      }
    }
  }
  live_meter_.watch(channel, onair_.channels(), static_cast<std::size_t>(onair_.rate() / 10));
  if (out && out->speaking) out->level = live_meter_.level();
  return out;
}

void AirEngine::Impl::publish(bool now) {
  // While on air this runs every block: a fresh copy at most every 100 ms is plenty for a page.
  const auto steady = std::chrono::steady_clock::now();
  if (!now && steady - published_at_ < 100ms) return;
  published_at_ = steady;
  auto s = std::make_shared<AirSnapshot>();
  s->air = onair_.air();
  s->version = version_;
  s->loaded_at = loaded_at_;
  s->output = output_spec_;
  s->output_state = output_ ? "open" : retry_at_ ? "failing" : "closed";
  s->output_error = retry_at_ ? output_error_ : std::string();
  for (std::size_t i = 0; i < amps_.size(); ++i) {
    s->amplifiers.push_back({amps_.amplifier(i).id, amps_.amplifier(i).zones, amps_.is_on(i)});
  }
  s->on_air = onair_.now_playing();
  s->next = onair_.coming_up(10);
  s->live = live_broadcast(s->on_air, s->next);
  board_.publish(std::move(s));
}

void AirEngine::Impl::handle_events() {
  // One poll says which descriptors have something: the engine comes here before every block
  // it renders (50 times a second and more while on air), and a read of each would be five
  // system calls each time.
  pollfd ready[] = {{signals_.fd, POLLIN, 0},
                    {inotify_.fd, POLLIN, 0},
                    {timer_.fd, POLLIN, 0},
                    {reloaded_.fd, POLLIN, 0},
                    {control_.fd(), POLLIN, 0}};
  if (::poll(ready, 5, 0) <= 0) {
    for (auto& r : ready) r.revents = 0;
  }
  signalfd_siginfo info{};
  while ((ready[0].revents & POLLIN) != 0 &&
         ::read(signals_.fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    if (info.ssi_signo == SIGHUP) {
      start_reload();
    } else {
      if (!stopping_)
        log_info(std::string("received ") + strsignal(static_cast<int>(info.ssi_signo)) +
                 "; stopping");
      stopping_ = true;
    }
  }
  alignas(inotify_event) char buffer[4096];
  bool changed = false;
  for (ssize_t got; (ready[1].revents & POLLIN) != 0 &&
                    (got = ::read(inotify_.fd, buffer, sizeof buffer)) > 0;) {
    for (ssize_t at = 0; at < got;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buffer + at);
      const std::string_view name = ev->len > 0 ? std::string_view(ev->name) : std::string_view();
      if (name.ends_with(".yaml") || name.ends_with(".yml")) changed = true;
      // A campaign folder renamed into place, or removed (not an install's hidden staging).
      const bool folder = (ev->mask & IN_ISDIR) != 0 && !name.starts_with(".");
      if (folder && (ev->mask & (IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)) != 0) changed = true;
      at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
    }
  }
  if (changed) reload_due_ = std::chrono::steady_clock::now() + kReloadSettle;
  if (reload_due_ && std::chrono::steady_clock::now() >= *reload_due_) {
    reload_due_.reset();
    start_reload();
  }
  // A clock set makes the timer readable too (TFD_TIMER_CANCEL_ON_SET): the read says ECANCELED.
  std::uint64_t expirations = 0;
  if ((ready[2].revents & POLLIN) != 0 && ::read(timer_.fd, &expirations, sizeof expirations) < 0 &&
      errno == ECANCELED) {
    log_info("the system clock was set; now " + local(wall_now(), onair_.station()));
  }
  if ((ready[3].revents & POLLIN) != 0) take_reload();
  if ((ready[4].revents & POLLIN) != 0) control_.run_pending(*this);
}

void AirEngine::Impl::wait(std::optional<UtcTime> until, bool precise) {
  // A relative wait (precise) paces the output; an absolute one on CLOCK_REALTIME sleeps until a
  // broadcast, and wakes if the clock is set meanwhile.
  int timeout_ms = -1;
  const UtcTime now = wall_now();
  if (precise && until) {
    timeout_ms = static_cast<int>(std::clamp<std::int64_t>(
        std::chrono::ceil<std::chrono::milliseconds>(*until - now).count(), 0, 1000));
  } else {
    const UtcTime at = until.value_or(now + std::chrono::hours(24));
    itimerspec spec{};
    const auto since_epoch = std::max(at, now + Micros{1}).time_since_epoch();
    const auto secs = std::chrono::floor<std::chrono::seconds>(since_epoch);
    spec.it_value.tv_sec = secs.count();
    spec.it_value.tv_nsec = static_cast<long>((since_epoch - secs).count() * 1000);
    ::timerfd_settime(timer_.fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr);
  }
  const auto cap = [&](std::chrono::milliseconds ms) {
    const auto c = static_cast<int>(std::max<std::int64_t>(ms.count(), 0));
    timeout_ms = timeout_ms < 0 ? c : std::min(timeout_ms, c);
  };
  if (reload_due_) {
    cap(std::chrono::ceil<std::chrono::milliseconds>(*reload_due_ -
                                                     std::chrono::steady_clock::now()));
  }
  if (amps_.busy()) cap(100ms);
  if (const auto interval = system_notify::watchdog_interval()) {
    cap(std::chrono::duration_cast<std::chrono::milliseconds>(*interval / 2));
  }
  pollfd fds[] = {{signals_.fd, POLLIN, 0},
                  {timer_.fd, POLLIN, 0},
                  {inotify_.fd, POLLIN, 0},
                  {reloaded_.fd, POLLIN, 0},
                  {control_.fd(), POLLIN, 0}};
  ::poll(fds, 5, timeout_ms);
}

void AirEngine::Impl::shut_down() {
  system_notify::stopping();
  onair_.halt(std::string(air_reason::kHaltStopped));
  if (output_) {
    // The cut fades out within a few blocks; let it play out, then close.
    for (int i = 0; i < 100 && onair_.sounding(); ++i) render_block();
    if (output_) render_block();
    close_output();
  }
  onair_.flush(wall_now() + std::chrono::hours(1));
  journal_.mark_alive(wall_now());
  amps_.all_off(std::chrono::steady_clock::now() + 5s);
  log_info("stopped; the journal is in " + journal_.file().string());
}

void AirEngine::Impl::run() {
  const Station& station = onair_.station();
  const std::string name =
      station.settings.name.empty() ? station.settings.file.string() : station.settings.name;
  log_info("on air for " + name + " (" + station.settings.timezone + "), output \"" + output_spec_ +
           "\", journal " + journal_.file().string());
  go_on_air(wall_now());
  system_notify::ready();
  for (;;) {
    handle_events();
    if (stopping_) {
      shut_down();
      return;
    }
    UtcTime now = wall_now();
    onair_.look_ahead(now);
    onair_.flush(now);
    update_amplifiers(now);
    tell_systemd(now);
    publish(false);
    // Relays and inputs open ahead of their start, while the engine renders: it starts early.
    const auto due = onair_.next_render();
    const bool file = output_spec_.starts_with("wav:");
    const bool soon = due && *due - now <= kPrepare;
    const bool keep = output_ && due && *due - now <= kKeepOpen;
    if ((file || !onair_.quiet() || soon || keep) && ensure_output(now)) {
      if (resume_pending_) {
        resume_pending_ = false;
        go_on_air(now);
      }
      if (!output_->paced_by_device()) {
        const UtcTime next = onair_.time_of(onair_.position()) - kFileLead;
        if (next > now + kClockJump) check_clock(now);  // the clock was set back
        if (next > now + 1ms) {
          wait(next + kFileBatch, true);
          continue;
        }
      }
      check_clock(now);
      render_block();
      // Unpaced (null, files): the rest of the batch at once. The housekeeping above (events,
      // journal, amplifiers, snapshot) is once per batch: every 100 ms, as often as anyone reads
      // it; render() itself decides what airs at each frame.
      while (output_ && !output_->paced_by_device() &&
             onair_.time_of(onair_.position()) - kFileLead <= now + 1ms) {
        render_block();
      }
      continue;
    }
    if (output_ && !keep) close_output();
    std::optional<UtcTime> wake;
    const auto earliest = [&wake](std::optional<UtcTime> t) {
      if (t && (!wake || *t < *wake)) wake = t;
    };
    // While the output fails, only its retry (or an event) wakes the engine.
    if (due && !retry_at_) earliest(*due - kPrepare);
    if (output_ && due) earliest(*due - kKeepOpen);
    earliest(amps_next_);
    earliest(onair_.next_flush());
    earliest(retry_at_);
    wait(wake, false);
  }
}

AirEngine::AirEngine(const AirOptions& options, LoadedStation loaded, AirBoard& board,
                     AirControlQueue& queue) {
  if (!loaded.air) throw std::runtime_error("the station has errors");
  lock_ = std::make_unique<StationLock>(loaded.air->station->settings.state);
  impl_ = std::make_unique<Impl>(options, std::move(*loaded.air), std::move(loaded.files), board,
                                 queue);
}

AirEngine::~AirEngine() = default;

void AirEngine::run() {
  impl_->run();
}

// The checker's diagnostics, each line at its own level ("...: warning: ..." or an error).
void log_diagnostics(const std::string& text) {
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t to = text.find('\n', from);
    if (to == std::string::npos) to = text.size();
    const std::string_view line = std::string_view(text).substr(from, to - from);
    if (!line.empty()) {
      log(line.find(": warning: ") != std::string_view::npos ? LogLevel::warning : LogLevel::error,
          line);
    }
    from = to + 1;
  }
}

}  // namespace loa
