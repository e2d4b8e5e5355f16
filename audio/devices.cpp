// PortAudio's lifetime and device list: the PortAudioSession, listing and resolving devices.
#include <fcntl.h>
#include <pa_jack.h>
#include <portaudio.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "loa/portaudio_output.hpp"

namespace loa {
namespace {

std::mutex g_mutex;
int g_sessions = 0;
// PaJack_SetClientName keeps the pointer: the storage must outlive Pa_Initialize.
std::string g_jack_client_name = "loa";

// Pa_Initialize probes every host API, and ALSA and JACK write what they do not find to stderr
// ("ALSA lib ... cannot find card", "Cannot connect to server socket"). Sends fd 2 to /dev/null
// around that call only.
PaError quiet_initialize() {
  const char* debug = std::getenv("LOA_AUDIO_DEBUG");
  if (debug != nullptr && *debug != '\0' && *debug != '0') return Pa_Initialize();
  std::fflush(stderr);
  const int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
  const int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved < 0 || null < 0 || dup2(null, 2) < 0) {
    if (saved >= 0) close(saved);
    if (null >= 0) close(null);
    return Pa_Initialize();
  }
  close(null);
  const PaError err = Pa_Initialize();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  return err;
}

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool has_output(int index) {
  const PaDeviceInfo* info = Pa_GetDeviceInfo(index);
  return info != nullptr && info->maxOutputChannels > 0;
}

}  // namespace

PortAudioSession::PortAudioSession() {
  std::lock_guard lock(g_mutex);
  if (g_sessions == 0) {
    PaJack_SetClientName(g_jack_client_name.c_str());
    const PaError err = quiet_initialize();
    if (err != paNoError) {
      throw std::runtime_error(std::string("cannot start PortAudio: ") + Pa_GetErrorText(err));
    }
  }
  ++g_sessions;
}

PortAudioSession::~PortAudioSession() {
  std::lock_guard lock(g_mutex);
  if (--g_sessions == 0) Pa_Terminate();
}

void set_jack_client_name(const std::string& name) {
  std::lock_guard lock(g_mutex);
  if (g_sessions == 0) g_jack_client_name = name.empty() ? std::string("loa") : name;
}

namespace portaudio_detail {

std::vector<AudioDevice> devices() {
  const PaDeviceIndex count = Pa_GetDeviceCount();
  if (count < 0) {
    throw std::runtime_error(std::string("cannot list audio devices: ") + Pa_GetErrorText(count));
  }
  const PaDeviceIndex def_out = Pa_GetDefaultOutputDevice();
  const PaDeviceIndex def_in = Pa_GetDefaultInputDevice();
  std::vector<AudioDevice> out;
  out.reserve(static_cast<std::size_t>(count));
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (info == nullptr) continue;
    const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
    AudioDevice d;
    d.index = i;
    d.name = info->name != nullptr ? info->name : "";
    d.host_api = api != nullptr && api->name != nullptr ? api->name : "?";
    d.max_output_channels = info->maxOutputChannels;
    d.max_input_channels = info->maxInputChannels;
    d.default_rate = info->defaultSampleRate;
    d.default_output = i == def_out;
    d.default_input = i == def_in;
    out.push_back(std::move(d));
  }
  return out;
}

int resolve_output(const std::string& device, std::string& why) {
  const PaDeviceIndex count = Pa_GetDeviceCount();
  if (count < 0) {
    why = std::string("PortAudio cannot list devices: ") + Pa_GetErrorText(count);
    return -1;
  }
  if (device.empty() || device == "default") {
    const PaDeviceIndex i = Pa_GetDefaultOutputDevice();
    if (i == paNoDevice || !has_output(i)) {
      why = "there is no default output device";
      return -1;
    }
    return i;
  }
  if (device == "jack" || device.starts_with("jack:")) {
    const PaHostApiIndex api = Pa_HostApiTypeIdToHostApiIndex(paJACK);
    const PaHostApiInfo* info = api >= 0 ? Pa_GetHostApiInfo(api) : nullptr;
    if (info == nullptr) {
      why = "no JACK server is running (start jackd first)";
      return -1;
    }
    const std::string client = device == "jack" ? std::string() : device.substr(5);
    if (client.empty()) {
      if (info->defaultOutputDevice == paNoDevice || !has_output(info->defaultOutputDevice)) {
        why = "the JACK server has no playback ports";
        return -1;
      }
      return info->defaultOutputDevice;
    }
    for (int k = 0; k < info->deviceCount; ++k) {
      const PaDeviceIndex i = Pa_HostApiDeviceIndexToDeviceIndex(api, k);
      const PaDeviceInfo* d = Pa_GetDeviceInfo(i);
      if (d != nullptr && d->name != nullptr && client == d->name && d->maxOutputChannels > 0) {
        return i;
      }
    }
    why = "the JACK server has no client \"" + client + "\" with playback ports";
    return -1;
  }
  if (all_digits(device)) {
    const int i = std::atoi(device.c_str());
    if (i >= count) {
      why = "there is no device number " + device;
      return -1;
    }
    if (!has_output(i)) {
      why = "device " + device + " has no output channels";
      return -1;
    }
    return i;
  }
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* d = Pa_GetDeviceInfo(i);
    if (d != nullptr && d->name != nullptr && device == d->name && d->maxOutputChannels > 0) {
      return i;
    }
  }
  why = "no output device has that name";
  return -1;
}

