// A campaign pushed to a whole district (issue 13: 1,000 stations hold it verified within 10 s),
// on this machine: a real Mosquitto on loopback with TLS, one account per station and the
// district's ACL (tests/support's broker fixture, with docs/district.md's autosave and
// max_connections -1); the district's own commands as separate processes (`loa sign`,
// `loa district push`, the daemon `loa district --config district.yaml`); and N stations in this
// process, each the real StationLink of `loa run --district` (its MQTT link with a persistent
// session and QoS 1, its worker thread, its journal, CampaignReceiver and install_campaign_bundle:
// the ed25519 signature, every clip's SHA-256 on receipt and again at the install, the campaign
// store). It times, from the moment `loa district push` is run, when each station has installed
// the campaign, and prints the first, median and last, the broker's CPU and everyone's peak memory.
//
//   build/release/bench/district_push_bench [--stations N] [--clip-seconds S] [--kbps K]
//                                           [--loa PATH]
//
// Defaults: 1,000 stations, a 60 s MP3 at 128 kb/s (made with ffmpeg), loa beside this binary.
#include <date/date.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loa/campaign_store.hpp"
#include "loa/district_store.hpp"
#include "loa/station_link.hpp"
#include "loa_test/cli.hpp"
#include "loa_test/loa_process.hpp"
#include "loa_test/mosquitto_broker.hpp"
#include "loa_test/temp_dir.hpp"
#include "loa_test/wait.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kPerWorker = 100;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string commune(int n) {
  return "xa-" + std::to_string(n);
}

// utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15).
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// A line of /proc/PID/status in MB ("VmHWM", "VmRSS").
double status_mb(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(key + ":")) return std::atof(line.c_str() + key.size() + 1) / 1024.0;
  }
  return 0;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a;
  std::string b;
  std::string c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// Room for every station's socket and journal files, and the broker's sockets (it inherits it).
void raise_open_files(rlim_t wanted) {
  rlimit r{};
  ::getrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_max < wanted) {
    rlimit more{wanted, wanted};
    if (::setrlimit(RLIMIT_NOFILE, &more) == 0) return;  // root may raise the hard limit
  }
  r.rlim_cur = std::min(wanted, r.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &r);
  ::getrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < wanted) {
    std::printf("warning: only %llu open files allowed (wanted %llu)\n",
                static_cast<unsigned long long>(r.rlim_cur),
                static_cast<unsigned long long>(wanted));
  }
}

// Thrown to end the bench: main's destructors then stop the broker and the daemon.
struct BenchFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& why) {
  throw BenchFailed(why);
}

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// One worker process: the StationLinks of stations [first, last). libmosquitto 2.0's
// mosquitto_loop() waits with select(), which cannot take a socket numbered 1024 or more, and each
// station also holds its journal's files open: so stations run 100 to a process, as many as fit
// under that, not all in one. Writes "N STEADY_NS" to `report` when station N has installed the
// campaign; stops its links when `control` closes. Never returns (_exit: the parent's objects are
// not this process's to destroy).
[[noreturn]] void worker(const std::filesystem::path& dir, const std::filesystem::path& states,
                         const std::string& url, const std::filesystem::path& ca, int first,
                         int last, int report, int control) {
  int code = 0;
  try {
    std::vector<std::unique_ptr<loa::StationLink>> links;
    for (int n = first; n < last; ++n) {
      loa::StationLinkOptions o;
      o.config = dir / (commune(n) + ".yaml");
      o.state = states / ("state-" + commune(n));
      o.district = "lap-vo";
      o.endpoint = loa::parse_mqtt_url(url);
      o.credentials = {commune(n), "pw-" + commune(n), ca};
      o.version = "0.1.0";
      links.push_back(std::make_unique<loa::StationLink>(std::move(o)));
      links.back()->start();
      // 4 connections a second per worker, 40 in all: at once, 1,000 TLS handshakes on 2 shared
      // cores keep the broker from answering within MqttLink's 5 s, and every station tries again
      // (a storm of thousands of handshakes; docs/performance.md, section 10).
      std::this_thread::sleep_for(250ms);
    }
    std::vector<bool> reported(links.size(), false);
    ::fcntl(control, F_SETFL, O_NONBLOCK);
    for (;;) {
      char byte = 0;
      if (::read(control, &byte, 1) == 0) break;  // the parent closed it
      for (std::size_t i = 0; i < links.size(); ++i) {
        if (reported[i] || links[i]->counts().campaigns_installed == 0) continue;
        reported[i] = true;
        const std::string line =
            std::to_string(first + static_cast<int>(i)) + " " + std::to_string(steady_ns()) + "\n";
        if (::write(report, line.data(), line.size()) < 0) code = 3;
      }
      std::this_thread::sleep_for(5ms);
    }
    // Each link takes up to a second to stop (its network thread's poll): all at once.
    std::vector<std::thread> stopping;
    for (auto& l : links) stopping.emplace_back([&l] { l->stop(); });
    for (auto& t : stopping) t.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "district_push_bench: worker: %s\n", e.what());
    code = 2;
  }
  std::fflush(stderr);
  ::_exit(code);
}

}  // namespace

