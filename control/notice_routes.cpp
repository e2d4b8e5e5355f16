// POST /api/notice/preview and POST /api/notice: the control page's "Thông báo nhanh", a notice
// typed as text, heard first, then aired now or at a time (docs/api.md).
#include <fstream>
#include <sstream>

#include "control_context.hpp"
#include "loa/play_now.hpp"
#include "loa/speech.hpp"
#include "loa/spoken_items.hpp"
#include "loa/values.hpp"
#include "notice_programme.hpp"
#include "notice_time.hpp"
#include "programme_files.hpp"

namespace loa {

namespace {

// Emergency priority cuts in on every broadcast: the station's leadership's call (admins), as
// schedule_rights rules for saved programmes.
constexpr int kEmergency = 90;

UtcTime wall_now() {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

bool in_range(const nlohmann::json& v, int low, int high) {
  return v.is_number_integer() && v.get<long long>() >= low && v.get<long long>() <= high;
}

// "speech": {voice, rate, pitch, volume} over the station's voice; "" or what is wrong.
std::string read_voice(const nlohmann::json& speech, SpeechVoice& voice) {
  if (!speech.is_object())
    return "speech must be an object like {\"voice\": \"vi\", \"rate\": 150}";
  for (const auto& [key, v] : speech.items()) {
    if (key == "voice") {
      const bool ok = v.is_string() && !v.get<std::string>().empty() &&
                      v.get<std::string>().size() <= 40 &&
                      v.get<std::string>().find_first_not_of(
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_+") ==
                          std::string::npos;
      if (!ok) return "speech.voice must be an espeak-ng voice name such as vi";
      voice.voice = v.get<std::string>();
    } else if (key == "rate") {
      if (!in_range(v, 80, 450)) return "speech.rate must be 80 to 450 words a minute";
      voice.rate = v.get<int>();
    } else if (key == "pitch") {
      if (!in_range(v, 0, 100)) return "speech.pitch must be 0 to 100";
      voice.pitch = v.get<int>();
    } else if (key == "volume") {
      if (!in_range(v, 0, 200)) return "speech.volume must be 0 to 200";
      voice.volume = v.get<int>();
    } else {
      return "speech has no '" + key + "'; it takes voice, rate, pitch and volume";
    }
  }
  return "";
}

// The text and the voice of the body, checked as `loa check` checks a say item; false (and 422
// sent) when they will not do.
bool read_notice_text(const nlohmann::json& body, const StationSettings& s, Notice& n,
                      httplib::Response& res) {
  if (!body.contains("text") || !body["text"].is_string()) {
    reply_error(res, 422, Message{"notice.text_missing"});
    return false;
  }
  n.text = body["text"].get<std::string>();
  n.voice = s.audio.speech;
  std::string why;
  if (body.contains("speech")) {
    n.own_voice = true;
    why = read_voice(body["speech"], n.voice);
  }
  if (why.empty()) why = spoken_text_problem(n.text, n.voice);
  if (!why.empty()) {
    reply_error(res, 422, Message{"notice.text_refused", {{"reason", why}}});
    return false;
  }
  return true;
}

// The notice's clip in the speech cache (STATE/speech/), spoken first unless it is there already;
// false (and 422 sent) when it cannot be spoken (an unknown voice, a full disk).
bool speak(const StationSettings& s, const Notice& n, std::filesystem::path& file,
           httplib::Response& res) {
  const SpeechParams p{n.voice.voice, n.voice.rate, n.voice.pitch, n.voice.volume};
  file = speech_clip_file(s.state, n.text, p);
  bool synthesized = false;
  if (const std::string why = ensure_speech_clip(file, n.text, p, synthesized); !why.empty()) {
    reply_error(res, 422, Message{"notice.cannot_speak", {{"reason", why}}});
    return false;
  }
  return true;
}

// Zones and priority, within the caller's rights; false with the answer sent (403, 422).
bool read_audience(const nlohmann::json& body, const Caller& caller, const StationSettings& s,
                   Notice& n, httplib::Response& res) {
  try {
    n.zones = requested_zones(body, caller, s, res);
    if (n.zones == 0) return false;
    n.priority = requested_priority(body);
  } catch (const BadRequest& e) {
    reply_error(res, 422, Message{"notice.audience_refused", {{"reason", e.message}}});
    return false;
  }
  if (n.priority >= kEmergency && caller.account.role != Role::admin) {
    reply_error(res, 403, Message{"notice.emergency_admin_only"});
    return false;
  }
  return true;
}

std::string journal_text(const Notice& n, const StationSettings& s) {
  return "(" + std::string(priority_class(n.priority)) + ") on " + s.zone_names(n.zones) +
         ": notice \"" + n.text + "\"";
}

// Airs the notice now, as POST /api/play-now airs clips.
void air_now(ControlServer::Context& c, const Caller& caller, const Station& station,
             const Notice& n, httplib::Response& res) {
  const StationSettings& s = station.settings;
  std::filesystem::path file;
  if (!speak(s, n, file, res)) return;
  std::shared_ptr<AirStation> adhoc;
  try {
    adhoc = std::make_shared<AirStation>(
        play_now_station(station, {file}, {say_item_name(n.text)}, n.zones, n.priority));
  } catch (const std::invalid_argument& e) {
    reply_error(res, 422, Message{"play_now.refused", {{"reason", e.what()}}});
    return;
  }
  auto scheduled = std::make_shared<UtcTime>();
  std::string error;
  if (!c.queue.call(
          [adhoc, scheduled](AirControl& air) { *scheduled = air.play_now(std::move(*adhoc)); },
          std::chrono::seconds(5), error)) {
    reply_error(res, 503, engine_failure(error));
    return;
  }
  c.record(caller, "play now " + journal_text(n, s));
  reply_json(res, 202,
             {{"scheduled", format_iso(*scheduled, s.zone)},
              {"zones", zone_ids_json(n.zones, s)},
              {"priority", std::string(priority_class(n.priority))}});
}

// Saves the notice as a one-off programme at `at`, as PUT /api/programmes/NAME saves a file.
void air_at(ControlServer::Context& c, const Caller& caller, const Station& station,
            const Notice& n, const NoticeTime& at, httplib::Response& res) {
  const StationSettings& s = station.settings;
  const std::string base = notice_programme_id(at);
  std::string id;
  std::optional<std::filesystem::path> file;
  for (int k = 1; k <= 50 && id.empty(); ++k) {
    const std::string name = k == 1 ? base : base + "-" + std::to_string(k);
    file = programme_file(s, name);
    if (!file) {
      reply_error(res, 409, Message{"notice.no_programmes_folder"});
      return;
    }
    std::error_code ec;
    if (!std::filesystem::exists(*file, ec) && station.programme(name) == nullptr) id = name;
  }
  if (id.empty()) {
    reply_error(res, 409, Message{"notice.too_many", {{"time", format_time_of_day(at.time)}}});
    return;
  }
  const std::string text = notice_programme_yaml(n, id, at, s, caller.who());
  const auto saved = save_programme_file(c, caller, *file, text, res, true);
  if (!saved) return;
  c.record(caller,
           "scheduled " + id + " at " + format_iso(at.instant, s.zone) + " " + journal_text(n, s));
  reply_json(res, 201,
             {{"programme", id},
              {"file", shown_path(file->string(), s)},
              {"at", format_iso(at.instant, s.zone)},
              {"zones", zone_ids_json(n.zones, s)},
              {"priority", std::string(priority_class(n.priority))},
              {"version", saved->version},
              {"warnings", saved->warnings}});
}

}  // namespace

void add_notice_routes(ControlServer::Context& c) {
  c.server->Post(
      "/api/notice/preview", c.guard(Role::operator_, [&c](const httplib::Request& req,
                                                           httplib::Response& res, const Caller&) {
        const nlohmann::json body = json_body(req);
        const auto snapshot = c.snapshot();
        const StationSettings& s = snapshot->air->station->settings;
        Notice n;
        if (!read_notice_text(body, s, n, res)) return;
        std::filesystem::path file;
        if (!speak(s, n, file, res)) return;
        std::ifstream in(file, std::ios::binary);
        std::ostringstream wav;
        wav << in.rdbuf();
        if (!in) {
          reply_error(res, 500, Message{"notice.cannot_read", {{"file", file.string()}}});
          return;
        }
        res.set_content(wav.str(), "audio/wav");
      }));

  c.server->Post("/api/notice",
                 c.guard(Role::operator_, [&c](const httplib::Request& req, httplib::Response& res,
                                               const Caller& caller) {
                   const nlohmann::json body = json_body(req);
                   const auto snapshot = c.snapshot();
                   const Station& station = *snapshot->air->station;
                   Notice n;
                   if (!read_notice_text(body, station.settings, n, res)) return;
                   if (!read_audience(body, caller, station.settings, n, res)) return;
                   if (!body.contains("at") || body["at"].is_null()) {
                     air_now(c, caller, station, n, res);
                     return;
                   }
                   std::string why;
                   const auto at = body["at"].is_string()
                                       ? parse_notice_time(body["at"].get<std::string>(),
                                                           wall_now(), station.settings.zone, why)
                                       : std::nullopt;
                   if (!at && why.empty()) {
                     reply_error(res, 422, Message{"notice.time_missing"});
                     return;
                   }
                   if (!at) {
                     reply_error(res, 422, Message{"notice.time_refused", {{"reason", why}}});
                     return;
                   }
                   air_at(c, caller, station, n, *at, res);
                 }));
}

}  // namespace loa