int resolve_input(const std::string& device, std::string& why) {
  const PaDeviceIndex count = Pa_GetDeviceCount();
  if (count < 0) {
    why = std::string("PortAudio cannot list devices: ") + Pa_GetErrorText(count);
    return -1;
  }
  auto has_input = [](PaDeviceIndex i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    return info != nullptr && info->maxInputChannels > 0;
  };
  if (device.empty() || device == "default") {
    const PaDeviceIndex i = Pa_GetDefaultInputDevice();
    if (i == paNoDevice || !has_input(i)) {
      why = "there is no default capture device";
      return -1;
    }
    return i;
  }
  if (device == "jack") {
    const PaHostApiIndex api = Pa_HostApiTypeIdToHostApiIndex(paJACK);
    const PaHostApiInfo* info = api >= 0 ? Pa_GetHostApiInfo(api) : nullptr;
    if (info == nullptr) {
      why = "no JACK server is running (start jackd first)";
      return -1;
    }
    if (info->defaultInputDevice == paNoDevice || !has_input(info->defaultInputDevice)) {
      why = "the JACK server has no capture ports";
      return -1;
    }
    return info->defaultInputDevice;
  }
  if (all_digits(device)) {
    const int i = std::atoi(device.c_str());
    if (i >= count || !has_input(i)) {
      why = "there is no capture device number " + device;
      return -1;
    }
    return i;
  }
  for (PaDeviceIndex i = 0; i < count; ++i) {  // the exact name first, then a part of one
    const PaDeviceInfo* d = Pa_GetDeviceInfo(i);
    if (d != nullptr && d->name != nullptr && device == d->name && has_input(i)) return i;
  }
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* d = Pa_GetDeviceInfo(i);
    if (d != nullptr && d->name != nullptr &&
        std::string(d->name).find(device) != std::string::npos && has_input(i)) {
      return i;
    }
  }
  why = "no capture device has that name (is it plugged in?)";
  return -1;
}

std::string open_error(const std::string& device, const std::string& why) {
  std::ostringstream s;
  s << "cannot open audio output \"" << device << "\": " << why << '\n';
  std::vector<AudioDevice> outputs;
  try {
    for (auto& d : devices()) {
      if (d.max_output_channels > 0) outputs.push_back(std::move(d));
    }
  } catch (const std::exception&) {
  }
  if (outputs.empty()) {
    s << "There are no output devices: is a sound card connected, or a JACK server running?";
    return s.str();
  }
  s << "Output devices:\n";
  for (const auto& d : outputs) {
    s << "  " << (d.index < 10 ? " " : "") << d.index << "  " << d.name << "  (" << d.host_api
      << ", " << d.max_output_channels << " ch, " << static_cast<long>(d.default_rate) << " Hz"
      << (d.default_output ? ", default" : "") << ")\n";
  }
  s << "Use --device with one of these (its number or exact name), \"default\", or \"jack\" for "
       "the JACK server's default output.";
  return s.str();
}

}  // namespace portaudio_detail

std::vector<AudioDevice> list_audio_devices() {
  PortAudioSession session;
  return portaudio_detail::devices();
}

AudioDevice find_output_device(const std::string& device) {
  PortAudioSession session;
  std::string why;
  const int index = portaudio_detail::resolve_output(device, why);
  if (index < 0) throw std::runtime_error(portaudio_detail::open_error(device, why));
  for (auto& d : portaudio_detail::devices()) {
    if (d.index == index) return d;
  }
  throw std::runtime_error(portaudio_detail::open_error(device, "it disappeared"));
}

}  // namespace loa