int run_bench(int argc, char** argv) {
  int stations = 1000;
  int clip_seconds = 60;
  int kbps = 128;
  std::filesystem::path state_root;  // "": in the bench's temporary folder
  std::string loa =
      (std::filesystem::absolute(argv[0]).parent_path().parent_path() / "app/loa").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--stations") {
      stations = std::atoi(argv[i + 1]);
    } else if (a == "--clip-seconds") {
      clip_seconds = std::atoi(argv[i + 1]);
    } else if (a == "--kbps") {
      kbps = std::atoi(argv[i + 1]);
    } else if (a == "--state-root") {
      state_root = argv[i + 1];
    } else if (a == "--loa") {
      loa = argv[i + 1];
    } else {
      fail("unknown option " + a +
           " (--stations N, --clip-seconds S, --kbps K, --state-root DIR, --loa PATH take a value "
           "each)");
    }
  }
  if (stations < 1) fail("--stations must be at least 1");
  if (::access(loa.c_str(), X_OK) != 0) fail(loa + " is not there: build the loa target first");
  if (auto why = loa::test::MosquittoBroker::unavailable(); !why.empty()) fail(why);
  raise_open_files(static_cast<rlim_t>(stations) * 12 + 1024);
  std::printf("load average before: %s\n", load_average().c_str());

  const loa::test::TempDir dir;
  const auto t_setup = Clock::now();
  std::vector<std::pair<std::string, std::string>> accounts{{"district-lap-vo", "pw-d"}};
  for (int n = 0; n < stations; ++n) accounts.emplace_back(commune(n), "pw-" + commune(n));
  // docs/district.md's broker settings: autosave every 60 s (not at every change, as the tests'
  // broker does), 4 MiB messages; and no cap on connections.
  loa::test::MosquittoBroker broker(
      "lap-vo", accounts,
      "autosave_on_changes false\nautosave_interval 60\nmessage_size_limit 4194304\n"
      "max_connections -1\n");
  broker.start();

  const auto run = [&](const std::string& args) {
    auto r = loa::test::run_cli(loa, args, dir);
    if (r.exit != 0) fail("loa " + args + " failed:\n" + r.err);
    return r;
  };
  const auto credentials = [&](const std::string& file, const std::string& user,
                               const std::string& pw) {
    const auto f = dir.write(
        file, "user: " + user + "\npassword: " + pw + "\nca: " + broker.ca().string() + "\n");
    ::chmod(f.c_str(), 0600);
  };
  run("key new lap-vo --dir district");
  // A spoken notice's length and bit rate: a tone under noise, so the encoder works as for speech.
  const std::string ffmpeg = "ffmpeg -hide_banner -loglevel error -y -f lavfi -i 'sine=f=440:d=" +
                             std::to_string(clip_seconds) +
                             "' -f lavfi -i 'anoisesrc=a=0.1:d=" + std::to_string(clip_seconds) +
                             "' -filter_complex amix=inputs=2 -ar 44100 -ac 2 -b:a " +
                             std::to_string(kbps) + "k '" +
                             (dir / "district/canh-bao.mp3").string() + "'";
  if (std::system(ffmpeg.c_str()) != 0) fail("ffmpeg could not make the clip (apt install ffmpeg)");
  const auto clip_bytes = std::filesystem::file_size(dir / "district/canh-bao.mp3");
  dir.write("district/programme.yaml",
            "programmes:\n  - {id: lua-dao, title: \"Cảnh giác lừa đảo qua mạng\", slots: "
            "[{at: \"06:00\", play: [canh-bao.mp3]}]}\n");
  const auto today = date::floor<date::days>(std::chrono::system_clock::now() + 7h);
  run("sign --key district/lap-vo.key --district lap-vo --campaign lua-dao --version 1 "
      "--valid-from " +
      date::format("%F", today) + " --valid-until " + date::format("%F", today + date::days{30}) +
      " --out bundle district/programme.yaml canh-bao.mp3");

  // Each station's state folder (journal, incoming/, campaigns/): under --state-root when given
  // (a tmpfs such as /dev/shm: one file system per station, as each station has its own disk,
  // rather than 1,000 stations creating and deleting files on one), else in the bench's folder.
  struct StateRoot {
    std::filesystem::path path;
    ~StateRoot() {
      std::error_code ec;
      if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
  } own_root;
  if (!state_root.empty()) {
    own_root.path = state_root / ("loa-push-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(own_root.path);
  }
  const auto state_of = [&](int n) {
    return (own_root.path.empty() ? dir.path() : own_root.path) / ("state-" + commune(n));
  };
  std::string communes;
  std::filesystem::create_directories(dir / "clips");
  for (int n = 0; n < stations; ++n) {
    communes += "  - {id: " + commune(n) + "}\n";
    dir.write(commune(n) + ".yaml",
              "station: {timezone: Asia/Ho_Chi_Minh, clips: clips/, state: \"" +
                  state_of(n).string() +
                  "\", district: lap-vo, trust: [district/lap-vo.pub]}\n"
                  "audio: {sample_rate: 48000, loudness: off, chime: none}\n"
                  "zones: [{id: ap-1, channel: 1}]\n");
  }
  credentials("district-account.yaml", "district-lap-vo", "pw-d");
  dir.write("district.yaml", "district:\n  id: lap-vo\n  broker: " + broker.url() +
                                 "\n  credentials: district-account.yaml\n  database: "
                                 "office/district.db\n  key: district/lap-vo.key\ncommunes:\n" +
                                 communes);
  loa::test::LoaProcess office(loa, dir, {"district", "--config", "district.yaml"}, "office");
  if (!office.wait_for("connected to", 20s))
    fail("the district daemon did not connect:\n" + office.err());
  std::printf("setup (certificates, %d accounts, broker, key, clip, station files): %.2f s\n",
              stations + 1, since(t_setup));

  // The stations' log lines (connected, installed) go to a file, not over the figures.
  const auto station_log = dir / "stations.log";
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved_stderr = ::dup(2);
  {
    const int fd = ::open(station_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::close(fd);
  }

  // Start the stations, 100 to a worker process, and wait until the district has heard each one
  // say "up" (its heartbeat at connect). No thread runs here before the forks.
  const auto t_connect = Clock::now();
  struct Worker {
    pid_t pid = -1;
    int report = -1;   // read end
    int control = -1;  // write end; closed to stop it
    std::string pending;
  };
  std::vector<Worker> workers;
  for (int first = 0; first < stations; first += kPerWorker) {
    int report[2];
    int control[2];
    if (::pipe(report) != 0 || ::pipe(control) != 0) fail("no pipe for a worker");
    const pid_t pid = ::fork();
    if (pid < 0) fail("cannot fork a worker");
    if (pid == 0) {
      ::close(report[0]);
      ::close(control[1]);
      for (const auto& w : workers) {
        ::close(w.report);
        ::close(w.control);
      }
      worker(dir.path(), own_root.path.empty() ? dir.path() : own_root.path, broker.url(),
             broker.ca(), first, std::min(stations, first + kPerWorker), report[1], control[0]);
    }
    ::close(report[1]);
    ::close(control[0]);
    ::fcntl(report[0], F_SETFL, O_NONBLOCK);
    workers.push_back({pid, report[0], control[1], {}});
  }
  const auto stop_workers = [&] {
    for (auto& w : workers) {
      if (w.control >= 0) ::close(w.control);
      w.control = -1;
    }
  };
  struct Reaper {  // whatever happens, no worker outlives the bench
    std::function<void()> stop;
    ~Reaper() { stop(); }
  } reaper{[&] {
    stop_workers();
    for (auto& w : workers) {
      if (w.pid > 0) ::waitpid(w.pid, nullptr, 0);
      w.pid = -1;
    }
  }};
  loa::DistrictStore district(dir / "office/district.db", "lap-vo");
  const auto up = [&] {
    int count = 0;
    for (const auto& h : district.health()) count += h.state == "up" ? 1 : 0;
    return count;
  };
  if (!loa::test::wait_until([&] { return up() == stations; }, 600s, 200ms)) {
    fail("only " + std::to_string(up()) + " of " + std::to_string(stations) +
         " stations connected in 600 s; see " + station_log.string());
  }
  const double connect_s = since(t_connect);
  std::this_thread::sleep_for(2s);  // let the connect storm's last heartbeats settle

  // The push: from `loa district push` to each station's install.
  const pid_t broker_pid = broker.pid();
  const auto workers_cpu = [&] {
    double sum = 0;
    for (const auto& w : workers) sum += cpu_seconds(w.pid);
    return sum;
  };
  const double broker_cpu0 = cpu_seconds(broker_pid);
  const double office_cpu0 = cpu_seconds(office.pid());
  const double workers_cpu0 = workers_cpu();
  const auto t0 = Clock::now();
  const std::int64_t t0_ns = steady_ns();
  run("district push --config district.yaml bundle");
  const double push_s = since(t0);
  std::vector<double> verified(static_cast<std::size_t>(stations), -1);
  double published_s = -1;
  int done = 0;
  const auto give_up = t0 + 300s;
  std::vector<pollfd> fds;
  for (const auto& w : workers) fds.push_back({w.report, POLLIN, 0});
  while (done < stations && Clock::now() < give_up) {
    ::poll(fds.data(), fds.size(), 20);
    for (auto& w : workers) {
      char buffer[4096];
      for (ssize_t got; (got = ::read(w.report, buffer, sizeof buffer)) > 0;) {
        w.pending.append(buffer, static_cast<std::size_t>(got));
      }
      for (std::size_t eol; (eol = w.pending.find('\n')) != std::string::npos;) {
        std::istringstream line(w.pending.substr(0, eol));
        w.pending.erase(0, eol + 1);
        int n = -1;
        std::int64_t ns = 0;
        line >> n >> ns;
        if (n < 0 || n >= stations || verified[static_cast<std::size_t>(n)] >= 0) continue;
        verified[static_cast<std::size_t>(n)] = static_cast<double>(ns - t0_ns) / 1e9;
        ++done;
      }
    }
    if (published_s < 0 &&
        office.err().find("published loa/lap-vo/campaigns/lua-dao") != std::string::npos) {
      published_s = since(t0);
    }
  }
  const double broker_cpu = cpu_seconds(broker_pid) - broker_cpu0;
  const double office_cpu = cpu_seconds(office.pid()) - office_cpu0;
  const double stations_cpu = workers_cpu() - workers_cpu0;
  const double window = since(t0);

  // Every station holds it: the store's own reading of state/campaigns/lua-dao.
  int held = 0;
  for (int n = 0; n < stations; ++n) {
    for (const auto& c : loa::held_campaigns(state_of(n))) {
      held += c.manifest.campaign == "lua-dao" && c.manifest.version == 1 ? 1 : 0;
    }
  }
  // And the district knows it: each station's heartbeat after the install names the campaign.
  const auto knows = [&] {
    int count = 0;
    for (const auto& h : district.health()) {
      count += h.payload.find("\"lua-dao\"") != std::string::npos ? 1 : 0;
    }
    return count;
  };
  loa::test::wait_until([&] { return knows() == stations; }, 60s, 100ms);
  const double district_knows_s = since(t0);
  const int known = knows();

  double worker_peak_mb = 0;
  double workers_peak_mb = 0;
  stop_workers();
  for (auto& w : workers) {
    rusage u{};
    int status = 0;
    ::wait4(w.pid, &status, 0, &u);
    w.pid = -1;
    const double mb = static_cast<double>(u.ru_maxrss) / 1024.0;
    worker_peak_mb = std::max(worker_peak_mb, mb);
    workers_peak_mb += mb;
  }
  ::dup2(saved_stderr, 2);

  std::vector<double> times;
  for (const double v : verified) {
    if (v >= 0) times.push_back(v);
  }
  std::sort(times.begin(), times.end());
  const auto chunks = (clip_bytes + 262143) / 262144;
  std::printf("stations: %d (connected and up at the district in %.2f s), state folders in %s\n",
              stations, connect_s, state_of(0).parent_path().c_str());
  std::printf("clip: %llu bytes (%d s MP3 at %d kb/s), %llu chunks of 256 KiB; %.1f MB to send\n",
              static_cast<unsigned long long>(clip_bytes), clip_seconds, kbps,
              static_cast<unsigned long long>(chunks),
              static_cast<double>(clip_bytes) * stations / 1e6);
  std::printf("loa district push: %.2f s; the daemon published the campaign message at %.2f s\n",
              push_s, published_s);
  if (times.empty()) {
    std::printf("verified: none of %d within 300 s; see %s\n", stations, station_log.c_str());
  } else {
    std::printf(
        "verified and installed: %zu of %d; first %.2f s, median %.2f s, last %.2f s after the "
        "push\n",
        times.size(), stations, times.front(), times[times.size() / 2], times.back());
  }
  std::printf("held (state/campaigns/lua-dao version 1): %d of %d\n", held, stations);
  std::printf("the district knows (heartbeat names it): %d of %d at %.2f s\n", known, stations,
              district_knows_s);
  rusage self{};
  ::getrusage(RUSAGE_SELF, &self);
  std::printf(
      "CPU over the %.2f s push: broker %.2f s, stations %.2f s (%zu worker processes), daemon "
      "%.2f s\n",
      window, broker_cpu, stations_cpu, workers.size(), office_cpu);
  std::printf(
      "peak RSS: stations %.1f MB in all (%.1f MB the largest worker of %d stations), broker "
      "%.1f MB, daemon %.1f MB, bench %.1f MB\n",
      workers_peak_mb, worker_peak_mb, kPerWorker, status_mb(broker_pid, "VmHWM"),
      status_mb(office.pid(), "VmHWM"), static_cast<double>(self.ru_maxrss) / 1024.0);
  std::printf("load average after: %s\n", load_average().c_str());
  office.signal(SIGTERM);
  office.wait(10s);
  broker.stop();
  return times.size() == static_cast<std::size_t>(stations) ? 0 : 1;
}

int main(int argc, char** argv) {
  try {
    return run_bench(argc, argv);
  } catch (const std::exception& e) {
    std::printf("district_push_bench: %s\n", e.what());
    return 1;
  }
}
