#include "loa/relay_probe.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "relay_open.hpp"

namespace loa {

namespace {

using std::chrono::milliseconds;

// Past the timeout, the probe's thread is given this long to notice and return.
constexpr milliseconds kMargin{400};

// What the probe's thread and its caller share: either may finish first.
struct ProbeState {
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable done_changed;
  bool done = false;
  RelayProbe result;
};

RelayProbe look(const std::string& url, milliseconds timeout, const std::atomic<bool>& stop) {
  RelayProbe probe;
  if (detail::quiet_ffmpeg() == nullptr) {
    std::string why;
    detail::ffmpeg_library(&why);
    probe.reason = "relays cannot be played: " + why + " (Debian: apt install libavformat59)";
    return probe;
  }
  detail::RelayDeadline deadline(&stop);
  int code = 0;
  detail::FormatPtr format = detail::open_relay_input(url, deadline, timeout, timeout, code);
  if (!format) {
    probe.reason = detail::relay_open_reason(url, code, deadline, timeout);
    return probe;
  }
  const AVStream* audio = nullptr;
  for (unsigned i = 0; i < format->nb_streams && audio == nullptr; ++i) {
    if (format->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) audio = format->streams[i];
  }
  // HLS and MPEG-TS say the codec on opening, its rate and channels only once a packet is read.
  if (audio == nullptr || audio->codecpar->sample_rate <= 0 ||
      audio->codecpar->ch_layout.nb_channels <= 0) {
    code = detail::av().avformat_find_stream_info(format.get(), nullptr);
    if (code < 0) {
      probe.reason = detail::relay_open_reason(url, code, deadline, timeout);
      return probe;
    }
    for (unsigned i = 0; i < format->nb_streams && audio == nullptr; ++i) {
      if (format->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
        audio = format->streams[i];
      }
    }
  }
  if (audio == nullptr) {
    probe.reason = "not audio: the stream has no audio in it";
    return probe;
  }
  const std::string name = format->iformat->name;
  probe.format = name.substr(0, name.find(','));
  probe.codec = detail::av().avcodec_get_name(audio->codecpar->codec_id);
  probe.rate = audio->codecpar->sample_rate;
  probe.channels = audio->codecpar->ch_layout.nb_channels;
  probe.ok = probe.rate > 0 && probe.channels > 0;
  if (!probe.ok) probe.reason = "not audio: the stream does not say its rate and channels";
  return probe;
}

}  // namespace

RelayProbe probe_relay(const std::string& url, milliseconds timeout) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw std::invalid_argument("a relay's address must start with http:// or https://: " + url);
  }
  auto state = std::make_shared<ProbeState>();
  std::thread([state, url, timeout] {
    RelayProbe result;
    try {
      result = look(url, timeout, state->stop);
    } catch (const std::exception& e) {
      result.reason = std::string("the probe failed: ") + e.what();
    }
    std::lock_guard lock(state->mutex);
    state->result = std::move(result);
    state->done = true;
    state->done_changed.notify_all();
  }).detach();
  std::unique_lock lock(state->mutex);
  if (!state->done_changed.wait_for(lock, timeout + kMargin, [&] { return state->done; })) {
    state->stop.store(true, std::memory_order_release);
    RelayProbe late;
    late.reason = "the server cannot be reached: no answer within " +
                  detail::seconds_text(timeout) + " (check the address and the station's network)";
    return late;
  }
  return state->result;
}

}  // namespace loa
