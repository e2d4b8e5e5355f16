#pragma once

// A JACK client of a test's own playing a sine into loa's capture ports: what a tuner or a
// microphone on line-in sounds like to an input item. Header-only, so only the tests that link
// JACK include it. Needs a running JACK server (scripts/jack-dummy.sh start): running() is false
// without one.

#include <jack/jack.h>
#include <unistd.h>

#include <cmath>
#include <numbers>
#include <string>

namespace loa::test {

// A JACK client with one output port playing a sine for ever.
class ToneClient {
 public:
  ToneClient(double frequency, double amplitude) : frequency_(frequency), amplitude_(amplitude) {
    const std::string name = "loa-tone-" + std::to_string(getpid());
    jack_status_t status{};
    client_ = jack_client_open(name.c_str(), JackNoStartServer, &status);
    if (client_ == nullptr) return;
    out_ = jack_port_register(client_, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(client_, &ToneClient::process, this);
    active_ = out_ != nullptr && jack_activate(client_) == 0;
  }
  ~ToneClient() {
    if (client_ == nullptr) return;
    if (active_) jack_deactivate(client_);
    jack_client_close(client_);
  }
  ToneClient(const ToneClient&) = delete;
  ToneClient& operator=(const ToneClient&) = delete;

  bool running() const { return active_; }
  jack_client_t* client() const { return client_; }

  // Connects the tone to every capture port (PortAudio's in_N) of the clients whose name
  // matches the regular expression `client` that it is not connected to yet; how many it is
  // connected to now.
  int play_into(const std::string& client) {
    const std::string pattern = "^" + client + ":in_";
    const char** ports =
        jack_get_ports(client_, pattern.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput);
    int connected = 0;
    for (std::size_t i = 0; ports != nullptr && ports[i] != nullptr; ++i) {
      if (jack_port_connected_to(out_, ports[i]) != 0 ||
          jack_connect(client_, jack_port_name(out_), ports[i]) == 0) {
        ++connected;
      }
    }
    jack_free(ports);
    return connected;
  }

 private:
  static int process(jack_nframes_t frames, void* arg) {
    auto& t = *static_cast<ToneClient*>(arg);
    auto* out = static_cast<float*>(jack_port_get_buffer(t.out_, frames));
    const double step = 2 * std::numbers::pi * t.frequency_ / jack_get_sample_rate(t.client_);
    for (jack_nframes_t i = 0; i < frames; ++i) {
      out[i] = static_cast<float>(t.amplitude_ * std::sin(t.phase_));
      t.phase_ = std::fmod(t.phase_ + step, 2 * std::numbers::pi);
    }
    return 0;
  }

  double frequency_;
  double amplitude_;
  double phase_ = 0;
  jack_client_t* client_ = nullptr;
  jack_port_t* out_ = nullptr;
  bool active_ = false;
};

}  // namespace loa::test
