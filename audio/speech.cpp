#include "loa/speech.hpp"

#include <espeak-ng/speak_lib.h>
#include <sndfile.h>
#include <unistd.h>
#include <xxhash.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "loa/vietnamese_reading.hpp"

namespace loa {

namespace {

// espeak-ng's state is global; this mutex guards every call into it and g_samples.
std::mutex g_engine;
std::vector<short>* g_samples = nullptr;  // where the callback appends; under g_engine
int g_rate = 0;                           // 0: not initialized; under g_engine
bool g_failed = false;

int on_samples(short* wav, int count, espeak_EVENT*) {
  if (wav != nullptr && count > 0 && g_samples != nullptr)
    g_samples->insert(g_samples->end(), wav, wav + count);
  return 0;
}

// Called with g_engine held.
bool start_engine() {
  if (g_rate > 0) return true;
  if (g_failed) return false;
  const int rate =
      espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) {
    g_failed = true;
    return false;
  }
  espeak_SetSynthCallback(on_samples);
  g_rate = rate;
  return true;
}

// Whether espeak-ng has `name` as a voice's name, file or language ("vi", "Vietnamese_Northern",
// "roa/vi"): espeak_SetVoiceByName falls back to another voice for a name it does not know.
// Called with g_engine held.
bool voice_known(const std::string& name) {
  for (const espeak_VOICE** v = espeak_ListVoices(nullptr); v != nullptr && *v != nullptr; ++v) {
    const espeak_VOICE& voice = **v;
    if (voice.name != nullptr && name == voice.name) return true;
    if (voice.identifier != nullptr) {
      const std::string_view id = voice.identifier;
      if (id == name || id.ends_with("/" + name)) return true;
    }
    // languages: a priority byte (never 0), then a NUL-terminated name, repeated; a 0 byte where
    // the next priority would be ends the list.
    for (const char* l = voice.languages; l != nullptr && *l != '\0'; l += std::strlen(l + 1) + 2) {
      if (name == l + 1) return true;
    }
  }
  return false;
}

bool is_vietnamese(const std::string& voice) {
  return voice == "vi" || voice.starts_with("vi-");
}

}  // namespace

std::string speech_engine_version() {
  const std::lock_guard lock(g_engine);
  const char* data = nullptr;
  const char* v = espeak_Info(&data);
  return v != nullptr ? v : "unknown";
}

std::string speech_text(std::string_view text, const SpeechParams& p) {
  return is_vietnamese(p.voice) ? read_vietnamese(text) : std::string(text);
}

std::filesystem::path speech_clip_file(const std::filesystem::path& state, std::string_view text,
                                       const SpeechParams& p) {
  std::string key = speech_text(text, p);
  key += '\0' + p.voice + '\0' + std::to_string(p.rate) + '\0' + std::to_string(p.pitch) + '\0' +
         std::to_string(p.volume) + '\0' + speech_engine_version();
  const XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
  char name[40];
  std::snprintf(name, sizeof name, "%016llx%016llx.wav", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return state / "speech" / name;
}

std::string synthesize(std::string_view text, const SpeechParams& p, std::vector<short>& samples,
                       int& rate) {
  const std::string said = speech_text(text, p);
  const std::lock_guard lock(g_engine);
  if (!start_engine())
    return "espeak-ng could not start (is the espeak-ng-data package installed?)";
  if (!voice_known(p.voice) || espeak_SetVoiceByName(p.voice.c_str()) != EE_OK)
    return "espeak-ng has no voice '" + p.voice + "' (espeak-ng --voices lists them)";
  espeak_SetParameter(espeakRATE, p.rate, 0);
  espeak_SetParameter(espeakPITCH, p.pitch, 0);
  espeak_SetParameter(espeakVOLUME, p.volume, 0);
  samples.clear();
  g_samples = &samples;
  const espeak_ERROR e = espeak_Synth(said.c_str(), said.size() + 1, 0, POS_CHARACTER, 0,
                                      espeakCHARS_UTF8, nullptr, nullptr);
  g_samples = nullptr;
  rate = g_rate;
  if (e != EE_OK) return "espeak-ng could not speak the text (error " + std::to_string(e) + ")";
  if (samples.empty()) return "espeak-ng produced no sound for the text";
  return {};
}

std::string write_speech_clip(std::string_view text, const SpeechParams& p,
                              const std::filesystem::path& file) {
  std::vector<short> samples;
  int rate = 0;
  if (std::string why = synthesize(text, p, samples, rate); !why.empty()) return why;
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  static std::atomic<unsigned> counter{0};
  const auto temp = std::filesystem::path(file.string() + ".tmp-" + std::to_string(getpid()) + "-" +
                                          std::to_string(counter++));
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* out = sf_open(temp.c_str(), SFM_WRITE, &info);
  if (out == nullptr) return "cannot write " + temp.string() + ": " + sf_strerror(nullptr);
  const auto n = static_cast<sf_count_t>(samples.size());
  const bool written = sf_write_short(out, samples.data(), n) == n;
  const bool closed = sf_close(out) == 0;
  if (!written || !closed) {
    std::filesystem::remove(temp, ec);
    return "cannot write " + temp.string() + " (is the disk full?)";
  }
  std::filesystem::rename(temp, file, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return "cannot write " + file.string() + ": " + ec.message();
  }
  return {};
}

std::string ensure_speech_clip(const std::filesystem::path& file, std::string_view text,
                               const SpeechParams& p, bool& synthesized) {
  synthesized = false;
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec)) return {};
  synthesized = true;
  return write_speech_clip(text, p, file);
}

}  // namespace loa
